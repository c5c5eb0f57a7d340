// Two operators at two workstations on one hub: what one does, the other sees without
// reloading (claims, comments, new alarms), and the board names who did it.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { launchChromium } from './chromium.mjs';
import { firing, startWebhookHub } from './webhook.mjs';
import { openWorkstation } from './workstation.mjs';

const SOON = 60_000;

let hub;
let browser;

before(async () => {
  hub = await startWebhookHub();
  await hub.send([
    firing('core-1/bgp', 'core-1', 'BGP session to ISP-A down', 'critical'),
    firing('nas-2/raid', 'nas-2', 'RAID degraded', 'major'),
  ]);
  await hub.until((s) => s.incidents.length >= 2, { what: 'two incidents' });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await hub?.stop();
});

/** One workstation: its own browser context (own localStorage), its own operator name. */
async function workstation(operator) {
  const { context, page } = await openWorkstation(browser, hub.url, operator);
  await page.evaluate(() => {
    window.sameDocument = true;
  });
  return { context, page };
}

const row = (page, id) => page.locator(`[data-testid="incident-row"][data-incident-id="${id}"]`);

describe('two operators on one hub', () => {
  test('a claim and a comment by one appear for the other without reloading', { timeout: SOON * 4 }, async () => {
    const ana = await workstation('Ana');
    const ben = await workstation('Ben 王');
    try {
      const first = ana.page.locator('[data-testid="incident-row"]').first();
      await first.waitFor({ timeout: SOON });
      const id = await first.getAttribute('data-incident-id');
      await row(ben.page, id).waitFor({ timeout: SOON });
      assert.equal(await row(ben.page, id).getAttribute('data-owner'), '');

      // Ben follows the incident in its detail.
      await row(ben.page, id).click();
      const benDetail = ben.page.locator(`[data-testid="incident-detail"][data-incident-id="${id}"]`);
      await benDetail.waitFor();

      // Ana claims it from the keyboard.
      await ana.page.keyboard.press('j');
      await ana.page.keyboard.press('a');
      await row(ana.page, id).and(ana.page.locator('[data-owner="Ana"]')).waitFor({ timeout: SOON });
      await row(ben.page, id).and(ben.page.locator('[data-owner="Ana"]')).waitFor({ timeout: SOON });
      assert.equal((await row(ben.page, id).getByTestId('incident-owner').textContent()).trim(), 'Ana');
      await benDetail.getByTestId('detail-owner').filter({ hasText: 'Ana' }).waitFor({ timeout: SOON });

      // Ben (his selection on it since he clicked it) cannot claim it too: the hub refuses.
      await ben.page.keyboard.press('a');
      const notice = ben.page.locator('[data-testid="board-notice"][data-kind="refused"]');
      await notice.waitFor({ timeout: SOON });
      assert.match(await notice.textContent(), new RegExp(`INC-${id}`));

      // Ana comments (c opens the comment dialog of the selected incident); Ben reads it.
      const comment = `Ana here: ISP-A ticket 4711 opened ${Date.now()}`;
      await ana.page.keyboard.press('c');
      const dialog = ana.page.getByTestId('comment-dialog');
      await dialog.waitFor({ timeout: SOON });
      await dialog.getByTestId('comment-dialog-text').fill(comment);
      await dialog.getByTestId('comment-dialog-submit').click();
      await benDetail.getByTestId('timeline-text').filter({ hasText: comment }).waitFor({ timeout: SOON });

      // A new alarm reaches both boards.
      await hub.send([firing('dns-9/fail', 'dns-9', 'Resolver not answering', 'critical')]);
      for (const page of [ana.page, ben.page]) {
        await page.locator('[data-testid="incident-row"]', { hasText: 'Resolver not answering' }).waitFor({ timeout: SOON });
        assert.equal(await page.evaluate(() => window.sameDocument), true, 'the page was not reloaded');
      }
    } finally {
      await ana.context.close();
      await ben.context.close();
    }
  });

  test('"mine" differs per workstation', { timeout: SOON * 2 }, async () => {
    const ana = await workstation('Ana');
    const ben = await workstation('Ben 王');
    try {
      const open = ben.page.locator('[data-testid="incident-row"][data-owner=""]').first();
      await open.waitFor({ timeout: SOON });
      const id = await open.getAttribute('data-incident-id');
      await open.click();
      await ben.page.keyboard.press('a');
      await row(ben.page, id).and(ben.page.locator('[data-owner="Ben 王"]')).waitFor({ timeout: SOON });

      for (const { page } of [ana, ben]) await page.getByTestId('filter-owner').selectOption('me');
      await row(ben.page, id).waitFor();
      await ana.page.waitForFunction(
        (taken) => {
          const shown = [...document.querySelectorAll('[data-testid="incident-row"]')];
          return shown.every((r) => r.dataset.owner === 'Ana') && !shown.some((r) => r.dataset.incidentId === taken);
        },
        id,
        { timeout: SOON },
      );
    } finally {
      await ana.context.close();
      await ben.context.close();
    }
  });
});
