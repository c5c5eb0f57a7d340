import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startHub } from './hub.mjs';
import { ALERTMANAGER, closedPort, haveAlertmanager, startAlertmanager } from './alertmanager.mjs';
import { launchChromium } from './chromium.mjs';

// Bounds for behaviour that depends on the machine's pace, not expectations of speed.
const SOON = 60_000;
const OPERATOR = 'E2E Operator';

let browser;

before(async () => {
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
});

async function openConsole(hub, hash) {
  const context = await browser.newContext({ viewport: { width: 1600, height: 1200 } });
  await context.addInitScript(
    ([name]) => {
      localStorage.setItem('noc.language', 'en');
      localStorage.setItem('noc.operator', name);
    },
    [OPERATOR],
  );
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(error));
  await page.goto(`${hub.url}${hash}`);
  await page.getByTestId('connection').and(page.locator('[data-state="live"]')).waitFor({ timeout: SOON });
  return { context, page, errors };
}

/** Fills the add form for an Alertmanager source polled every second. */
async function fillAlertmanager(page, name, url) {
  await page.getByTestId('source-add').click();
  const form = page.getByTestId('source-form');
  await form.waitFor();
  await form.getByTestId('source-name').fill(name);
  await form.getByTestId('source-url').fill(url);
  await form.getByLabel('Interval (s)').fill('1');
  await form.getByLabel('Timeout (s)').fill('1');
  return form;
}

describe('sources page', () => {
  test('adds an unreachable Alertmanager, shows it failing, edits, disables and deletes it', { timeout: SOON * 4 }, async () => {
    const hub = await startHub();
    const { context, page, errors } = await openConsole(hub, '#/sources');
    try {
      const name = 'am-closed';
      const port = await closedPort();
      const form = await fillAlertmanager(page, name, `http://127.0.0.1:${port}`);

      await form.getByTestId('source-test').click();
      const report = form.getByTestId('check-report');
      await report.waitFor({ timeout: SOON });
      assert.equal(await report.getAttribute('data-status'), 'unreachable');
      const reason = await report.textContent();
      assert.match(reason, /refused|connect/i, `the reason is given: ${reason}`);

      await form.getByTestId('source-save').click();
      await form.waitFor({ state: 'detached', timeout: SOON });
      const row = page.locator(`[data-testid="source-row"][data-source="${name}"]`);
      await row.waitFor({ timeout: SOON });
      assert.equal(await row.getAttribute('data-origin'), 'console');
      assert.match(await row.textContent(), /console/);

      const problem = page.locator(`[data-testid="source-problem"][data-source="${name}"]`);
      await problem.waitFor({ timeout: SOON });
      assert.match(await problem.textContent(), /unreachable/);
      await row.locator('[data-testid="source-health-cell"][data-status="unreachable"]').waitFor({ timeout: SOON });

      // Editing keeps the name and shows what was saved; the new address is polled.
      await row.getByTestId('source-edit').click();
      const edit = page.getByTestId('source-form');
      assert.equal(await edit.getByTestId('source-name').inputValue(), name);
      assert.equal(await edit.getByTestId('source-name').getAttribute('readonly'), '');
      assert.equal(await edit.getByTestId('source-url').inputValue(), `http://127.0.0.1:${port}`);
      const otherPort = await closedPort();
      await edit.getByTestId('source-url').fill(`http://127.0.0.1:${otherPort}`);
      await edit.getByTestId('source-url').press('Enter');
      await edit.waitFor({ state: 'detached', timeout: SOON });
      await row.locator('[data-testid="source-health-cell"]', { hasText: `127.0.0.1:${otherPort}` }).waitFor({ timeout: SOON });

      await row.getByTestId('source-toggle').uncheck();
      await page.locator(`[data-testid="source-row"][data-source="${name}"][data-enabled="false"]`).waitFor({ timeout: SOON });
      await problem.waitFor({ state: 'detached', timeout: SOON });

      await row.getByTestId('source-delete').click();
      await row.getByTestId('source-delete-confirm').click();
      await row.waitFor({ state: 'detached', timeout: SOON });
      assert.equal(errors.length, 0, errors.map(String).join('\n'));
    } finally {
      await context.close();
      await hub.stop();
    }
  });

  test('refuses to save an incomplete form and names the fields', { timeout: SOON * 2 }, async () => {
    const hub = await startHub();
    const { context, page } = await openConsole(hub, '#/sources');
    try {
      await page.getByTestId('source-add').click();
      const form = page.getByTestId('source-form');
      await form.getByTestId('source-url').fill('alertmanager:9093');
      await form.getByTestId('source-save').click();
      const problems = await form.getByTestId('field-problem').allTextContents();
      assert.deepEqual(problems, ['Required', 'An http:// or https:// address']);
      assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'source-name');
      await page.keyboard.press('Escape');
      await form.waitFor({ state: 'detached' });
    } finally {
      await context.close();
      await hub.stop();
    }
  });
});

describe('silencing in Alertmanager', { skip: !haveAlertmanager() && `${ALERTMANAGER} is not installed` }, () => {
  let alertmanager;

  before(async () => {
    alertmanager = await startAlertmanager();
  });

  after(async () => {
    await alertmanager?.stop();
  });

  test('an alert shows on the board, is silenced from its incident as the operator, then listed and expired from the Sources page', { timeout: SOON * 4 }, async () => {
    await alertmanager.postAlert(
      { alertname: 'E2EDiskFull', instance: 'e2e-db-1:9100', severity: 'critical' },
      { summary: 'Disk almost full' },
    );

    const hub = await startHub({ demo: false });
    const { context, page, errors } = await openConsole(hub, '#/sources');
    try {
      const form = await fillAlertmanager(page, 'am-lab', alertmanager.base);
      await form.getByTestId('source-save').click();
      await form.waitFor({ state: 'detached', timeout: SOON });

      await page.getByTestId('nav-board').click();
      const alarm = page.locator('[data-testid="alarm-row"]', { hasText: 'E2EDiskFull' });
      await alarm.waitFor({ timeout: SOON });
      await alarm.getByTestId('alarm-incident').click();
      const detail = page.getByTestId('incident-detail');
      const member = detail.locator('[data-testid="member-alarm"]', { hasText: 'E2EDiskFull' });
      await member.getByTestId('alarm-silence').click();

      const dialog = page.getByTestId('silence-dialog');
      await dialog.waitFor();
      assert.equal(await dialog.getByTestId('silence-matcher').count(), 3, 'one matcher per alert label');
      const comment = 'disk swap tonight, ask storage team';
      await dialog.getByTestId('silence-duration-240').check();
      await dialog.getByTestId('silence-comment').fill(comment);
      await dialog.getByTestId('silence-submit').click();
      const created = dialog.getByTestId('silence-created');
      await created.waitFor({ timeout: SOON });
      const id = await created.getAttribute('data-silence-id');
      assert.ok(id);

      const silence = (await alertmanager.silences()).find((s) => s.id === id);
      assert.ok(silence, `silence ${id} is in Alertmanager`);
      assert.equal(silence.createdBy, OPERATOR);
      assert.equal(silence.comment, comment);
      assert.deepEqual(
        silence.matchers.map((m) => `${m.name}=${m.value}`).sort(),
        ['alertname=E2EDiskFull', 'instance=e2e-db-1:9100', 'severity=critical'],
      );

      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'detached' });
      await detail.locator('[data-testid="timeline-entry"][data-kind="silence_created"]').waitFor({ timeout: SOON });

      // The Sources page lists that silence and expires it in Alertmanager, by keyboard.
      await page.getByTestId('nav-sources').click();
      const row = page.locator('[data-testid="source-row"][data-source="am-lab"]');
      await row.getByTestId('source-silences').click();
      const silences = page.getByTestId('silences-dialog');
      await silences.waitFor();
      const listed = silences.locator(`[data-testid="silence-item"][data-silence-id="${id}"]`);
      await listed.waitFor({ timeout: SOON });
      assert.equal(await listed.getAttribute('data-state'), 'active');
      assert.equal(await listed.getByTestId('silence-comment-text').textContent(), comment);
      const text = await listed.textContent();
      for (const shown of ['alertname="E2EDiskFull"', 'instance="e2e-db-1:9100"', 'severity="critical"', `by ${OPERATOR}`]) {
        assert.ok(text.includes(shown), `${shown} is shown: ${text}`);
      }
      // The screen's clock ticks once a second: a silence made a moment ago may still read 4h 0m.
      assert.match(text, /ends in (3h 5\dm|4h 0m) \(\d\d:\d\d:\d\d\)/);
      await listed.getByTestId('silence-expire').focus();
      await page.keyboard.press('Enter');
      await listed.waitFor({ state: 'detached', timeout: SOON });
      await silences.getByTestId('silences-empty').waitFor();
      const expired = (await alertmanager.silences()).find((s) => s.id === id);
      assert.equal(expired?.status.state, 'expired', 'Alertmanager has it expired');

      // Expired ones stay reachable, greyed and without an expiry button.
      await silences.getByTestId('silences-show-expired').check();
      await listed.waitFor();
      assert.equal(await listed.getAttribute('data-state'), 'expired');
      assert.equal(await listed.getByTestId('silence-expire').count(), 0);

      // A silence made in Alertmanager itself is listed too; expiring it while Alertmanager
      // is down is refused, and the dialog says why.
      const made = await fetch(`${alertmanager.base}/api/v2/silences`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({
          matchers: [{ name: 'instance', value: 'e2e-db-.*', isRegex: true, isEqual: false }],
          startsAt: new Date().toISOString(),
          endsAt: new Date(Date.now() + 3_600_000).toISOString(),
          createdBy: 'someone else',
          comment: 'maintenance elsewhere',
        }),
      });
      const { silenceID: other } = await made.json();
      await silences.getByTestId('silences-refresh').click();
      const otherItem = silences.locator(`[data-testid="silence-item"][data-silence-id="${other}"]`);
      await otherItem.waitFor({ timeout: SOON });
      assert.match(await otherItem.textContent(), /instance!~"e2e-db-\.\*".*maintenance elsewhere.*by someone else/s);
      await alertmanager.stop();
      await otherItem.getByTestId('silence-expire').click();
      const refusal = silences.getByTestId('silences-refusal');
      await refusal.waitFor({ timeout: SOON });
      assert.match(await refusal.textContent(), /^Refused: .*(refused|connect|unreachable)/i);

      await page.keyboard.press('Escape');
      await silences.waitFor({ state: 'detached' });
      assert.equal(errors.length, 0, errors.map(String).join('\n'));
    } finally {
      await context.close();
      await hub.stop();
    }
  });
});
