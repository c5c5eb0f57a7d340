// Saves screenshots of the Reports page with today's daily report previewed, in both
// languages and both themes, to tests/artifacts/reports/, for looking at the screen.
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { startHub } from './hub.mjs';
import { launchChromium } from './chromium.mjs';
import { openWorkstation } from './workstation.mjs';

const out = process.env.SCREENSHOTS_DIR ?? resolve(import.meta.dirname, '..', 'artifacts', 'reports');
await mkdir(out, { recursive: true });

const hub = await startHub({ demoSpeed: 60 });
const browser = await launchChromium();
try {
  const token = new URL(hub.url).searchParams.get('token');
  // Enough of the demo's day for the charts to have bars.
  const deadline = Date.now() + 180_000;
  for (;;) {
    const response = await fetch(`${hub.origin}/api/state`, { headers: { Authorization: `Bearer ${token}` } });
    const state = await response.json();
    if (state.incidents.length > 0) break;
    if (Date.now() > deadline) throw new Error('the demo opened no incident in time');
    await new Promise((done) => setTimeout(done, 1_000));
  }
  await new Promise((done) => setTimeout(done, 20_000));
  for (const language of ['en', 'zh']) {
    for (const theme of ['dark', 'light']) {
      const { context, page } = await openWorkstation(browser, hub.url, 'Alex Chen', { language, theme, hash: `#/reports?kind=daily&lang=${language}` });
      await page.getByTestId('reports-preview').click();
      await page.frameLocator('[data-testid="reports-preview-frame"]').locator('svg').first().waitFor({ timeout: 60_000 });
      await page.getByTestId('reports-summary').waitFor();
      await page.screenshot({ path: join(out, `reports-${language}-${theme}.png`) });
      await context.close();
      console.log(`saved ${language}/${theme}`);
    }
  }
} finally {
  await browser.close();
  await hub.stop();
}
