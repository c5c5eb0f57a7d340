// The fault board driven from the keyboard: moving through incidents, claiming one,
// searching, the help overlay, bulk actions, filters in the address, saved views and
// the unseen queue, against a real hub fed by a webhook.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { launchChromium } from './chromium.mjs';
import { firing, resolved, startWebhookHub } from './webhook.mjs';

// Generous bounds for behaviour on a busy machine; no test asserts how long anything took.
const SOON = 60_000;

let hub;
let browser;

const ALERTS = [
  firing('db-1/down', 'db-1', 'MySQL orders down', 'critical', { text: 'connection refused on 3306' }),
  firing('sw-2/link', 'sw-2', 'Uplink te-1/1 down', 'major'),
  firing('app-3/cpu', 'app-3', 'CPU above 95 %', 'minor'),
  firing('web-4/5xx', 'web-4', 'HTTP 5xx rate high', 'major'),
];

before(async () => {
  // A short flapping rule, so that one alarm toggled a few times is marked.
  hub = await startWebhookHub({ extraConfig: '\n[duty.flapping]\nchanges = 3\nwindow_mins = 10\n' });
  await hub.send(ALERTS);
  await hub.until((s) => s.incidents.length >= ALERTS.length, { what: 'one incident per node' });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await hub?.stop();
});

async function openBoard({ operator = 'Kim', hash = '' } = {}) {
  const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
  await context.addInitScript((name) => {
    if (localStorage.getItem('noc.language') === null) localStorage.setItem('noc.language', 'en');
    if (localStorage.getItem('noc.operator') === null) localStorage.setItem('noc.operator', name);
  }, operator);
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(error));
  await page.goto(hub.url + hash);
  await page.getByTestId('connection').and(page.locator('[data-state="live"]')).waitFor({ timeout: SOON });
  return { context, page, errors };
}

const rows = (page) => page.locator('[data-testid="incident-row"]');
const cursorRow = (page) => page.locator('[data-testid="incident-row"][data-cursor="true"]');
const rowIds = (page) => rows(page).evaluateAll((els) => els.map((el) => el.dataset.incidentId));

describe('keyboard', () => {
  test('j/k move the selection, a claims the incident, Enter opens it', { timeout: SOON * 3 }, async () => {
    const { context, page, errors } = await openBoard();
    try {
      await rows(page).nth(ALERTS.length - 1).waitFor({ timeout: SOON });
      const ids = await rowIds(page);
      assert.equal(await cursorRow(page).count(), 0, 'nothing selected at first');

      await page.keyboard.press('j');
      await cursorRow(page).and(page.locator(`[data-incident-id="${ids[0]}"]`)).waitFor();
      await page.keyboard.press('j');
      await page.keyboard.press('ArrowDown');
      await cursorRow(page).and(page.locator(`[data-incident-id="${ids[2]}"]`)).waitFor();
      await page.keyboard.press('k');
      await cursorRow(page).and(page.locator(`[data-incident-id="${ids[1]}"]`)).waitFor();
      assert.equal(await cursorRow(page).count(), 1);

      // Claiming: the owner appears in the row (from the hub's stream, not a guess).
      await page.keyboard.press('a');
      const claimed = page.locator(`[data-testid="incident-row"][data-incident-id="${ids[1]}"]`);
      await claimed.and(page.locator('[data-owner="Kim"]')).waitFor({ timeout: SOON });
      assert.equal((await claimed.getByTestId('incident-owner').textContent()).trim(), 'Kim');
      await claimed.and(page.locator('[data-status="acknowledged"]')).waitFor({ timeout: SOON });
      const snapshot = await hub.until((s) => s.incidents.some((i) => String(i.id) === ids[1] && i.acknowledged?.by === 'Kim'), {
        what: 'the acknowledgement recorded by the hub',
      });
      assert.ok(snapshot);

      await page.keyboard.press('Enter');
      await page.locator(`[data-testid="incident-detail"][data-incident-id="${ids[1]}"]`).waitFor();
      // With the detail open, the detail follows the keyboard.
      await page.keyboard.press('j');
      await page.locator(`[data-testid="incident-detail"][data-incident-id="${ids[2]}"]`).waitFor();
      await page.keyboard.press('Escape');
      await page.getByTestId('incident-detail').waitFor({ state: 'detached' });
      assert.equal(errors.length, 0, errors.map(String).join('\n'));
    } finally {
      await context.close();
    }
  });

  test('c, i and e open the comment, identify and escalate dialogs of the selected incident', { timeout: SOON * 2 }, async () => {
    const { context, page } = await openBoard();
    try {
      await rows(page).nth(ALERTS.length - 1).waitFor({ timeout: SOON });
      const ids = await rowIds(page);
      await page.keyboard.press('j');
      for (const [key, dialog] of [
        ['c', 'comment-dialog'],
        ['i', 'identify-dialog'],
        ['e', 'escalate-dialog'],
      ]) {
        await page.keyboard.press(key);
        await page.locator(`[data-testid="incident-detail"][data-incident-id="${ids[0]}"]`).waitFor({ timeout: SOON });
        await page.getByTestId(dialog).waitFor({ timeout: SOON });
        // Typing in the dialog is text, not board keys.
        await page.keyboard.press('Escape');
        await page.getByTestId(dialog).waitFor({ state: 'detached' });
        await page.getByTestId('incident-detail').waitFor();
      }
      // A selection the filters hide is no target: the key says so instead of acting unseen.
      await page.keyboard.press('Escape');
      await page.getByTestId('filter-search').fill('no incident is called this');
      await page.keyboard.press('Escape');
      await page.keyboard.press('a');
      await page.locator('[data-testid="board-notice"][data-kind="refused"]').waitFor();
      await hub.until((s) => s.incidents.find((i) => String(i.id) === ids[0])?.acknowledged === null, { what: 'still unclaimed' });
    } finally {
      await context.close();
    }
  });

  test('/ focuses the search, which filters the list and is kept in the address', { timeout: SOON * 2 }, async () => {
    const { context, page } = await openBoard();
    try {
      await rows(page).nth(ALERTS.length - 1).waitFor({ timeout: SOON });
      await page.keyboard.press('j');
      const before = await cursorRow(page).getAttribute('data-incident-id');
      await page.keyboard.press('/');
      const search = page.getByTestId('filter-search');
      assert.ok(await search.evaluate((el) => el === document.activeElement), 'the search has the focus');
      // Letters typed into the search are text, not commands (j would move, a would claim).
      await page.keyboard.type('uplink');
      assert.equal(await search.inputValue(), 'uplink');
      await page.waitForFunction(() => document.querySelectorAll('[data-testid="incident-row"]').length === 1);
      assert.match(await rows(page).first().textContent(), /Uplink te-1\/1 down/);
      assert.match(page.url(), /#\/board\?q=uplink$/);
      assert.equal(await page.locator('[data-testid="incident-row"][data-owner="Kim"]').count(), 0);

      // Esc hands the keys back to the board with the search kept; the alarm text is searched too.
      await page.keyboard.press('Escape');
      assert.ok(await search.evaluate((el) => el !== document.activeElement));
      await search.fill('connection refused');
      await page.waitForFunction(() => {
        const shown = [...document.querySelectorAll('[data-testid="incident-row"]')];
        return shown.length === 1 && shown[0].textContent.includes('MySQL orders down');
      });
      await page.getByTestId('filter-clear').click();
      await rows(page).nth(ALERTS.length - 1).waitFor();
      assert.equal(await search.inputValue(), '');
      assert.ok(before !== null);
    } finally {
      await context.close();
    }
  });

  test('? lists every key; Esc closes it', { timeout: SOON }, async () => {
    const { context, page } = await openBoard();
    try {
      await page.keyboard.press('?');
      const help = page.getByTestId('help-overlay');
      await help.waitFor();
      const commands = await help.getByTestId('help-key').evaluateAll((els) => els.map((el) => el.dataset.command));
      for (const command of ['down', 'up', 'open', 'acknowledge', 'comment', 'identify', 'escalate', 'toggle', 'search', 'escape', 'help']) {
        assert.ok(commands.includes(command), `help lists ${command}`);
      }
      // Board keys do nothing behind the overlay.
      await page.keyboard.press('j');
      assert.equal(await cursorRow(page).count(), 0);
      await page.keyboard.press('Escape');
      await help.waitFor({ state: 'detached' });

      await page.getByTestId('language').selectOption('zh');
      await page.keyboard.press('?');
      await help.getByText('键盘操作').waitFor();
      await page.keyboard.press('?');
      await help.waitFor({ state: 'detached' });
    } finally {
      await context.close();
    }
  });

  test('x picks incidents; the bulk bar acknowledges them and names each outcome', { timeout: SOON * 3 }, async () => {
    const { context, page } = await openBoard({ operator: 'Lee', hash: '#/board?owner=none' });
    try {
      await rows(page).nth(1).waitFor({ timeout: SOON });
      const ids = await rowIds(page);
      await page.keyboard.press('j');
      await page.keyboard.press('x');
      await page.keyboard.press('j');
      await page.keyboard.press('x');
      const bar = page.getByTestId('bulk-bar');
      await bar.getByTestId('bulk-count').filter({ hasText: '2 selected' }).waitFor();
      assert.equal(await page.locator('[data-testid="incident-row"][data-picked="true"]').count(), 2);
      await bar.getByTestId('bulk-merge').filter({ hasText: `INC-${ids[0]}` }).waitFor();

      await bar.getByTestId('bulk-acknowledge').click();
      const outcome = page.getByTestId('bulk-outcome');
      await outcome.waitFor({ timeout: SOON });
      const lines = await outcome.getByTestId('bulk-line').evaluateAll((els) =>
        els.map((el) => [el.dataset.incidentId, el.dataset.ok]),
      );
      assert.deepEqual(lines, [
        [ids[0], 'true'],
        [ids[1], 'true'],
      ]);
      // Done ones leave the selection; the "unowned" view no longer holds them.
      await bar.getByTestId('bulk-count').waitFor({ state: 'detached' });
      for (const id of ids.slice(0, 2)) {
        await page.locator(`[data-testid="incident-row"][data-incident-id="${id}"]`).waitFor({ state: 'detached', timeout: SOON });
      }
      await hub.until(
        (s) => ids.slice(0, 2).every((id) => s.incidents.find((i) => String(i.id) === id)?.acknowledged?.by === 'Lee'),
        { what: 'both acknowledged by Lee' },
      );

      // Acknowledging again is refused by the hub, and the refusal is shown by incident.
      await page.getByTestId('filter-owner').selectOption('me');
      await rows(page).first().waitFor();
      await page.keyboard.press('j');
      await page.keyboard.press('x');
      await bar.getByTestId('bulk-acknowledge').click();
      await outcome.locator('[data-ok="false"]').first().waitFor({ timeout: SOON });
      assert.match(await outcome.locator('[data-ok="false"]').first().textContent(), /refused/);
      await page.keyboard.press('Escape');
      await bar.getByTestId('bulk-count').waitFor({ state: 'detached' });
    } finally {
      await context.close();
    }
  });

  test('a shared link shows the same filter; mine, unowned and saved views', { timeout: SOON * 2 }, async () => {
    const { context, page } = await openBoard({ operator: 'Kim', hash: '#/board?sev=critical,major' });
    try {
      await page.getByTestId('filter-sev-critical').and(page.locator('[aria-pressed="true"]')).waitFor({ timeout: SOON });
      await page.waitForFunction(() => {
        const shown = [...document.querySelectorAll('[data-testid="incident-row"]')];
        return shown.length === 3 && shown.every((r) => ['critical', 'major'].includes(r.dataset.severity));
      });

      // Saved on this workstation under a name, chosen again later from the menu.
      await page.getByTestId('views-save').click();
      await page.getByTestId('views-name').fill('Worst first');
      await page.getByTestId('views-save-confirm').click();
      await page.getByTestId('filter-clear').click();
      await rows(page).nth(ALERTS.length - 1).waitFor();
      await page.getByTestId('views-menu').selectOption('Worst first');
      await page.waitForFunction(() => document.querySelectorAll('[data-testid="incident-row"]').length === 3);
      assert.match(page.url(), /sev=critical,major/);
      const stored = await page.evaluate(() => JSON.parse(localStorage.getItem('noc.board.views')));
      assert.deepEqual(stored, [{ name: 'Worst first', query: 'sev=critical,major' }]);

      // "Mine" is the viewer's own name: Kim's claims, not somebody else's.
      await page.getByTestId('filter-clear').click();
      await page.getByTestId('filter-owner').selectOption('me');
      assert.match(page.url(), /owner=me/);
      await page.waitForFunction(() => {
        const shown = [...document.querySelectorAll('[data-testid="incident-row"]')];
        return shown.length >= 1 && shown.every((r) => r.dataset.owner === 'Kim');
      });
    } finally {
      await context.close();
    }
  });

  test('the bulk bar merges picked incidents into the first one picked', { timeout: SOON * 2 }, async () => {
    await hub.send([firing('m-1/a', 'm-1', 'Merge me first', 'info'), firing('m-2/a', 'm-2', 'Merge me second', 'info')]);
    const { context, page } = await openBoard({ hash: '#/board?sev=info' });
    try {
      await rows(page).nth(1).waitFor({ timeout: SOON });
      const ids = await rowIds(page);
      // Picked bottom first: the merge goes into the first picked.
      await page.keyboard.press('End');
      await page.keyboard.press('x');
      await page.keyboard.press('Home');
      await page.keyboard.press('x');
      const bar = page.getByTestId('bulk-bar');
      await bar.getByTestId('bulk-merge').filter({ hasText: `INC-${ids[1]}` }).click();
      await page.locator(`[data-testid="bulk-outcome"][data-action="merge"] [data-testid="bulk-line"][data-incident-id="${ids[0]}"][data-ok="true"]`).waitFor({ timeout: SOON });
      await page.locator(`[data-testid="incident-row"][data-incident-id="${ids[0]}"][data-status="merged"]`).waitFor({ timeout: SOON });
      const state = await hub.until((s) => s.incidents.find((i) => String(i.id) === ids[0])?.merged_into === Number(ids[1]), {
        what: 'the merge on the hub',
      });
      assert.equal(state.incidents.find((i) => String(i.id) === ids[1]).alarms.length, 2);
    } finally {
      await context.close();
    }
  });

  test('maintenance hides suppressed alarms unless asked; flapping and duplicates are marked', { timeout: SOON * 3 }, async () => {
    const now = Date.now();
    await hub.api('POST', '/api/maintenance', {
      title: 'Switch firmware',
      starts_at: now - 60_000,
      ends_at: now + 3_600_000,
      recurrence: 'once',
      nodes: ['mw-1'],
    });
    await hub.send([firing('mw-1/fan', 'mw-1', 'Fan tray failed', 'major'), firing('fl-1/port', 'fl-1', 'Port ge-0/0/7 up/down', 'minor')]);
    for (let n = 0; n < 3; n++) {
      await hub.send([resolved('fl-1/port', 'fl-1', 'Port ge-0/0/7 up/down')]);
      await hub.send([firing('fl-1/port', 'fl-1', 'Port ge-0/0/7 up/down', 'minor')]);
    }
    await hub.send([firing('sw-2/link', 'sw-2', 'Uplink te-1/1 down', 'major')]);
    await hub.until(
      (s) =>
        s.alarms.some((a) => a.node === 'mw-1' && a.suppressed_by !== null) &&
        s.alarms.some((a) => a.node === 'fl-1' && a.flapping && a.status === 'active') &&
        s.alarms.some((a) => a.node === 'sw-2' && a.count >= 2),
      { what: 'a suppressed, a flapping and a repeated alarm' },
    );

    const { context, page } = await openBoard();
    try {
      const alarms = page.getByTestId('alarm-list');
      const suppressed = alarms.locator('[data-testid="alarm-row"]', { hasText: 'Fan tray failed' });
      await alarms.locator('[data-testid="alarm-row"]', { hasText: 'Port ge-0/0/7' }).getByTestId('mark-flapping').waitFor({ timeout: SOON });
      assert.match(await alarms.locator('[data-testid="alarm-row"]', { hasText: 'Uplink te-1/1' }).textContent(), /×\d/);
      await alarms.getByTestId('alarms-hidden').waitFor();
      assert.equal(await suppressed.count(), 0, 'suppressed alarms are hidden by default');

      await page.getByTestId('filter-suppressed').check();
      await suppressed.getByTestId('mark-suppressed').waitFor();
      assert.match(page.url(), /supp=1/);
      await page.getByTestId('filter-suppressed').uncheck();
      await suppressed.waitFor({ state: 'detached' });
    } finally {
      await context.close();
    }
  });

  test('the selection scrolls into view in a long list', { timeout: SOON * 2 }, async () => {
    const many = Array.from({ length: 150 }, (_, n) => firing(`long-${n}/a`, `long-${String(n).padStart(3, '0')}`, `Long list ${n}`, 'info'));
    await hub.send(many);
    await hub.until((s) => s.incidents.filter((i) => i.title.startsWith('Long list')).length === many.length, { what: '150 more incidents' });
    const { context, page } = await openBoard({ hash: '#/board?q=long%20list' });
    try {
      await page.locator(`[data-testid="incident-count"][data-shown="${many.length}"]`).waitFor({ timeout: SOON });
      const visible = (id) =>
        page.evaluate((wanted) => {
          const row = document.querySelector(`[data-testid="incident-row"][data-incident-id="${wanted}"]`);
          const list = document.querySelector('[data-testid="incident-list"] [role="list"]').getBoundingClientRect();
          if (row === null) return false;
          const box = row.getBoundingClientRect();
          return box.top >= list.top - 1 && box.bottom <= list.bottom + 1;
        }, id);
      await page.keyboard.press('End');
      const last = await cursorRow(page).getAttribute('data-incident-id');
      assert.ok(await visible(last), 'the last row is scrolled into view');
      for (let n = 0; n < 40; n++) await page.keyboard.press('k');
      const up = await cursorRow(page).getAttribute('data-incident-id');
      assert.ok(await visible(up), 'moving up keeps the selection in view');
      await page.keyboard.press('Home');
      assert.ok(await visible(await cursorRow(page).getAttribute('data-incident-id')));
      assert.equal(await page.locator('[data-testid="incident-list"] [role="list"]').evaluate((el) => el.scrollTop), 0);
    } finally {
      await context.close();
    }
  });

  test('alarms cleared unseen wait in the unseen queue until marked seen', { timeout: SOON * 3 }, async () => {
    await hub.send([firing('q-1/a', 'q-1', 'Queue depth high', 'warning'), firing('q-1/b', 'q-1', 'Consumer lag', 'warning')]);
    await hub.until((s) => s.alarms.filter((a) => a.node === 'q-1' && a.status === 'active').length === 2, { what: 'q-1 alarms' });
    await hub.send([resolved('q-1/a', 'q-1', 'Queue depth high'), resolved('q-1/b', 'q-1', 'Consumer lag')]);
    await hub.until((s) => s.alarms.filter((a) => a.node === 'q-1' && a.status === 'cleared' && a.unseen).length === 2, {
      what: 'q-1 alarms cleared unseen',
    });

    const { context, page } = await openBoard();
    try {
      const badge = page.getByTestId('unseen-badge');
      await page.waitForFunction(() => Number(document.querySelector('[data-testid="unseen-badge"]')?.dataset.count) >= 2, undefined, {
        timeout: SOON,
      });
      const count = Number(await badge.getAttribute('data-count'));
      await badge.click();
      const list = page.locator('[data-testid="alarm-list"][data-view="unseen"]');
      await list.waitFor();
      assert.match(page.url(), /alarms=unseen/);
      assert.equal(await list.getByTestId('alarm-row').count(), count);

      const one = list.locator('[data-testid="alarm-row"]', { hasText: 'Consumer lag' });
      await one.getByTestId('mark-seen').click();
      await one.waitFor({ state: 'detached', timeout: SOON });
      await page.waitForFunction((n) => Number(document.querySelector('[data-testid="unseen-badge"]').dataset.count) === n - 1, count, {
        timeout: SOON,
      });

      await list.getByTestId('mark-all-seen').click();
      await page.waitForFunction(() => document.querySelector('[data-testid="unseen-badge"]').dataset.count === '0', undefined, {
        timeout: SOON,
      });
      await hub.until((s) => s.alarms.every((a) => !(a.unseen && a.status === 'cleared')), { what: 'the queue empty on the hub' });
      await list.getByTestId('unseen-back').click();
      await page.locator('[data-testid="alarm-list"][data-view="active"]').waitFor();
    } finally {
      await context.close();
    }
  });
});
