// Two operators on one hub see each other: who is online and on which screen, who else
// has an incident open, an acknowledgement by one on the other's board within a second,
// and two acknowledgements at the same moment — one wins, the other is told by whom.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { launchChromium } from './chromium.mjs';
import { firing, startWebhookHub } from './webhook.mjs';
import { openWorkstation } from './workstation.mjs';

const SOON = 60_000;
/** The requirement: another operator's board shows an acknowledgement within a second. */
const WITHIN_A_SECOND = 1_000;

let hub;
let browser;
let incidents;

before(async () => {
  hub = await startWebhookHub();
  await hub.send([
    firing('core-1/bgp', 'core-1', 'BGP session to ISP-A down', 'critical'),
    firing('nas-2/raid', 'nas-2', 'RAID degraded', 'major'),
  ]);
  const snapshot = await hub.until((s) => s.incidents.length >= 2, { what: 'two incidents' });
  incidents = snapshot.incidents.map((i) => String(i.id));
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await hub?.stop();
});

const workstation = (operator) => openWorkstation(browser, hub.url, operator);

const badge = (page, name) => page.locator(`[data-testid="presence-operator"][data-name="${name}"]`);
const row = (page, id) => page.locator(`[data-testid="incident-row"][data-incident-id="${id}"]`);
const detail = (page, id) => page.locator(`[data-testid="incident-detail"][data-incident-id="${id}"]`);

async function openIncident(page, id) {
  await row(page, id).click();
  await detail(page, id).waitFor({ timeout: SOON });
}

/** Clicks Acknowledge in both pages at one agreed moment (both pages read the same clock). */
async function acknowledgeTogether(pages) {
  const at = Date.now() + 500;
  const clicked = await Promise.all(
    pages.map((page) =>
      page.evaluate(
        (when) =>
          new Promise((done) =>
            setTimeout(() => {
              const button = document.querySelector('[data-testid="acknowledge"]');
              button?.click();
              done(button !== null);
            }, when - Date.now()),
          ),
        at,
      ),
    ),
  );
  assert.deepEqual(clicked, [true, true], 'both operators pressed Acknowledge');
}

describe('presence: two operators on one hub', () => {
  test('each sees the other, where they are, and what they do', { timeout: SOON * 6 }, async () => {
    const li = await workstation('li.wei');
    const zhang = await workstation('zhang.min');
    try {
      await badge(li.page, 'zhang.min').and(li.page.locator('[data-screen="board"]')).waitFor({ timeout: SOON });
      await badge(zhang.page, 'li.wei').and(zhang.page.locator('[data-screen="board"]')).waitFor({ timeout: SOON });
      assert.equal(await badge(li.page, 'li.wei').count(), 0, 'an operator is not listed to themselves');

      // Another screen shows on the other's bar, with the name and screen on hover.
      await li.page.getByTestId('nav-topology').click();
      const away = badge(zhang.page, 'li.wei').and(zhang.page.locator('[data-screen="topology"]'));
      await away.waitFor({ timeout: SOON });
      assert.equal(await away.getAttribute('title'), 'li.wei — Topology');
      assert.equal((await away.textContent()).trim(), 'LW');
      await li.page.getByTestId('nav-board').click();

      // Opening an incident: the other sees where, and "also viewing" once both have it open.
      const [first, second] = incidents;
      await openIncident(li.page, first);
      const onIt = badge(zhang.page, 'li.wei').and(zhang.page.locator(`[data-incident="${first}"]`));
      await onIt.waitFor({ timeout: SOON });
      assert.equal(await onIt.getAttribute('title'), `li.wei — Fault board, incident #${first}`);
      await openIncident(zhang.page, first);
      await detail(zhang.page, first).getByTestId('incident-viewers').filter({ hasText: 'Also viewing: li.wei' }).waitFor({ timeout: SOON });
      await detail(li.page, first).getByTestId('incident-viewers').filter({ hasText: 'Also viewing: zhang.min' }).waitFor({ timeout: SOON });

      // li.wei acknowledges: zhang.min's board shows it, owned by li.wei, within a second.
      const [answer] = await Promise.all([
        li.page.waitForResponse((r) => r.url().endsWith(`/api/incidents/${first}/acknowledge`) && r.request().method() === 'POST'),
        detail(li.page, first).getByTestId('acknowledge').click(),
      ]);
      assert.equal(answer.status(), 200);
      await row(zhang.page, first)
        .and(zhang.page.locator('[data-owner="li.wei"][data-status="acknowledged"]'))
        .waitFor({ timeout: WITHIN_A_SECOND });
      await detail(zhang.page, first).getByTestId('detail-owner').filter({ hasText: 'li.wei' }).waitFor({ timeout: SOON });

      // Both press Acknowledge on the other incident at once: one wins, the other is told who.
      await openIncident(li.page, second);
      await openIncident(zhang.page, second);
      await acknowledgeTogether([li.page, zhang.page]);
      const acknowledged = await hub.until((s) => s.incidents.some((i) => String(i.id) === second && i.acknowledged !== null), {
        what: 'the second incident acknowledged',
      });
      const winner = acknowledged.incidents.find((i) => String(i.id) === second).acknowledged.by;
      const loser = winner === 'li.wei' ? zhang : li;
      const refusal = detail(loser.page, second).getByTestId('action-refusal');
      await refusal.waitFor({ timeout: SOON });
      assert.match(await refusal.textContent(), new RegExp(`Already acknowledged by ${winner.replace('.', '\\.')}`));
      for (const { page } of [li, zhang]) {
        await row(page, second).and(page.locator(`[data-owner="${winner}"]`)).waitFor({ timeout: SOON });
      }

      // Closing one console takes its operator off the other's bar.
      await li.context.close();
      await badge(zhang.page, 'li.wei').waitFor({ state: 'detached', timeout: SOON });
    } finally {
      await li.context.close();
      await zhang.context.close();
    }
  });

  test('the refusal names the winner in Chinese too', { timeout: SOON * 2 }, async () => {
    const snapshot = await hub.api('GET', '/api/state');
    const owned = snapshot.incidents.find((i) => i.acknowledged !== null);
    const { context, page } = await openWorkstation(browser, hub.url, 'wang.fang', { language: 'zh' });
    try {
      // The keyboard's acknowledge goes to the hub, which refuses and names the owner.
      await openIncident(page, String(owned.id));
      await page.keyboard.press('a');
      const notice = page.locator('[data-testid="board-notice"][data-kind="refused"]');
      await notice.waitFor({ timeout: SOON });
      assert.match(await notice.textContent(), new RegExp(`已被 ${owned.acknowledged.by.replace('.', '\\.')} 确认`));
    } finally {
      await context.close();
    }
  });
});
