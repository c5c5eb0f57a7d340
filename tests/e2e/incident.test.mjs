// The duty loop through the incident detail: acknowledge, identify, mitigate, resolve
// and review from the dialogs, each milestone with its operator; comments on the
// timeline; a refusal of the hub shown with its code; merge and split.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { launchChromium } from './chromium.mjs';
import { ALERTMANAGER, haveAlertmanager, startAlertmanager } from './alertmanager.mjs';
import { openConsole, startWebhookHub } from './duty.mjs';

// Bounds for behaviour that depends on the machine's pace, not expectations of speed.
const SOON = 60_000;
const OPERATOR = 'Duty Li';

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

/** The incident the hub made of the alarm with `key`, once it has one. */
async function incidentOf(key) {
  return hub.waitForState(
    (state) => {
      const alarm = state.alarms.find((a) => a.fingerprint.endsWith(key));
      return alarm?.incident == null ? undefined : state.incidents.find((i) => i.id === alarm.incident);
    },
    { what: `an incident for ${key}` },
  );
}

async function openIncident(page, id) {
  const row = page.locator(`[data-testid="incident-row"][data-incident-id="${id}"]`);
  await row.click({ timeout: SOON });
  const detail = page.locator(`[data-testid="incident-detail"][data-incident-id="${id}"]`);
  await detail.waitFor({ timeout: SOON });
  return detail;
}

/** Opens the action's dialog from the detail's button. */
async function openDialog(page, detail, action) {
  await detail.getByTestId(`action-${action}`).click();
  const dialog = page.getByTestId(`${action}-dialog`);
  await dialog.waitFor();
  return dialog;
}

async function reached(detail, milestone, by) {
  const step = detail.locator(`[data-testid="milestone"][data-milestone="${milestone}"][data-reached="true"]`);
  await step.filter({ hasText: by }).waitFor({ timeout: SOON });
}

describe('incident detail', () => {
  test('takes an incident through the duty loop, each milestone with its operator', { timeout: SOON * 5 }, async () => {
    await hub.send([
      { key: 'db1/disk', node: 'e2e-db1', title: 'Disk full on db1', labels: { generatorURL: 'http://prometheus.example:9090/graph?g0.expr=disk' } },
      { key: 'db1/latency', node: 'e2e-db1', title: 'Query latency high', severity: 'minor' },
    ]);
    const incident = await incidentOf('db1/disk');
    await hub.waitForState((s) => s.incidents.find((i) => i.id === incident.id && i.alarms.length === 2), { what: 'both alarms grouped' });
    const { context, page, errors } = await openConsole(browser, hub, { operator: OPERATOR });
    try {
      const detail = await openIncident(page, incident.id);

      // Member alarms: the root-cause candidate apart from the symptoms, with the link
      // the source gave and none invented for the alarm without one.
      const members = detail.getByTestId('member-alarm');
      await assert.doesNotReject(members.nth(1).waitFor({ timeout: SOON }));
      assert.equal(await detail.locator('[data-testid="member-alarm"][data-role="root"]').count(), 1);
      const links = detail.getByTestId('source-link');
      assert.equal(await links.count(), 1);
      assert.equal(await links.getAttribute('href'), 'http://prometheus.example:9090/graph?g0.expr=disk');
      assert.equal(await detail.getByTestId('clock').count(), 3);
      await detail.locator('[data-testid="update-deadline"][data-state="due"]').waitFor();

      await detail.getByTestId('acknowledge').click();
      await reached(detail, 'acknowledged', OPERATOR);
      await detail.getByTestId('detail-owner').filter({ hasText: OPERATOR }).waitFor();
      // Detect stopped at the acknowledgement: met or missed, no longer running.
      const detect = detail.locator('[data-testid="clock"][data-clock="detect"]');
      assert.match((await detect.getAttribute('data-state')) ?? '', /^(met|missed)$/);

      let dialog = await openDialog(page, detail, 'identify');
      // Without a cause the dialog says so and sends nothing.
      await dialog.getByTestId('identify-dialog-submit').click();
      await dialog.locator('.problem').waitFor();
      await dialog.getByTestId('identify-cause').fill('Data volume of db1 full: binlogs not purged');
      await dialog.getByTestId('identify-layer').selectOption('paas');
      await dialog.getByTestId('identify-root').selectOption('e2e-db1');
      await dialog.getByTestId('identify-dialog-submit').click();
      await dialog.waitFor({ state: 'detached' });
      await reached(detail, 'identified', OPERATOR);
      await detail.getByTestId('detail-layer').filter({ hasText: 'PaaS' }).waitFor();
      await detail.getByTestId('detail-cause').filter({ hasText: 'binlogs not purged' }).waitFor();
      await detail
        .locator('[data-testid="timeline-entry"][data-kind="incident_identified"]')
        .filter({ hasText: 'binlogs not purged · PaaS' })
        .waitFor({ timeout: SOON });

      dialog = await openDialog(page, detail, 'comment');
      await dialog.getByTestId('comment-dialog-text').fill('Purging binlogs older than 3 days <b>now</b>');
      await dialog.getByTestId('comment-dialog-submit').click();
      await dialog.waitFor({ state: 'detached' });
      const comment = detail.locator('[data-testid="timeline-entry"][data-kind="incident_commented"]');
      await comment.filter({ hasText: 'Purging binlogs older than 3 days <b>now</b>' }).waitFor({ timeout: SOON });
      assert.equal(await comment.locator('b').count(), 1, 'only the kind is bold: the comment stays text');

      dialog = await openDialog(page, detail, 'mitigate');
      await dialog.getByTestId('mitigate-dialog-text').fill('Writes moved to the replica');
      await dialog.getByTestId('mitigate-dialog-submit').click();
      await dialog.waitFor({ state: 'detached' });
      await reached(detail, 'mitigated', OPERATOR);
      await detail.locator('[data-testid="timeline-entry"][data-kind="incident_mitigated"]').filter({ hasText: 'Writes moved to the replica' }).waitFor();
      assert.equal(await detail.getByTestId('action-review').count(), 0, 'review only once resolved');

      dialog = await openDialog(page, detail, 'escalate');
      await dialog.getByTestId('escalate-dialog-text').fill('Checkout failing for customers');
      await dialog.getByTestId('escalate-dialog-submit').click();
      await dialog.waitFor({ state: 'detached' });
      await detail.getByTestId('escalation-level').filter({ hasText: 'level 1' }).waitFor({ timeout: SOON });
      await detail
        .locator('[data-testid="timeline-entry"][data-kind="incident_escalated"]')
        .filter({ hasText: 'level 1 · Checkout failing for customers' })
        .waitFor({ timeout: SOON });

      dialog = await openDialog(page, detail, 'resolve');
      await dialog.getByTestId('resolve-dialog-submit').click();
      await dialog.waitFor({ state: 'detached' });
      await reached(detail, 'resolved', OPERATOR);
      await detail.locator('[data-testid="detail-status"][data-status="resolved"]').waitFor();
      for (const name of ['detect', 'identify', 'recover']) {
        const state = await detail.locator(`[data-testid="clock"][data-clock="${name}"]`).getAttribute('data-state');
        assert.match(state ?? '', /^(met|missed)$/, `${name} clock stopped`);
      }
      assert.equal(await detail.getByTestId('update-deadline').count(), 0, 'no update deadline once resolved');

      dialog = await openDialog(page, detail, 'review');
      await dialog.getByTestId('review-dialog-text').fill('Binlog purge job was disabled in the last change; re-enabled and alerting added');
      await dialog.getByTestId('review-dialog-submit').click();
      await dialog.waitFor({ state: 'detached' });
      await reached(detail, 'reviewed', OPERATOR);
      await detail.locator('[data-testid="timeline-entry"][data-kind="incident_reviewed"]').filter({ hasText: 'purge job was disabled' }).waitFor();

      // Every milestone now names the operator who reached it (the engine opened it).
      const steps = await detail.getByTestId('milestone').evaluateAll((els) => els.map((el) => [el.dataset.milestone, el.dataset.reached]));
      assert.deepEqual(steps, [
        ['opened', 'true'],
        ['acknowledged', 'true'],
        ['identified', 'true'],
        ['mitigated', 'true'],
        ['resolved', 'true'],
        ['reviewed', 'true'],
      ]);
      assert.equal(errors.length, 0, errors.map(String).join('\n'));
    } finally {
      await context.close();
    }
  });

  test('shows the hub’s refusal, with its code, in the dialog', { timeout: SOON * 3 }, async () => {
    await hub.send([{ key: 'fw1/cpu', node: 'e2e-fw1', title: 'Firewall CPU high' }]);
    const incident = await incidentOf('fw1/cpu');
    const { context, page } = await openConsole(browser, hub, { operator: OPERATOR });
    try {
      const detail = await openIncident(page, incident.id);
      const dialog = await openDialog(page, detail, 'mitigate');
      await dialog.getByTestId('mitigate-dialog-text').fill('Too late');
      // Someone else resolves it while the dialog is open: mitigating is refused.
      await hub.api('POST', `/api/incidents/${incident.id}/resolve`, {}, 'Someone Else');
      await detail.locator('[data-testid="detail-status"][data-status="resolved"]').waitFor({ timeout: SOON });
      await dialog.getByTestId('mitigate-dialog-submit').click();
      const refusal = dialog.getByTestId('mitigate-dialog-refusal');
      await refusal.waitFor({ timeout: SOON });
      assert.match((await refusal.textContent()) ?? '', /[a-z_]+: \S/, 'code and message');
      assert.equal(await dialog.isVisible(), true, 'the dialog stays open');
    } finally {
      await context.close();
    }
  });

  test('merges two incidents and splits an alarm off into a new one', { timeout: SOON * 4 }, async () => {
    await hub.send([
      { key: 'web1/5xx', node: 'e2e-web1', title: 'HTTP 5xx on web1' },
      { key: 'web1/latency', node: 'e2e-web1', title: 'Latency on web1', severity: 'minor' },
      { key: 'app1/queue', node: 'e2e-app1', title: 'Queue backlog on app1' },
    ]);
    const web = await incidentOf('web1/5xx');
    const app = await incidentOf('app1/queue');
    assert.notEqual(web.id, app.id);
    const { context, page, errors } = await openConsole(browser, hub, { operator: OPERATOR });
    try {
      let detail = await openIncident(page, web.id);
      const merge = await openDialog(page, detail, 'merge');
      await merge.getByTestId('merge-search').fill(`INC-${app.id}`);
      const candidates = merge.getByTestId('merge-candidate');
      await candidates.first().waitFor();
      assert.equal(await candidates.count(), 1, 'the search narrows the list');
      await merge.locator(`[data-testid="merge-candidate"][data-incident-id="${app.id}"]`).check();
      await merge.getByTestId('merge-dialog-submit').click();
      await merge.waitFor({ state: 'detached' });
      await detail.getByTestId('member-alarm').nth(2).waitFor({ timeout: SOON });
      const merged = detail.locator('[data-testid="timeline-entry"][data-kind="incidents_merged"]');
      await merged.waitFor({ timeout: SOON });
      assert.equal(await merged.getByTestId('timeline-link').getAttribute('data-incident-id'), String(app.id));
      const gone = await hub.waitForState((s) => s.incidents.find((i) => i.id === app.id && i.status === 'merged'), {
        what: 'the other incident merged',
      });
      assert.equal(gone.merged_into, web.id);
      // The merged one says where its alarms went, and leads there.
      const mergedDetail = await openIncident(page, app.id);
      await mergedDetail.locator('[data-testid="detail-status"][data-status="merged"]').waitFor({ timeout: SOON });
      await mergedDetail.getByTestId('merged-into').click();
      detail = page.locator(`[data-testid="incident-detail"][data-incident-id="${web.id}"]`);
      await detail.waitFor({ timeout: SOON });

      const queueAlarm = await hub.waitForState((s) => s.alarms.find((a) => a.fingerprint.endsWith('app1/queue')));
      const split = await openDialog(page, detail, 'split');
      await split.locator(`[data-testid="split-alarm"][data-alarm-id="${queueAlarm.id}"]`).check();
      await split.getByTestId('split-dialog-submit').click();
      await split.waitFor({ state: 'detached' });
      // The new incident is shown at once, holding the alarm split off.
      detail = page.getByTestId('incident-detail');
      await page.waitForFunction(
        (id) => {
          const shown = document.querySelector('[data-testid="incident-detail"]');
          return shown !== null && shown.getAttribute('data-incident-id') !== id;
        },
        String(web.id),
        { timeout: SOON },
      );
      const created = Number(await detail.getAttribute('data-incident-id'));
      await detail.locator(`[data-testid="member-alarm"][data-alarm-id="${queueAlarm.id}"]`).waitFor({ timeout: SOON });
      // The original's timeline names the split and leads to the new incident.
      const original = await openIncident(page, web.id);
      const splitEntry = original.locator('[data-testid="timeline-entry"][data-kind="incident_split"]');
      await splitEntry.waitFor({ timeout: SOON });
      const link = splitEntry.getByTestId('timeline-link');
      assert.equal(await link.getAttribute('data-incident-id'), String(created));
      await link.click();
      await page.locator(`[data-testid="incident-detail"][data-incident-id="${created}"]`).waitFor({ timeout: SOON });
      const state = await hub.api('GET', '/api/state');
      assert.deepEqual(state.incidents.find((i) => i.id === created).alarms, [queueAlarm.id]);
      assert.equal(state.incidents.find((i) => i.id === web.id).alarms.includes(queueAlarm.id), false);
      assert.equal(errors.length, 0, errors.map(String).join('\n'));
    } finally {
      await context.close();
    }
  });

  test('opens the dialog a board key asks for', { timeout: SOON * 2 }, async () => {
    await hub.send([{ key: 'lb1/health', node: 'e2e-lb1', title: 'LB health check failing' }]);
    const incident = await incidentOf('lb1/health');
    const { context, page } = await openConsole(browser, hub, { operator: OPERATOR });
    try {
      const detail = await openIncident(page, incident.id);
      // Focus on the board (not in a text field), as an operator using the keys would be.
      await detail.locator('h2').click();
      await page.keyboard.press('c');
      const dialog = page.getByTestId('comment-dialog');
      await dialog.waitFor({ timeout: SOON });
      await dialog.getByTestId('comment-dialog-text').fill('From the keyboard');
      await dialog.getByTestId('comment-dialog-submit').click();
      await detail.locator('[data-testid="timeline-entry"][data-kind="incident_commented"]').filter({ hasText: 'From the keyboard' }).waitFor({ timeout: SOON });
    } finally {
      await context.close();
    }
  });
});

describe('sources page', () => {
  test('says what acknowledging does in each kind of source, with the hub’s explanation as tooltip', { timeout: SOON * 2 }, async () => {
    const { context, page, errors } = await openConsole(browser, hub, { operator: OPERATOR, hash: '#/sources' });
    try {
      const table = page.getByTestId('capability-table');
      const row = (kind) => table.locator(`[data-testid="capability-row"][data-kind="${kind}"]`);
      await row('alertmanager').waitFor({ timeout: SOON });
      const expected = await hub.api('GET', '/api/capabilities');
      assert.equal(await table.getByTestId('capability-row').count(), expected.length);
      for (const capability of expected) {
        assert.equal(await row(capability.kind).getByTestId('capability-ack').getAttribute('data-value'), capability.acknowledge);
        assert.equal(await row(capability.kind).getAttribute('title'), capability.detail);
      }
      assert.equal(await row('alertmanager').getByTestId('capability-ack').textContent(), 'yes, as a silence');
      assert.equal(await row('zabbix').getByTestId('capability-ack').textContent(), 'yes, natively');
      assert.equal(errors.length, 0, errors.map(String).join('\n'));
    } finally {
      await context.close();
    }
  });
});

describe('acknowledging with write-back', { skip: !haveAlertmanager() && `${ALERTMANAGER} is not installed` }, () => {
  let alertmanager;
  let amHub;

  before(async () => {
    alertmanager = await startAlertmanager();
    await alertmanager.postAlert(
      { alertname: 'E2EBackendDown', instance: 'e2e-api-1:9100', severity: 'critical' },
      { summary: 'Backend not answering' },
    );
    await alertmanager.postAlert(
      { alertname: 'E2ECacheDown', instance: 'e2e-cache-1:9100', severity: 'major' },
      { summary: 'Cache not answering' },
    );
    amHub = await startWebhookHub({ extra: `[[alertmanager]]\nname = "am-e2e"\nurl = "${alertmanager.base}"\ninterval_secs = 1\n` });
  });

  after(async () => {
    await amHub?.stop();
    await alertmanager?.stop();
  });

  test('silences the member in Alertmanager and shows it confirmed per alarm', { timeout: SOON * 3 }, async () => {
    const alarm = await amHub.waitForState((s) => s.alarms.find((a) => a.source === 'am-e2e' && a.title.includes('E2EBackendDown') && a.incident !== null), {
      what: 'the Alertmanager alarm in an incident',
    });
    const { context, page, errors } = await openConsole(browser, amHub, { operator: OPERATOR });
    try {
      const row = page.locator(`[data-testid="incident-row"][data-incident-id="${alarm.incident}"]`);
      await row.click({ timeout: SOON });
      const detail = page.locator(`[data-testid="incident-detail"][data-incident-id="${alarm.incident}"]`);
      const box = detail.getByTestId('ack-write-back');
      await box.waitFor({ timeout: SOON });
      assert.equal(await box.isChecked(), true, 'offered, and on by default, for a source that takes it');
      await detail.getByTestId('acknowledge').click();
      await reached(detail, 'acknowledged', OPERATOR);

      const member = detail.locator(`[data-testid="member-alarm"][data-alarm-id="${alarm.id}"]`);
      await member.locator('[data-testid="write-back"][data-state="confirmed"]').waitFor({ timeout: SOON });
      const entry = detail.locator('[data-testid="timeline-entry"][data-kind="silence_created"]');
      await entry.locator('[data-testid="timeline-outcome"][data-ok="true"]').waitFor({ timeout: SOON });
      const silences = (await alertmanager.silences()).filter((s) => s.status.state === 'active');
      assert.ok(
        silences.some((s) => s.matchers.some((m) => m.name === 'alertname' && m.value === 'E2EBackendDown')),
        'the silence is in Alertmanager',
      );
      assert.equal(errors.length, 0, errors.map(String).join('\n'));
    } finally {
      await context.close();
    }
  });

  test('shows a write-back the source did not take as failed, with why', { timeout: SOON * 3 }, async () => {
    const alarm = await amHub.waitForState((s) => s.alarms.find((a) => a.source === 'am-e2e' && a.title.includes('E2ECacheDown') && a.incident !== null), {
      what: 'the second Alertmanager alarm in an incident',
    });
    // Alertmanager goes away: its alarms stay as they were, and a silence cannot be made.
    await alertmanager.stop();
    const { context, page } = await openConsole(browser, amHub, { operator: OPERATOR });
    try {
      await page.locator(`[data-testid="incident-row"][data-incident-id="${alarm.incident}"]`).click({ timeout: SOON });
      const detail = page.locator(`[data-testid="incident-detail"][data-incident-id="${alarm.incident}"]`);
      await detail.getByTestId('ack-write-back').waitFor({ timeout: SOON });
      await detail.getByTestId('acknowledge').click();
      await reached(detail, 'acknowledged', OPERATOR);
      const member = detail.locator(`[data-testid="member-alarm"][data-alarm-id="${alarm.id}"]`);
      await member.locator('[data-testid="write-back"][data-state="failed"]').waitFor({ timeout: SOON });
      await detail
        .locator('[data-testid="timeline-entry"][data-kind="write_back_failed"] [data-testid="timeline-outcome"][data-ok="false"]')
        .waitFor({ timeout: SOON });
    } finally {
      await context.close();
    }
  });
});
