// Maintenance windows planned on the Maintenance page: a window in force suppresses a
// new matching alarm (marked on the board, no incident), counts it, and can be cancelled.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { launchChromium } from './chromium.mjs';
import { openConsole, startWebhookHub } from './duty.mjs';
import { startHub } from './hub.mjs';

const SOON = 60_000;
const OPERATOR = 'Planner Zhao';

let hub;
let browser;

before(async () => {
  hub = await startWebhookHub();
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await hub?.stop();
});

/** `datetime-local` text for the browser's own time zone, `minutes` from now. */
async function localInput(page, minutes) {
  return page.evaluate((m) => {
    const d = new Date(Date.now() + m * 60_000);
    const two = (n) => String(n).padStart(2, '0');
    return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}T${two(d.getHours())}:${two(d.getMinutes())}`;
  }, minutes);
}

describe('maintenance page', () => {
  test('plans a window that suppresses a new matching alarm, counts it, and cancels it', { timeout: SOON * 4 }, async () => {
    const { context, page, errors } = await openConsole(browser, hub, { operator: OPERATOR });
    try {
      await page.getByTestId('nav-maintenance').click();
      const list = page.getByTestId('maintenance-page');
      await list.waitFor();

      await page.getByTestId('maintenance-create').click();
      const form = page.getByTestId('maintenance-form');
      await form.waitFor();
      // Nothing named: the form says what is missing and sends nothing.
      await form.getByTestId('maintenance-submit').click();
      await form.getByTestId('maintenance-scope-problem').waitFor();
      assert.equal(await form.isVisible(), true);

      await form.getByTestId('maintenance-title').fill('Storage firmware upgrade CHG-1042');
      // Started a minute ago (the form counts to the minute), for an hour.
      await form.getByTestId('maintenance-start').fill(await localInput(page, -1));
      await form.getByTestId('maintenance-end').fill(await localInput(page, 60));
      await form.getByTestId('maintenance-add-matcher').click();
      await form.getByTestId('matcher-name').fill('service');
      await form.getByTestId('matcher-value').fill('storage-e2e');
      await form.getByTestId('maintenance-submit').click();
      await form.waitFor({ state: 'detached', timeout: SOON });

      const window = list.locator('[data-testid="maintenance-window"][data-group="active"]', { hasText: 'CHG-1042' });
      await window.waitFor({ timeout: SOON });
      const id = await window.getAttribute('data-window-id');
      await window.filter({ hasText: OPERATOR }).waitFor();
      assert.equal(await window.getByTestId('maintenance-suppressed').getAttribute('data-count'), '0');

      const before = (await hub.api('GET', '/api/state')).incidents.length;
      await hub.send([{ key: 'san/latency', node: 'e2e-san1', title: 'SAN latency high', labels: { service: 'storage-e2e' } }]);
      const alarm = await hub.waitForState((s) => s.alarms.find((a) => a.fingerprint.endsWith('san/latency')), { what: 'the alarm' });
      assert.equal(alarm.suppressed_by, id, 'the window suppresses the alarm');
      assert.equal(alarm.incident, null, 'no incident for a suppressed alarm');
      assert.equal((await hub.api('GET', '/api/state')).incidents.length, before);
      await window.locator('[data-testid="maintenance-suppressed"][data-count="1"]').waitFor({ timeout: SOON });

      // On the board the alarm shows under the suppressed filter, marked.
      await page.goto(`${hub.origin}/#/board?supp=1`);
      const row = page.locator('[data-testid="alarm-row"]', { hasText: 'SAN latency high' });
      await row.getByTestId('mark-suppressed').waitFor({ timeout: SOON });

      await page.getByTestId('nav-maintenance').click();
      const again = page.locator(`[data-testid="maintenance-window"][data-window-id="${id}"]`);
      await again.getByTestId('maintenance-cancel').click();
      await again.getByTestId('maintenance-cancel-yes').click();
      await again.waitFor({ state: 'detached', timeout: SOON });
      const released = await hub.waitForState(
        (s) => s.alarms.find((a) => a.fingerprint.endsWith('san/latency') && a.suppressed_by === null),
        { what: 'the alarm released' },
      );
      assert.equal(released.suppressed_by, null);
      assert.equal(errors.length, 0, errors.map(String).join('\n'));
    } finally {
      await context.close();
    }
  });

  test('lists a recurring window apart, and follows another operator’s cancel', { timeout: SOON * 2 }, async () => {
    // Planned through the API for a time that is not now: daily, starting tomorrow.
    const tomorrow = Date.now() + 24 * 3_600_000;
    await hub.api('POST', '/api/maintenance', {
      id: 'nightly-backup',
      title: 'Nightly backup window',
      starts_at: tomorrow,
      ends_at: tomorrow + 3_600_000,
      recurrence: 'daily',
      until: null,
      matchers: [],
      nodes: ['e2e-backup1'],
    });
    const { context, page } = await openConsole(browser, hub, { operator: OPERATOR, hash: '#/maintenance' });
    try {
      const window = page.locator('[data-testid="maintenance-window"][data-window-id="nightly-backup"]');
      await window.waitFor({ timeout: SOON });
      assert.equal(await window.getAttribute('data-group'), 'recurring');

      await window.filter({ hasText: 'e2e-backup1' }).waitFor();

      // Cancelled by someone else: the page follows without a reload.
      await hub.api('DELETE', '/api/maintenance/nightly-backup');
      await window.waitFor({ state: 'detached', timeout: SOON });
    } finally {
      await context.close();
    }
  });
});

describe('maintenance of topology nodes', () => {
  let demo;

  before(async () => {
    demo = await startHub();
  });

  after(async () => {
    await demo?.stop();
  });

  test('picks nodes from the topology by search', { timeout: SOON * 3 }, async () => {
    const token = new URL(demo.url).searchParams.get('token');
    const topology = await (await fetch(`${demo.origin}/api/topology`, { headers: { Authorization: `Bearer ${token}` } })).json();
    const node = topology.nodes.find((n) => n.kind === 'host');
    assert.ok(node, 'the demo topology has hosts');
    const { context, page, errors } = await openConsole(browser, demo, { operator: OPERATOR, hash: '#/maintenance' });
    try {
      await page.getByTestId('maintenance-create').click();
      const form = page.getByTestId('maintenance-form');
      await form.getByTestId('maintenance-title').fill('Host patching');
      await form.getByTestId('maintenance-node-search').fill(node.id);
      await form.locator(`[data-testid="maintenance-node-choice"][data-node-id="${node.id}"]`).click();
      await form.getByTestId('maintenance-picked-nodes').filter({ hasText: node.name }).waitFor();
      await form.getByTestId('maintenance-submit').click();
      await form.waitFor({ state: 'detached', timeout: SOON });
      // Planned from the next full hour: upcoming, naming the node.
      const window = page.locator('[data-testid="maintenance-window"][data-group="upcoming"]', { hasText: 'Host patching' });
      await window.filter({ hasText: node.name }).waitFor({ timeout: SOON });
      assert.equal(errors.length, 0, errors.map(String).join('\n'));
    } finally {
      await context.close();
    }
  });
});
