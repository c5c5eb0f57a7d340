// Signing in with operator accounts: refusals on the login screen, what each role sees
// and may do, the admin screen, the audit trail and signing out. The accounts are made
// through the API with the hub's launch token, as the person at the hub would.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { launchChromium } from './chromium.mjs';
import { startWebhookHub } from './duty.mjs';

// Bounds for behaviour that depends on the machine's pace, not expectations of speed.
const SOON = 60_000;

const VIEWER = { name: 'wang.fang', display_name: 'Wang Fang', role: 'viewer', password: 'viewer-passphrase-1' };
const OPERATOR = { name: 'li.ming', display_name: 'Li Ming', role: 'operator', password: 'operator-passphrase-2' };
const ADMIN = { name: 'zhao.admin', display_name: 'Zhao Lei', role: 'admin', password: 'admin-passphrase-3' };
const ADDED = { name: 'chen.jie', display_name: 'Chen Jie', password: 'added-passphrase-4' };

/** A small estate for the topology screen: what a viewer may look at but not move. */
const ESTATE = {
  nodes: [
    { id: 'e2e-core1', name: 'Core router 1', kind: 'network_device', layer: 'iaas' },
    { id: 'e2e-core2', name: 'Core router 2', kind: 'network_device', layer: 'iaas' },
  ],
  relations: [{ from: 'e2e-core1', to: 'e2e-core2', kind: 'connects_to' }],
};

let hub;
let browser;
let incident;

before(async () => {
  hub = await startWebhookHub();
  browser = await launchChromium();
  for (const account of [VIEWER, OPERATOR, ADMIN]) await hub.api('POST', '/api/operators', account);
  await hub.api('POST', '/api/topology/import?name=e2e-access.json&format=json', ESTATE);
  await hub.send([{ key: 'core1/bgp', node: 'e2e-core1', title: 'BGP session down on core1', severity: 'critical' }]);
  incident = await hub.waitForState(
    (state) => {
      const alarm = state.alarms.find((a) => a.fingerprint.endsWith('core1/bgp'));
      return alarm?.incident == null ? undefined : state.incidents.find((i) => i.id === alarm.incident);
    },
    { what: 'the incident of the BGP alarm' },
  );
});

after(async () => {
  await browser?.close();
  await hub?.stop();
});

/** A fresh browser (no token kept) on the console's address `hash`: the login screen. */
async function openLogin({ hash = '', language = 'en' } = {}) {
  const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
  await context.addInitScript((code) => localStorage.setItem('noc.language', code), language);
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(error));
  await page.goto(`${hub.origin}/${hash}`);
  await page.getByTestId('login-screen').waitFor({ timeout: SOON });
  return { context, page, errors };
}

/** Types the name and password and presses Enter, as an operator would. */
async function signIn(page, { name, password }) {
  await page.getByTestId('login-name').fill(name);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-password').press('Enter');
}

async function signedIn(page) {
  await page.getByTestId('connection').and(page.locator('[data-state="live"]')).waitFor({ timeout: SOON });
}

async function openIncident(page, id) {
  await page.locator(`[data-testid="incident-row"][data-incident-id="${id}"]`).click({ timeout: SOON });
  const detail = page.locator(`[data-testid="incident-detail"][data-incident-id="${id}"]`);
  await detail.waitFor({ timeout: SOON });
  return detail;
}

/** Whatever the page keeps in its storages, joined, to look for what must not be kept. */
const kept = (page) =>
  page.evaluate(() => JSON.stringify([{ ...sessionStorage }, { ...localStorage }]));

const bearer = (page) => page.evaluate(() => sessionStorage.getItem('noc.token') ?? localStorage.getItem('noc.token'));

describe('operator accounts', () => {
  test('a wrong password is refused with a clear message, and nothing is kept', { timeout: SOON * 2 }, async () => {
    const { context, page, errors } = await openLogin();
    try {
      assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'login-name');
      await signIn(page, { name: OPERATOR.name, password: 'not-the-password' });
      const error = page.getByTestId('login-error');
      await error.waitFor({ timeout: SOON });
      assert.equal(await error.getAttribute('data-code'), 'access.login.wrong');
      assert.match(await error.textContent(), /Wrong name or password/);
      assert.equal(await page.getByTestId('login-password').inputValue(), '', 'the password is cleared');
      assert.equal(await bearer(page), null);
      assert.ok(!(await kept(page)).includes('not-the-password'));
      assert.equal(errors.length, 0, errors.map(String).join('\n'));
    } finally {
      await context.close();
    }
  });

  test('a viewer sees the board without the actions of a role that works incidents', { timeout: SOON * 3 }, async () => {
    const { context, page, errors } = await openLogin();
    try {
      await signIn(page, VIEWER);
      await signedIn(page);
      assert.equal(await page.getByTestId('account-name').textContent(), VIEWER.display_name);
      assert.equal(await page.getByTestId('account-role').textContent(), 'Viewer');
      assert.ok(!(await kept(page)).includes(VIEWER.password), 'the password is kept nowhere');

      const detail = await openIncident(page, incident.id);
      await detail.getByTestId('milestone').first().waitFor();
      assert.equal(await detail.getByTestId('acknowledge').count(), 0, 'no Acknowledge button');
      assert.equal(await detail.locator('[data-testid^="action-"]').count(), 0, 'no incident actions');
      assert.equal(await page.getByTestId('bulk-toggle').count(), 0, 'no bulk selection');
      assert.equal(await page.getByTestId('nav-admin').count(), 0, 'no admin page');
      // Nor the key: `a` on the selected row does nothing for a viewer.
      await page.locator('body').press('a');
      await page.keyboard.press('?');
      const keys = page.getByTestId('help-overlay');
      await keys.waitFor();
      assert.equal(await keys.locator('[data-command="acknowledge"]').count(), 0);
      await page.keyboard.press('Escape');

      // The hub refuses it as well: hiding is for the screen, the guard is the hub's.
      const answer = await fetch(`${hub.origin}/api/incidents/${incident.id}/acknowledge`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${await bearer(page)}`, 'Content-Type': 'application/json' },
        body: '{}',
      });
      assert.equal(answer.status, 403);
      assert.equal((await answer.json()).code, 'forbidden');
      const state = await hub.api('GET', '/api/state');
      assert.equal(state.incidents.find((i) => i.id === incident.id).acknowledged, null);
      assert.equal(errors.length, 0, errors.map(String).join('\n'));
    } finally {
      await context.close();
    }
  });

  test('a viewer cannot move topology nodes nor sees the topology tools', { timeout: SOON * 3 }, async () => {
    const { context, page, errors } = await openLogin({ hash: '#/topology' });
    try {
      await page.evaluate(() => localStorage.setItem('noc.topologyProbe', '1'));
      await signIn(page, VIEWER);
      await page.locator('[data-testid="topology-canvas"][data-ready="1"]').waitFor({ timeout: SOON });
      assert.equal(await page.getByTestId('topology-tools').count(), 0);
      const placed = () => page.evaluate(() => window.__nocTopology?.node('e2e-core2') ?? null);
      let before = await placed();
      for (let waited = 0; before === null && waited < SOON; waited += 250) {
        await page.waitForTimeout(250);
        before = await placed();
      }
      assert.ok(before, 'the node is drawn');
      const positions = [];
      page.on('request', (request) => {
        if (request.url().includes('/api/topology/positions')) positions.push(request.url());
      });
      const box = await page.getByTestId('topology-canvas').boundingBox();
      const from = { x: box.x + before.rendered.x, y: box.y + before.rendered.y };
      await page.mouse.move(from.x, from.y);
      await page.mouse.down();
      await page.mouse.move(from.x + 90, from.y + 60, { steps: 12 });
      await page.mouse.up();
      const after = await placed();
      assert.deepEqual(after.position, before.position, 'the node stays where the hub placed it');
      // Reading a node is for everyone: its panel opens, without the edit buttons.
      await page.mouse.click(from.x, from.y);
      await page.getByTestId('node-panel').waitFor({ timeout: SOON });
      assert.equal(await page.getByTestId('node-panel-edit').count(), 0);
      assert.equal(await page.getByTestId('node-panel-remove').count(), 0);
      assert.deepEqual(positions, []);
      assert.equal(errors.length, 0, errors.map(String).join('\n'));
    } finally {
      await context.close();
    }
  });

  test('an operator signs in and acknowledges, named on the milestone', { timeout: SOON * 3 }, async () => {
    const { context, page, errors } = await openLogin();
    try {
      await signIn(page, OPERATOR);
      await signedIn(page);
      assert.equal(await page.getByTestId('account-role').textContent(), 'Operator');
      // The signed-in account is the operator: no workstation name is asked for.
      assert.equal(await page.getByTestId('operator-form').count(), 0);
      const detail = await openIncident(page, incident.id);
      await detail.getByTestId('acknowledge').click();
      await detail
        .locator('[data-testid="milestone"][data-milestone="acknowledged"][data-reached="true"]')
        .filter({ hasText: OPERATOR.name })
        .waitFor({ timeout: SOON });
      const state = await hub.api('GET', '/api/state');
      assert.equal(state.incidents.find((i) => i.id === incident.id).acknowledged?.by, OPERATOR.name);
      assert.equal(errors.length, 0, errors.map(String).join('\n'));
    } finally {
      await context.close();
    }
  });

  test('an admin adds an operator on the admin screen, who can then sign in', { timeout: SOON * 4 }, async () => {
    const { context, page, errors } = await openLogin();
    try {
      await signIn(page, ADMIN);
      await signedIn(page);
      await page.getByTestId('nav-admin').click();
      await page.getByTestId('admin-screen').waitFor();
      await page.locator(`[data-testid="operator-row"][data-name="${OPERATOR.name}"]`).waitFor({ timeout: SOON });

      await page.getByTestId('operator-add').click();
      await page.getByTestId('operator-form-name').fill(ADDED.name);
      await page.getByTestId('operator-form-display').fill(ADDED.display_name);
      await page.getByTestId('operator-form-role').selectOption('operator');
      // The hub's refusal is shown in its own words.
      await page.getByTestId('operator-form-password').fill('short');
      await page.getByTestId('operator-form-submit').click();
      assert.match(await page.getByTestId('operator-form-refusal').textContent({ timeout: SOON }), /password/i);
      await page.getByTestId('operator-form-password').fill(ADDED.password);
      await page.getByTestId('operator-form-submit').click();
      await page.getByTestId('operators-notice').filter({ hasText: ADDED.name }).waitFor({ timeout: SOON });
      const row = page.locator(`[data-testid="operator-row"][data-name="${ADDED.name}"]`);
      await row.waitFor();
      assert.match(await row.textContent(), /Chen Jie/);
      assert.equal(errors.length, 0, errors.map(String).join('\n'));
    } finally {
      await context.close();
    }

    const added = await openLogin();
    try {
      await signIn(added.page, ADDED);
      await signedIn(added.page);
      assert.equal(await added.page.getByTestId('account-name').textContent(), ADDED.display_name);
      assert.equal(await added.page.getByTestId('account-role').textContent(), 'Operator');
    } finally {
      await added.context.close();
    }
  });

  test('an admin changes a role, resets a password, disables and removes an account', { timeout: SOON * 4 }, async () => {
    const TEMP = { name: 'sun.temp', display_name: 'Sun Temp', role: 'viewer', password: 'temporary-passphrase-7' };
    const fresh = 'reset-passphrase-8';
    await hub.api('POST', '/api/operators', TEMP);
    const account = async () => (await hub.api('GET', '/api/operators')).find((a) => a.name === TEMP.name);
    const { context, page, errors } = await openLogin({ hash: '#/admin?tab=operators' });
    try {
      await signIn(page, ADMIN);
      const row = page.locator(`[data-testid="operator-row"][data-name="${TEMP.name}"]`);
      await row.waitFor({ timeout: SOON });

      await row.getByTestId('operator-role').selectOption('duty_manager');
      await page.waitForFunction(() => !document.querySelector('[data-testid="operator-role"]:disabled'));
      assert.equal((await account()).role, 'duty_manager');

      await row.getByTestId('operator-reset').click();
      await row.getByTestId('operator-new-password').fill(fresh);
      await row.getByTestId('operator-password-save').click();
      await page.getByTestId('operators-notice').filter({ hasText: TEMP.name }).waitFor({ timeout: SOON });

      await row.getByTestId('operator-toggle').click();
      await row.locator('[data-testid="operator-status"]', { hasText: 'Disabled' }).waitFor({ timeout: SOON });
      assert.equal((await account()).disabled, true);

      // The last administrator cannot be removed: the hub's refusal is shown.
      const own = page.locator(`[data-testid="operator-row"][data-name="${ADMIN.name}"]`);
      await own.getByTestId('operator-role').selectOption('viewer');
      await page.getByTestId('operators-refusal').waitFor({ timeout: SOON });
      assert.equal((await hub.api('GET', '/api/operators')).find((a) => a.name === ADMIN.name).role, 'admin');
      assert.equal(await own.getByTestId('operator-role').inputValue(), 'admin', 'the table shows the hub’s answer');
      assert.equal(errors.length, 0, errors.map(String).join('\n'));
    } finally {
      await context.close();
    }

    // The disabled account is told so at the login screen, with its new password.
    const refused = await openLogin();
    try {
      await signIn(refused.page, { name: TEMP.name, password: fresh });
      await refused.page.locator('[data-testid="login-error"][data-code="access.login.disabled"]').waitFor({ timeout: SOON });
    } finally {
      await refused.context.close();
    }

    const again = await openLogin({ hash: '#/admin?tab=operators' });
    try {
      await signIn(again.page, ADMIN);
      const row = again.page.locator(`[data-testid="operator-row"][data-name="${TEMP.name}"]`);
      await row.getByTestId('operator-remove').click({ timeout: SOON });
      await row.getByTestId('operator-remove-confirm').click();
      await row.waitFor({ state: 'detached', timeout: SOON });
      assert.equal(await account(), undefined);
    } finally {
      await again.context.close();
    }
  });

  test('an admin registers a wall screen, whose address is shown once and works until revoked', { timeout: SOON * 3 }, async () => {
    const { context, page, errors } = await openLogin({ hash: '#/admin?tab=devices' });
    try {
      await signIn(page, ADMIN);
      await page.getByTestId('device-name').fill('Wall 1 大屏');
      await page.getByTestId('device-register').click();
      await page.getByTestId('device-fresh').waitFor({ timeout: SOON });
      const address = new URL(await page.getByTestId('device-url').inputValue());
      assert.equal(address.origin, hub.origin);
      const token = address.searchParams.get('token');
      assert.ok(token, 'the address carries the screen’s token');
      const asScreen = () => fetch(`${hub.origin}/api/session`, { headers: { Authorization: `Bearer ${token}` } });
      const seen = await asScreen();
      assert.equal(seen.status, 200);
      assert.equal((await seen.json()).credential.kind, 'device');

      // Shown once: once dismissed, and on the next visit, the token is nowhere on the page.
      await page.getByTestId('device-fresh-dismiss').click();
      await page.reload();
      const row = page.locator('[data-testid="device-row"]', { hasText: 'Wall 1 大屏' });
      await row.waitFor({ timeout: SOON });
      assert.ok(!(await page.content()).includes(token));

      await row.getByTestId('device-revoke').click();
      await row.getByTestId('device-revoke-confirm').click();
      await row.getByText('Revoked').waitFor({ timeout: SOON });
      assert.equal((await asScreen()).status, 401);
      assert.equal(errors.length, 0, errors.map(String).join('\n'));
    } finally {
      await context.close();
    }
  });

  test('the audit trail lists the acknowledgement with the operator, on the screen that was asked for', { timeout: SOON * 3 }, async () => {
    const { context, page, errors } = await openLogin({ hash: '#/admin?tab=audit' });
    try {
      await signIn(page, ADMIN);
      // After signing in the console opens where the address pointed, not on the board.
      await page.getByTestId('audit-tab').waitFor({ timeout: SOON });
      await page.getByTestId('audit-actor').fill(OPERATOR.name);
      await page.getByTestId('audit-apply').click();
      await page.locator(`[data-testid="audit-tab"][data-actor="${OPERATOR.name}"]`).waitFor({ timeout: SOON });
      const entry = page.locator(`[data-testid="audit-row"][data-path$="/incidents/${incident.id}/acknowledge"]`);
      await entry.waitFor({ timeout: SOON });
      assert.equal(await entry.getAttribute('data-actor'), OPERATOR.name);
      assert.match(await entry.textContent(), /POST/);
      assert.match(await entry.textContent(), /Operator/);
      // Filtered to one operator: nobody else's requests are listed.
      const actors = await page.getByTestId('audit-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-actor')));
      assert.deepEqual([...new Set(actors)], [OPERATOR.name]);
      assert.equal(errors.length, 0, errors.map(String).join('\n'));
    } finally {
      await context.close();
    }
  });

  test('signing out returns to the login screen and ends the session at the hub', { timeout: SOON * 2 }, async () => {
    const { context, page, errors } = await openLogin();
    try {
      await signIn(page, OPERATOR);
      await signedIn(page);
      const token = await bearer(page);
      await page.getByTestId('account-button').click();
      await page.getByTestId('sign-out').click();
      await page.getByTestId('login-screen').waitFor({ timeout: SOON });
      assert.equal(await bearer(page), null);
      await page.reload();
      await page.getByTestId('login-screen').waitFor({ timeout: SOON });
      const answer = await fetch(`${hub.origin}/api/session`, { headers: { Authorization: `Bearer ${token}` } });
      assert.equal(answer.status, 401);
      assert.equal(errors.length, 0, errors.map(String).join('\n'));
    } finally {
      await context.close();
    }
  });

  test('an operator changes their own password from the menu, kept signed in on the workstation', { timeout: SOON * 3 }, async () => {
    const changed = 'changed-passphrase-5';
    const { context, page, errors } = await openLogin();
    try {
      await page.getByTestId('login-keep').check();
      await signIn(page, ADDED);
      await signedIn(page);
      const [inTab, onWorkstation] = await page.evaluate(() => [sessionStorage.getItem('noc.token'), localStorage.getItem('noc.token')]);
      assert.equal(inTab, null);
      assert.ok(onWorkstation, 'the token is kept on the workstation');
      // Another tab of the same workstation is signed in without asking.
      const other = await context.newPage();
      await other.goto(`${hub.origin}/`);
      await signedIn(other);
      assert.equal(await other.getByTestId('account-name').textContent(), ADDED.display_name);
      await other.close();

      await page.getByTestId('account-button').click();
      await page.getByTestId('account-password').click();
      await page.getByTestId('password-current').fill(ADDED.password);
      await page.getByTestId('password-new').fill(changed);
      await page.getByTestId('password-repeat').fill('something-else-6');
      await page.getByTestId('password-save').click();
      await page.getByTestId('password-error').waitFor();
      await page.getByTestId('password-current').fill(ADDED.password);
      await page.getByTestId('password-new').fill(changed);
      await page.getByTestId('password-repeat').fill(changed);
      await page.getByTestId('password-save').click();
      await page.getByTestId('password-done').waitFor({ timeout: SOON });
      assert.ok(!(await kept(page)).includes(changed));
      await page.getByTestId('password-close').click();
      await page.getByTestId('sign-out').click();
      await page.getByTestId('login-screen').waitFor({ timeout: SOON });

      await signIn(page, ADDED);
      await page.locator('[data-testid="login-error"][data-code="access.login.wrong"]').waitFor({ timeout: SOON });
      await signIn(page, { name: ADDED.name, password: changed });
      await signedIn(page);
      assert.equal(errors.length, 0, errors.map(String).join('\n'));
    } finally {
      await context.close();
    }
  });

  test('an expired session shows the login screen, and signing in again carries on where it was', { timeout: SOON * 3 }, async () => {
    const { context, page, errors } = await openLogin({ hash: '#/maintenance' });
    try {
      await signIn(page, OPERATOR);
      await page.getByTestId('maintenance-page').waitFor({ timeout: SOON });
      // The hub ends the session while the operator moves on to the sources.
      await page.route('**/api/sources', (route) =>
        route.fulfill({ status: 401, contentType: 'application/json', body: JSON.stringify({ code: 'session_expired', message: 'session expired' }) }),
      );
      await page.evaluate(() => (location.hash = '#/sources'));
      const notice = page.getByTestId('login-notice');
      await notice.waitFor({ timeout: SOON });
      assert.match(await notice.textContent(), /session expired/i);
      assert.equal(await bearer(page), null);
      await page.unroute('**/api/sources');
      await signIn(page, OPERATOR);
      await page.getByTestId('sources-page').waitFor({ timeout: SOON });
      assert.equal(await page.getByTestId('source-add').count(), 0, 'an operator does not configure sources');
      assert.equal(errors.length, 0, errors.map(String).join('\n'));
    } finally {
      await context.close();
    }
  });

  // Last: it locks this address out of signing in for a while.
  test('five wrong passwords, and the sixth attempt is refused with a countdown', { timeout: SOON * 3 }, async () => {
    const { context, page } = await openLogin();
    try {
      const error = page.getByTestId('login-error');
      /** One attempt, and the code of the message it left once the hub has answered. */
      const attempt = async (password) => {
        const answered = page.waitForResponse((r) => r.url().endsWith('/api/login'), { timeout: SOON });
        await signIn(page, { name: VIEWER.name, password });
        await answered;
        await page.getByTestId('login-submit').and(page.locator(':not([aria-busy])')).waitFor();
        return error.getAttribute('data-code');
      };
      for (let n = 1; n <= 5; n++) assert.equal(await attempt(`wrong-${n}`), 'access.login.wrong', `attempt ${n}`);
      assert.equal(await attempt('wrong-6'), 'access.login.tooMany');
      const first = Number(/(\d+) s/.exec(await error.textContent())?.[1]);
      assert.ok(first > 0, `a wait in seconds: ${await error.textContent()}`);
      assert.equal(await page.getByTestId('login-submit').isDisabled(), true);
      await page.waitForFunction(
        (before) => {
          const text = document.querySelector('[data-testid="login-error"]')?.textContent ?? '';
          const now = Number(/(\d+) s/.exec(text)?.[1]);
          return now < before;
        },
        first,
        { timeout: SOON },
      );
    } finally {
      await context.close();
    }
  });
});
