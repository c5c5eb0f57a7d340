// Saves screenshots of the fault board in both languages and both themes to
// tests/artifacts/, for looking at the screens (and for the README).
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { startHub } from './hub.mjs';
import { launchChromium } from './chromium.mjs';

const out = resolve(import.meta.dirname, '..', 'artifacts');
await mkdir(out, { recursive: true });

const hub = await startHub();
const browser = await launchChromium().catch(async (error) => {
  await hub.stop();
  throw error;
});
try {
  for (const language of ['en', 'zh']) {
    for (const theme of ['dark', 'light']) {
      const context = await browser.newContext({ viewport: { width: 1600, height: 900 } });
      await context.addInitScript(
        ([l, t]) => {
          localStorage.setItem('noc.language', l);
          localStorage.setItem('noc.theme', t);
          localStorage.setItem('noc.operator', l === 'zh' ? '王伟' : 'Alex');
        },
        [language, theme],
      );
      const page = await context.newPage();
      await page.goto(hub.url);
      const row = page.locator('[data-testid="incident-row"][data-status="open"]').first();
      await row.waitFor({ timeout: 120_000 });
      await page.screenshot({ path: join(out, `board-${language}-${theme}.png`) });
      await row.click();
      await page.getByTestId('timeline-entry').first().waitFor({ timeout: 60_000 });
      await page.screenshot({ path: join(out, `incident-${language}-${theme}.png`) });
      await context.close();
      console.log(`saved ${language}/${theme}`);
    }
  }
} finally {
  await browser.close();
  await hub.stop();
}
