// Screenshots of the duty screen (值班) at 1600×1000 in English, Chinese and the dark
// theme: the roster, the handover draft, and a signed handover awaiting acceptance.
// Usage: node screenshots-handover.mjs <directory>
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { launchChromium } from './chromium.mjs';
import { firing, startWebhookHub } from './webhook.mjs';
import { openWorkstation } from './workstation.mjs';

const out = process.argv[2] ?? 'screenshots';
mkdirSync(out, { recursive: true });

const OFFSET = 480;
const local = new Date(Date.now() + OFFSET * 60_000);
const pad = (n) => String(n).padStart(2, '0');
// The anchor day is yesterday, so the calendar runs on from shifts already under way.
const yesterday = new Date(local.getTime() - 86_400_000);
const anchor = `${yesterday.getUTCFullYear()}-${pad(yesterday.getUTCMonth() + 1)}-${pad(yesterday.getUTCDate())}`;

const hub = await startWebhookHub();
const browser = await launchChromium();
try {
  await hub.send([
    firing('core-7/icmp', 'core-7', 'Core router core-7 unreachable', 'critical'),
    firing('olt-3/pon', 'olt-3', 'PON port 1/3 loss of signal', 'major'),
    firing('dc1/ups', 'ups-dc1', 'UPS on battery', 'minor'),
  ]);
  await hub.until((s) => s.incidents.length >= 3, { what: 'three incidents' });
  const open = (operator, language, theme, ready = 'duty-now') =>
    openWorkstation(browser, hub.url, operator, {
      language,
      theme,
      hash: '#/duty',
      ready: async (page) => {
        await page.getByTestId(ready).waitFor({ timeout: 60_000 });
        await page.waitForTimeout(500);
      },
    });

  // Before any roster: what a duty manager is told, and the editor it opens.
  {
    const { context, page } = await open('li.wei', 'en', 'light', 'duty-no-roster');
    await page.screenshot({ path: join(out, 'duty-empty-en.png') });
    await page.getByTestId('duty-define-roster').click();
    await page.getByTestId('roster-editor').waitFor();
    await page.screenshot({ path: join(out, 'roster-editor-en.png') });
    await context.close();
  }
  await hub.api('PUT', '/api/duty/roster', {
    utc_offset_minutes: OFFSET,
    shifts: [
      { name: 'day', start: '08:00', hours: 12 },
      { name: 'night', start: '20:00', hours: 12 },
    ],
    teams: [
      { name: 'A', members: ['li.wei', 'zhao.lei'] },
      { name: 'B', members: ['wang.fang', 'chen.jie'] },
      { name: 'C', members: ['sun.hao', 'zhou.min'] },
    ],
    anchor_day: anchor,
    patrol: ['UPS and power', 'Core links', 'Machine room temperature', 'Backup jobs'],
  });
  const duty = await hub.api('GET', '/api/duty');
  const outgoing = duty.now.members[0];
  const incoming = duty.next.members[0];
  const later = duty.upcoming.find((s) => s.key !== duty.now.key && s.key !== duty.next.key);
  await hub.api('POST', '/api/duty/overrides', {
    shift: later.key,
    replaced: later.members[1],
    by: 'liu.yang',
    reason: 'Annual leave',
  });
  await hub.api('POST', '/api/duty/log', { text: 'core-7 down since the storm; NOC ticket 4711 with the carrier.' }, outgoing);
  await hub.api('POST', '/api/duty/log', { text: 'Reseated the OLT-3 PON card, no change.' }, outgoing);
  await hub.api('POST', '/api/duty/patrol', { item: 'UPS and power', ok: false, note: 'DC1 UPS on battery 12 min' }, outgoing);
  await hub.api('POST', '/api/duty/patrol', { item: 'Core links', ok: true, note: '' }, outgoing);

  const variants = [
    ['en', 'en', 'light'],
    ['zh', 'zh', 'light'],
    ['dark', 'en', 'dark'],
  ];
  for (const [name, language, theme] of variants) {
    const { context, page } = await open(outgoing, language, theme);
    await page.screenshot({ path: join(out, `duty-${name}.png`) });
    await page.getByTestId('handover-prepare').click();
    await page.getByTestId('handover-draft').waitFor();
    await page.getByTestId('handover-notes-input').fill('core-7: carrier engineer on site at 14:00, call 138-0000-0000.\nOLT-3: spare card arrives tomorrow.');
    await page.screenshot({ path: join(out, `handover-draft-${name}.png`) });
    await context.close();
  }

  await hub.api('POST', '/api/duty/handover', { notes: 'core-7: carrier engineer on site at 14:00.\nOLT-3: spare card arrives tomorrow.' }, outgoing);
  for (const [name, language, theme] of variants) {
    const { context, page } = await open(incoming, language, theme);
    await page.getByTestId('handover-sheet').first().waitFor();
    await page.screenshot({ path: join(out, `handover-signed-${name}.png`) });
    if (name === 'en') {
      await page.emulateMedia({ media: 'print' });
      await page.evaluate(() => {
        const copy = document.createElement('div');
        copy.className = 'handover-print';
        copy.append(document.querySelector('[data-testid="handover-sheet"]').cloneNode(true));
        document.body.append(copy);
        document.body.classList.add('printing-handover');
      });
      await page.screenshot({ path: join(out, `handover-print-${name}.png`), fullPage: true });
    }
    await context.close();
  }
  console.log(`screenshots in ${out}`);
} finally {
  await browser.close();
  await hub.stop();
}
