// 交接班 at two workstations on one hub: a duty manager's roster puts li.wei on duty
// now and wang.fang next; li.wei logs, patrols, and signs the handover with the open
// incident in it; wang.fang reads it and accepts; both screens and the history agree.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { launchChromium } from './chromium.mjs';
import { firing, startWebhookHub } from './webhook.mjs';
import { openWorkstation } from './workstation.mjs';

const SOON = 60_000;
const OFFSET_MINUTES = 480;
const INCIDENT_TITLE = 'Core router core-7 unreachable';

let hub;
let browser;
let incidentId;

before(async () => {
  hub = await startWebhookHub();
  await hub.send([firing('core-7/icmp', 'core-7', INCIDENT_TITLE, 'critical')]);
  const state = await hub.until((s) => s.incidents.some((i) => i.title.startsWith(INCIDENT_TITLE)), { what: 'the incident' });
  incidentId = state.incidents.find((i) => i.title.startsWith(INCIDENT_TITLE)).id;
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await hub?.stop();
});

/**
 * One shift of 24 h that started on the hour just gone, roster-local: the anchor day's
 * first slot (team A's) is the one on duty now, and team B's is next.
 */
function rosterStartingThisHour() {
  const local = new Date(Date.now() + OFFSET_MINUTES * 60_000);
  const pad = (n) => String(n).padStart(2, '0');
  return {
    day: `${local.getUTCFullYear()}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}`,
    start: `${pad(local.getUTCHours())}:00`,
  };
}

function workstation(operator) {
  return openWorkstation(browser, hub.url, operator, {
    hash: '#/duty',
    ready: (page) => page.getByTestId('duty-screen').waitFor({ timeout: SOON }),
  });
}

async function defineRoster(page) {
  const { day, start } = rosterStartingThisHour();
  await page.getByTestId('duty-define-roster').click();
  const editor = page.getByTestId('roster-editor');
  await editor.waitFor();
  assert.equal(await editor.getByTestId('roster-offset').inputValue(), String(OFFSET_MINUTES));
  await editor.getByTestId('roster-anchor').fill(day);
  // One shift around the clock instead of the suggested day and night.
  await editor.getByTestId('roster-shift-remove').nth(1).click();
  await editor.getByTestId('roster-shift-name').fill('watch');
  await editor.getByTestId('roster-shift-start').fill(start);
  await editor.getByTestId('roster-shift-hours').fill('24');
  for (const [name, member] of [
    ['A', 'li.wei'],
    ['B', 'wang.fang'],
  ]) {
    await editor.getByTestId('roster-add-team').click();
    const team = editor.getByTestId('roster-team').last();
    await team.getByTestId('roster-team-name').fill(name);
    await team.getByTestId('roster-member-input').fill(member);
    await team.getByTestId('roster-member-input').press('Enter');
    await team.getByTestId('roster-member').filter({ hasText: member }).waitFor();
  }
  for (const item of ['UPS', 'Core links']) {
    await editor.getByTestId('roster-add-patrol').click();
    await editor.getByTestId('roster-patrol-item').last().fill(item);
  }
  await editor.getByTestId('roster-save').click();
  await editor.waitFor({ state: 'detached', timeout: SOON });
}

const sheetOf = (page) => page.getByTestId('handover-panel').getByTestId('handover-sheet').first();

describe('handover between two shifts', () => {
  test('li.wei signs with the open incident, wang.fang accepts, both see it', { timeout: SOON * 5 }, async () => {
    const li = await workstation('li.wei');
    const wang = await workstation('wang.fang');
    try {
      // An empty roster says how to define one.
      await li.page.getByTestId('duty-no-roster').waitFor({ timeout: SOON });
      await defineRoster(li.page);

      const now = li.page.getByTestId('duty-now');
      await now.and(li.page.locator('[data-team="A"]')).waitFor({ timeout: SOON });
      assert.deepEqual(await now.getByTestId('duty-member').allTextContents(), ['li.wei']);
      const next = li.page.getByTestId('duty-next');
      assert.equal(await next.getAttribute('data-team'), 'B');
      assert.deepEqual(await next.getByTestId('duty-member').allTextContents(), ['wang.fang']);
      await li.page.getByTestId('duty-countdown').waitFor();
      const slot = await now.getAttribute('data-slot');
      // The other workstation follows without reloading.
      await wang.page.getByTestId('duty-now').and(wang.page.locator(`[data-slot="${slot}"]`)).waitFor({ timeout: SOON });
      // The calendar: the slot on duty now, then the coming ones, team B's first.
      const calendar = li.page.getByTestId('duty-slot');
      assert.ok((await calendar.count()) >= 14);
      assert.equal(await calendar.nth(0).getAttribute('data-slot'), slot);
      assert.equal(await calendar.nth(1).getAttribute('data-team'), 'B');

      // The shift log and the patrol.
      const entry = `Rebooted core-7 line card, ticket ${Date.now()}`;
      await li.page.getByTestId('shift-log-text').fill(entry);
      await li.page.getByTestId('shift-log-write').click();
      await li.page.getByTestId('shift-log-entry').filter({ hasText: entry }).waitFor({ timeout: SOON });
      const ups = li.page.locator('[data-testid="patrol-item"][data-item="UPS"]');
      await ups.getByTestId('patrol-ok').click();
      await ups.and(li.page.locator('[data-state="ok"]')).waitFor({ timeout: SOON });
      const links = li.page.locator('[data-testid="patrol-item"][data-item="Core links"]');
      await links.getByTestId('patrol-note').fill('CRC errors on core-7 ge-0/0/1');
      await links.getByTestId('patrol-issue').click();
      await links.and(li.page.locator('[data-state="issue"]')).waitFor({ timeout: SOON });
      assert.match(await li.page.getByTestId('patrol-progress').textContent(), /2 of 2/);

      // li.wei prepares the handover: the draft has the incident, the log and the patrol.
      await li.page.getByTestId('handover-prepare').click();
      const draft = li.page.getByTestId('handover-draft');
      await draft.waitFor({ timeout: SOON });
      const draftIncident = draft.locator(`[data-testid="handover-incident"][data-incident-id="${incidentId}"]`);
      await draftIncident.waitFor();
      assert.match(await draftIncident.textContent(), new RegExp(INCIDENT_TITLE));
      await draft.getByTestId('handover-log').filter({ hasText: entry }).waitFor();
      assert.equal(await draft.getByTestId('handover-patrol').count(), 2);
      const notes = `Watch core-7: vendor RMA due at 14:00 (${Date.now()})`;
      await li.page.getByTestId('handover-notes-input').fill(notes);
      await li.page.getByTestId('handover-sign').click();
      await sheetOf(li.page).and(li.page.locator(`[data-shift="${slot}"]`)).waitFor({ timeout: SOON });
      assert.equal((await sheetOf(li.page).getByTestId('handover-notes').textContent()).trim(), notes);
      // The signer does not accept their own handover.
      assert.equal(await li.page.getByTestId('handover-accept').count(), 0);

      // wang.fang, next on duty, reads the signed handover and accepts it.
      const sheet = sheetOf(wang.page);
      await sheet.and(wang.page.locator(`[data-shift="${slot}"]`)).waitFor({ timeout: SOON });
      assert.equal((await sheet.getByTestId('handover-notes').textContent()).trim(), notes);
      assert.match(await sheet.getByTestId('handover-signed').textContent(), /li\.wei/);
      await sheet.locator(`[data-testid="handover-incident"][data-incident-id="${incidentId}"]`).waitFor();
      const remarks = 'Taken over; will chase the RMA';
      await wang.page.getByTestId('handover-remarks-input').fill(remarks);
      await wang.page.getByTestId('handover-accept').click();

      for (const { page } of [li, wang]) {
        await sheetOf(page).and(page.locator('[data-accepted-by="wang.fang"]')).waitFor({ timeout: SOON });
        assert.match(await sheetOf(page).getByTestId('handover-accepted').textContent(), /wang\.fang/);
        assert.equal((await sheetOf(page).getByTestId('handover-remarks').textContent()).trim(), remarks);
        const past = page.locator(`[data-testid="handover-history-item"][data-shift="${slot}"]`);
        await past.and(page.locator('[data-accepted-by="wang.fang"]')).waitFor({ timeout: SOON });
      }

      // The incident in the handover opens on the board.
      await sheet.locator(`[data-testid="handover-incident"][data-incident-id="${incidentId}"] a`).click();
      await wang.page.locator(`[data-testid="incident-detail"][data-incident-id="${incidentId}"]`).waitFor({ timeout: SOON });
    } finally {
      await li.context.close();
      await wang.context.close();
    }
  });

  test('a stand-in and a swap change the calendar; a roster with a gap is refused', { timeout: SOON * 3 }, async () => {
    const li = await workstation('li.wei');
    try {
      const page = li.page;
      const next = await page.getByTestId('duty-next').getAttribute('data-slot');
      const row = (key) => page.locator(`[data-testid="duty-slot"][data-slot="${key}"]`);
      await row(next).waitFor({ timeout: SOON });

      // 顶班: zhao.lei stands in for wang.fang on the next slot.
      await page.getByTestId('duty-override').click();
      const override = page.getByTestId('override-dialog');
      await override.getByTestId('override-slot').selectOption(next);
      await override.getByTestId('override-replaced').selectOption('wang.fang');
      await override.getByTestId('override-by').fill('zhao.lei');
      await override.getByTestId('override-reason').fill('wang.fang is ill');
      await override.getByTestId('override-submit').click();
      await override.waitFor({ state: 'detached', timeout: SOON });
      await row(next).getByTestId('duty-slot-member').filter({ hasText: 'zhao.lei' }).waitFor({ timeout: SOON });
      assert.equal(await row(next).getByTestId('duty-slot-member').filter({ hasText: 'wang.fang' }).count(), 0);
      await page.getByTestId('duty-next').getByTestId('duty-member').filter({ hasText: 'zhao.lei' }).waitFor();

      // 换班: li.wei gives her slot after next to zhao.lei and takes his next slot.
      const later = await page.getByTestId('duty-slot').nth(2).getAttribute('data-slot');
      await page.getByTestId('duty-swap').click();
      const swap = page.getByTestId('swap-dialog');
      await swap.getByTestId('swap-first-slot').selectOption(later);
      await swap.getByTestId('swap-first-operator').selectOption('li.wei');
      await swap.getByTestId('swap-second-slot').selectOption(next);
      await swap.getByTestId('swap-second-operator').selectOption('zhao.lei');
      await swap.getByTestId('swap-submit').click();
      await swap.waitFor({ state: 'detached', timeout: SOON });
      await row(next).getByTestId('duty-slot-member').filter({ hasText: 'li.wei' }).waitFor({ timeout: SOON });
      await row(later).getByTestId('duty-slot-member').filter({ hasText: 'zhao.lei' }).waitFor({ timeout: SOON });

      // The editor names a gap before sending; the roster stays as it was.
      await page.getByTestId('duty-edit-roster').click();
      const editor = page.getByTestId('roster-editor');
      await editor.getByTestId('roster-shift-hours').fill('23');
      await editor.getByTestId('roster-save').click();
      assert.match(await editor.getByTestId('roster-problem').textContent(), /23 h/);
      await editor.getByRole('button', { name: 'Cancel' }).click();
      await editor.waitFor({ state: 'detached' });
    } finally {
      await li.context.close();
    }
  });

  test('a viewer reads the duty screen; an operator keeps the shift but leaves the roster alone', { timeout: SOON * 3 }, async () => {
    const viewer = { name: 'sun.hao', role: 'viewer', password: 'viewer-passphrase-9' };
    const member = { name: 'zhou.min', role: 'operator', password: 'operator-passphrase-8' };
    for (const account of [viewer, member]) await hub.api('POST', '/api/operators', account);

    for (const account of [viewer, member]) {
      const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
      await context.addInitScript(() => localStorage.setItem('noc.language', 'en'));
      const page = await context.newPage();
      try {
        await page.goto(`${hub.origin}/#/duty`);
        await page.getByTestId('login-name').fill(account.name, { timeout: SOON });
        await page.getByTestId('login-password').fill(account.password);
        await page.getByTestId('login-password').press('Enter');
        await page.getByTestId('duty-now').waitFor({ timeout: SOON });
        await page.getByTestId('handover-sheet').first().waitFor({ timeout: SOON });
        const shown = async (testid) => (await page.getByTestId(testid).count()) > 0;
        const keeps = account.role !== 'viewer';
        assert.equal(await shown('shift-log-text'), keeps, `${account.name}: shift log`);
        assert.equal(await shown('patrol-ok'), keeps, `${account.name}: patrol`);
        assert.equal(await shown('duty-swap'), keeps, `${account.name}: swap`);
        for (const manager of ['duty-edit-roster', 'duty-override']) {
          assert.equal(await shown(manager), false, `${account.name}: ${manager}`);
        }
      } finally {
        await context.close();
      }
    }
  });
});
