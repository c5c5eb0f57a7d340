// Saves screenshots of the incident detail (milestones, 1-5-10 clocks, member alarms,
// timeline), each of its action dialogs, the Maintenance page with its form and the
// Sources page's capability table, in both languages and both themes, to
// tests/artifacts/duty/, for looking at the screens.
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { launchChromium } from './chromium.mjs';
import { openConsole, startWebhookHub } from './duty.mjs';
import { haveAlertmanager, startAlertmanager } from './alertmanager.mjs';

const out = resolve(import.meta.dirname, '..', 'artifacts', 'duty');
await mkdir(out, { recursive: true });

const hub = await startWebhookHub();
const browser = await launchChromium();
const HOUR = 3_600_000;

try {
  // Incidents in different places of the duty loop.
  await hub.send([
    { key: 'db/disk', node: 'db-prod-1', severity: 'critical', title: 'Disk /var/lib/mysql 97% full', labels: { generatorURL: 'http://prometheus:9090/graph?g0.expr=disk' } },
    { key: 'db/slow', node: 'db-prod-1', severity: 'major', title: 'Slow queries above 2 s' },
    { key: 'db/repl', node: 'db-prod-1', severity: 'minor', title: 'Replication lag 40 s' },
    { key: 'web/5xx', node: 'web-3', severity: 'major', title: 'HTTP 5xx ratio 12%' },
    { key: 'mq/backlog', node: 'mq-1', severity: 'warning', title: 'Queue backlog 20k messages' },
  ]);
  const incidentOf = (key) =>
    hub.waitForState((s) => {
      const alarm = s.alarms.find((a) => a.fingerprint.endsWith(key));
      return alarm?.incident ?? undefined;
    });
  const db = await incidentOf('db/disk');
  await hub.waitForState((s) => s.incidents.find((i) => i.id === db && i.alarms.length === 3));
  const web = await incidentOf('web/5xx');
  const mq = await incidentOf('mq/backlog');
  const as = 'Alex Chen';
  await hub.api('POST', `/api/incidents/${db}/acknowledge`, { write_back: false }, as);
  await hub.api('POST', `/api/incidents/${db}/comments`, { text: 'Binlogs not purged since the change on Friday; checking the purge job.' }, as);
  await hub.api('POST', `/api/incidents/${db}/identify`, { cause: 'Binlog purge job disabled by last change; data volume full', layer: 'paas', root_node: 'db-prod-1' }, as);
  await hub.api('POST', `/api/incidents/${db}/escalate`, { reason: 'Customer-facing checkout affected' }, as);
  await hub.api('POST', `/api/incidents/${web}/acknowledge`, { write_back: false }, as);
  await hub.api('POST', `/api/incidents/${web}/resolve`, {}, as);

  const now = Date.now();
  await hub.api('POST', '/api/maintenance', { id: '', title: 'Storage firmware upgrade CHG-1042', starts_at: now - 10 * 60_000, ends_at: now + 2 * HOUR, recurrence: 'once', until: null, matchers: [{ name: 'service', value: 'storage', is_regex: false, is_equal: true }], nodes: ['san-1', 'san-2'] }, as);
  await hub.api('POST', '/api/maintenance', { id: '', title: 'Core switch reboot', starts_at: now + 26 * HOUR, ends_at: now + 27 * HOUR, recurrence: 'once', until: null, matchers: [], nodes: ['core-sw-1'] }, as);
  await hub.api('POST', '/api/maintenance', { id: '', title: 'Nightly backup', starts_at: now + 5 * HOUR, ends_at: now + 6 * HOUR, recurrence: 'daily', until: now + 30 * 24 * HOUR, matchers: [{ name: 'job', value: 'backup', is_regex: false, is_equal: true }], nodes: [] }, as);
  await hub.send([{ key: 'san/lat', node: 'san-1', severity: 'major', title: 'SAN latency high', labels: { service: 'storage' } }]);

  for (const language of ['en', 'zh']) {
    for (const theme of ['dark', 'light']) {
      const operator = language === 'zh' ? '王伟' : 'Alex Chen';
      const { context, page } = await openConsole(browser, hub, { operator, language, theme, viewport: { width: 1600, height: 1100 } });
      const shot = (name) => page.screenshot({ path: join(out, `${name}-${language}-${theme}.png`) });
      const open = async (id) => {
        await page.locator(`[data-testid="incident-row"][data-incident-id="${id}"]`).click();
        const detail = page.locator(`[data-testid="incident-detail"][data-incident-id="${id}"]`);
        await detail.getByTestId('timeline-entry').first().waitFor({ timeout: 60_000 });
        return detail;
      };
      const dialog = async (detail, action, fill) => {
        await detail.getByTestId(`action-${action}`).click();
        const box = page.getByTestId(`${action}-dialog`);
        await box.waitFor();
        if (fill) await fill(box);
        await shot(`dialog-${action}`);
        await page.keyboard.press('Escape');
        await box.waitFor({ state: 'detached' });
      };

      let detail = await open(db);
      await detail.locator('[data-testid="timeline-entry"][data-kind="incident_escalated"]').waitFor({ timeout: 60_000 });
      await shot('incident-detail');
      await detail.getByTestId('timeline').scrollIntoViewIfNeeded();
      await shot('incident-timeline');
      await dialog(detail, 'comment');
      await dialog(detail, 'identify');
      await dialog(detail, 'mitigate');
      await dialog(detail, 'resolve');
      await dialog(detail, 'escalate');
      await dialog(detail, 'merge', (box) => box.getByTestId('merge-candidate').first().check());
      await dialog(detail, 'split', (box) => box.getByTestId('split-alarm').nth(2).check());

      detail = await open(mq);
      await shot('incident-open');
      detail = await open(web);
      await dialog(detail, 'review');

      await page.getByTestId('nav-maintenance').click();
      await page.locator('[data-testid="maintenance-suppressed"][data-count="1"]').waitFor({ timeout: 60_000 });
      await shot('maintenance');
      await page.getByTestId('maintenance-create').click();
      const form = page.getByTestId('maintenance-form');
      await form.getByTestId('maintenance-add-matcher').click();
      await form.getByTestId('maintenance-submit').click();
      await shot('maintenance-form');
      await page.keyboard.press('Escape');

      await page.getByTestId('nav-sources').click();
      await page.getByTestId('capability-row').first().waitFor({ timeout: 60_000 });
      await shot('capabilities');
      await context.close();
      console.log(`saved ${language}/${theme}`);
    }
  }
} finally {
  await browser.close();
  await hub.stop();
}

// Write-back confirmations need a real Alertmanager: one alarm silenced on
// acknowledgement (confirmed), then Alertmanager stops and the next one fails.
if (haveAlertmanager()) {
  const alertmanager = await startAlertmanager();
  await alertmanager.postAlert({ alertname: 'BackendDown', instance: 'api-1:9100', severity: 'critical' }, { summary: 'Backend not answering' });
  await alertmanager.postAlert({ alertname: 'CacheDown', instance: 'cache-1:9100', severity: 'major' }, { summary: 'Cache not answering' });
  const amHub = await startWebhookHub({ extra: `[[alertmanager]]\nname = "am-dc1"\nurl = "${alertmanager.base}"\ninterval_secs = 1\n` });
  const amBrowser = await launchChromium();
  try {
    const incidentOf = (name) =>
      amHub.waitForState((s) => s.alarms.find((a) => a.title.includes(name) && a.incident !== null)?.incident);
    const backend = await incidentOf('BackendDown');
    const cache = await incidentOf('CacheDown');
    await amHub.api('POST', `/api/incidents/${backend}/acknowledge`, { write_back: true }, 'Alex Chen');
    await amHub.waitForState((s) => s.alarms.find((a) => a.title.includes('BackendDown') && a.labels.alertmanager_state === 'suppressed') ?? null, {
      timeout: 30_000,
    }).catch(() => null);
    await alertmanager.stop();
    await amHub.api('POST', `/api/incidents/${cache}/acknowledge`, { write_back: true }, 'Alex Chen');
    for (const language of ['en', 'zh']) {
      const { context, page } = await openConsole(amBrowser, amHub, { operator: 'Alex Chen', language, viewport: { width: 1600, height: 1100 } });
      for (const [id, name] of [[backend, 'confirmed'], [cache, 'failed']]) {
        await page.locator(`[data-testid="incident-row"][data-incident-id="${id}"]`).click();
        const detail = page.locator(`[data-testid="incident-detail"][data-incident-id="${id}"]`);
        await detail.locator(`[data-testid="write-back"][data-state="${name}"]`).waitFor({ timeout: 60_000 });
        await page.screenshot({ path: join(out, `write-back-${name}-${language}-dark.png`) });
      }
      await context.close();
    }
    console.log('saved write-back');
  } finally {
    await amBrowser.close();
    await amHub.stop();
    await alertmanager.stop();
  }
}
