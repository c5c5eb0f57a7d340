// Saves screenshots of the fault board, the Sources page, its add form, the silence
// dialog, the list of silences, the probe page and the Notifications page in both
// languages and both themes to tests/artifacts/, for looking at the screens (and for
// the README).
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { startHub } from './hub.mjs';
import { launchChromium } from './chromium.mjs';
import { closedPort, haveAlertmanager, startAlertmanager } from './alertmanager.mjs';

const out = resolve(import.meta.dirname, '..', 'artifacts');
await mkdir(out, { recursive: true });

// `node screenshots.mjs sources` saves only the named screens; no argument saves all.
const wanted = (screens) => process.argv.length <= 2 || process.argv.includes(screens);

if (wanted('board')) {
  const hub = await startHub();
  const browser = await launchChromium().catch(async (error) => {
    await hub.stop();
    throw error;
  });
  try {
    for (const language of ['en', 'zh']) {
      for (const theme of ['dark', 'light']) {
        const context = await browser.newContext({ viewport: { width: 1600, height: 900 } });
        await context.addInitScript(
          ([l, t]) => {
            localStorage.setItem('noc.language', l);
            localStorage.setItem('noc.theme', t);
            localStorage.setItem('noc.operator', l === 'zh' ? '王伟' : 'Alex');
          },
          [language, theme],
        );
        const page = await context.newPage();
        await page.goto(hub.url);
        const row = page.locator('[data-testid="incident-row"][data-status="open"]').first();
        await row.waitFor({ timeout: 120_000 });
        await page.screenshot({ path: join(out, `board-${language}-${theme}.png`) });
        await row.click();
        await page.getByTestId('timeline-entry').first().waitFor({ timeout: 60_000 });
        await page.screenshot({ path: join(out, `incident-${language}-${theme}.png`) });
        await context.close();
        console.log(`saved ${language}/${theme}`);
      }
    }
  } finally {
    await browser.close();
    await hub.stop();
  }
}

// The Sources page with a working source from noc.toml, a failing and a disabled one
// from the page; the silence dialog needs an alarm from a real Alertmanager.
if (wanted('sources')) {
  const alertmanager = haveAlertmanager() ? await startAlertmanager() : null;
  const config = alertmanager === null ? '' : `[[alertmanager]]\nname = "am-dc1"\nurl = "${alertmanager.base}"\ninterval_secs = 2\n`;
  const hub = await startHub({ demo: false, config });
  const browser = await launchChromium();
  try {
    const token = new URL(hub.url).searchParams.get('token');
    const addSource = async (definition) => {
      const response = await fetch(`${hub.origin}/api/sources`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', 'X-Noc-Operator': 'Alex' },
        body: JSON.stringify({ definition }),
      });
      if (!response.ok) throw new Error(`adding ${definition.name}: HTTP ${response.status} ${await response.text()}`);
    };
    const common = { enabled: true, interval_secs: 2, timeout_secs: 1, node: null };
    const closed = `http://127.0.0.1:${await closedPort()}`;
    await alertmanager?.postAlert(
      { alertname: 'DiskFilling', instance: 'db-1:9100', severity: 'major', job: 'node' },
      { summary: 'Disk /var/lib/mysql 92% full' },
    );
    // Silences for the list: one running, one expired, one made in Alertmanager itself.
    const hubCall = async (method, path, body, operator = 'Alex') => {
      const response = await fetch(`${hub.origin}${path}`, {
        method,
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', 'X-Noc-Operator': encodeURIComponent(operator) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      if (!response.ok) throw new Error(`${method} ${path}: HTTP ${response.status} ${await response.text()}`);
      return response.status === 204 ? null : response.json();
    };
    if (alertmanager !== null) {
      const exact = (name, value) => ({ name, value, is_regex: false, is_equal: true });
      await hubCall('POST', '/api/sources/am-dc1/silences', {
        matchers: [exact('alertname', 'DiskFilling'), exact('instance', 'db-1:9100')],
        duration_minutes: 240,
        comment: 'Disk swap tonight, ask the storage team / 今晚更换磁盘',
      });
      const old = await hubCall(
        'POST',
        '/api/sources/am-dc1/silences',
        { matchers: [exact('job', 'backup'), { name: 'instance', value: 'nas-.*', is_regex: true, is_equal: true }], duration_minutes: 60, comment: '备份窗口' },
        '王伟',
      );
      await hubCall('DELETE', `/api/sources/am-dc1/silences/${old.id}`, undefined, '王伟');
      await fetch(`${alertmanager.base}/api/v2/silences`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({
          matchers: [{ name: 'severity', value: 'info', isRegex: false, isEqual: true }, { name: 'env', value: 'prod', isRegex: false, isEqual: false }],
          startsAt: new Date(Date.now() + 7_200_000).toISOString(),
          endsAt: new Date(Date.now() + 30 * 3_600_000).toISOString(),
          createdBy: 'ops-bot',
          comment: 'Staging noise during the migration',
        }),
      });
    }
    await addSource({ ...common, name: 'am-dc2', settings: { kind: 'alertmanager', urls: [closed], auth: null } });
    await addSource({
      ...common,
      name: 'prom-core',
      enabled: false,
      settings: { kind: 'prometheus', url: closed, auth: null, targets: true, kpis: [] },
    });

    for (const language of ['en', 'zh']) {
      for (const theme of ['dark', 'light']) {
        const context = await browser.newContext({ viewport: { width: 1600, height: 900 } });
        await context.addInitScript(
          ([l, t]) => {
            localStorage.setItem('noc.language', l);
            localStorage.setItem('noc.theme', t);
            localStorage.setItem('noc.operator', l === 'zh' ? '王伟' : 'Alex');
          },
          [language, theme],
        );
        const page = await context.newPage();
        await page.goto(`${hub.url}#/sources`);
        await page.locator('[data-testid="source-row"][data-source="am-dc2"] [data-status="unreachable"]').waitFor({ timeout: 60_000 });
        await page.screenshot({ path: join(out, `sources-${language}-${theme}.png`) });

        await page.getByTestId('source-add').click();
        const form = page.getByTestId('source-form');
        await form.getByTestId('source-name').fill('am-dc3');
        await form.getByTestId('source-url').fill(closed);
        await form.getByTestId('secret-typed').check();
      await form.getByLabel(language === 'zh' ? '密钥内容' : 'Secret value').fill('example-password');
        await form.getByTestId('source-test').click();
        await form.getByTestId('check-report').waitFor({ timeout: 60_000 });
        await page.screenshot({ path: join(out, `source-form-${language}-${theme}.png`) });
        await page.keyboard.press('Escape');

        if (alertmanager !== null) {
          await page.getByTestId('nav-board').click();
          const alarm = page.locator('[data-testid="alarm-row"]', { hasText: 'DiskFilling' });
          await alarm.waitFor({ timeout: 60_000 });
          await alarm.getByTestId('alarm-incident').click();
          await page.getByTestId('alarm-silence').first().click();
          await page.getByTestId('silence-comment').fill(language === 'zh' ? '今晚更换磁盘，联系存储组' : 'Disk swap tonight, ask the storage team');
          await page.screenshot({ path: join(out, `silence-${language}-${theme}.png`) });
          await page.keyboard.press('Escape');

          await page.getByTestId('nav-sources').click();
          await page.locator('[data-testid="source-row"][data-source="am-dc1"]').getByTestId('source-silences').click();
          const silences = page.getByTestId('silences-dialog');
          await silences.getByTestId('silence-item').first().waitFor({ timeout: 60_000 });
          await silences.getByTestId('silences-show-expired').check();
          await page.screenshot({ path: join(out, `silences-${language}-${theme}.png`) });
        }
        await context.close();
        console.log(`saved sources ${language}/${theme}`);
      }
    }
  } finally {
    await browser.close();
    await hub.stop();
    await alertmanager?.stop();
  }
}

// The probe page: probes of a target served here (one steady, one slow and failing now
// and then, a TCP port) and one of a closed port, with the flaky one's chart open.
if (wanted('probes')) {
  const { createServer } = await import('node:http');
  let flakyServed = 0;
  const target = createServer((req, res) => {
    const flaky = req.url === '/flaky';
    if (flaky) flakyServed += 1;
    const delay = flaky ? 40 + ((flakyServed * 37) % 120) : 3;
    setTimeout(() => {
      res.writeHead(flaky && flakyServed % 6 === 0 ? 503 : 200, { Connection: 'close' });
      res.end('ok');
    }, delay);
  });
  await new Promise((done) => target.listen(0, '127.0.0.1', done));
  const base = `http://127.0.0.1:${target.address().port}`;
  const closed = await closedPort();
  const probe = (kind, name, fields) =>
    `[[${kind}]]\nname = "${name}"\n${fields}interval_secs = 1\ntimeout_secs = 1\n\n`;
  const config =
    probe('http_probe', 'portal', `url = "${base}/health"\n`) +
    probe('http_probe', 'pay-api', `url = "${base}/flaky"\n`) +
    probe('tcp_probe', 'db-port', `host = "127.0.0.1"\nport = ${target.address().port}\n`) +
    probe('http_probe', 'legacy-crm', `url = "http://127.0.0.1:${closed}/login"\n`);
  const hub = await startHub({ demo: false, config });
  const browser = await launchChromium();
  try {
    // Enough results for a chart with a few failures on it.
    await new Promise((done) => setTimeout(done, 40_000));
    for (const language of ['en', 'zh']) {
      for (const theme of ['dark', 'light']) {
        const context = await browser.newContext({ viewport: { width: 1600, height: 900 } });
        await context.addInitScript(
          ([l, t]) => {
            localStorage.setItem('noc.language', l);
            localStorage.setItem('noc.theme', t);
            localStorage.setItem('noc.operator', l === 'zh' ? '王伟' : 'Alex');
          },
          [language, theme],
        );
        const page = await context.newPage();
        await page.goto(`${hub.url}#/probes`);
        const row = page.locator('[data-testid="probe-row"][data-probe="pay-api"]');
        await row.waitFor({ timeout: 60_000 });
        await row.click();
        await page.locator('[data-testid="probe-chart"] canvas').waitFor({ timeout: 60_000 });
        await page.screenshot({ path: join(out, `probes-${language}-${theme}.png`) });
        await context.close();
        console.log(`saved probes ${language}/${theme}`);
      }
    }
  } finally {
    await browser.close();
    await hub.stop();
    await new Promise((done) => target.close(done));
  }
}

// The Notifications page: the workstation's settings with a mute running, and the
// hub's outbound channels (one delivering to a receiver served here, one to a closed
// port), each after a test. A hub without outbound channels yet shows that instead.
if (wanted('notify')) {
  const { createServer } = await import('node:http');
  const receiver = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('{"ok":true}');
    });
  });
  await new Promise((done) => receiver.listen(0, '127.0.0.1', done));
  const closed = await closedPort();
  const channels =
    `[[notify]]\nname = "noc-duty-webhook"\nkind = "webhook"\nurl = "http://127.0.0.1:${receiver.address().port}/hook"\n\n` +
    `[[notify]]\nname = "legacy-pager"\nkind = "webhook"\nurl = "http://127.0.0.1:${closed}/hook"\n`;
  const hub = await startHub({ demo: false, config: channels }).catch((error) => {
    console.log(`hub refused [[notify]] (${error.message.split('\n')[0]}); the page shows no channels`);
    return startHub({ demo: false, config: '' });
  });
  const browser = await launchChromium();
  try {
    const token = new URL(hub.url).searchParams.get('token');
    for (const name of ['noc-duty-webhook', 'legacy-pager']) {
      await fetch(`${hub.origin}/api/notify/channels/${name}/test`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', 'X-Noc-Operator': 'Alex' },
        body: '{}',
      }).catch(() => null);
    }
    for (const language of ['en', 'zh']) {
      for (const theme of ['dark', 'light']) {
        const context = await browser.newContext({ viewport: { width: 1600, height: 900 } });
        await context.grantPermissions(['notifications'], { origin: hub.origin });
        await context.addInitScript(
          ([l, t]) => {
            localStorage.setItem('noc.language', l);
            localStorage.setItem('noc.theme', t);
            localStorage.setItem('noc.operator', l === 'zh' ? '王伟' : 'Alex');
            if (localStorage.getItem('noc.notify') === null) {
              localStorage.setItem(
                'noc.notify',
                JSON.stringify({ threshold: 'major', repeatMinutes: 5, sound: true, volume: 0.7, mutedUntil: Date.now() + 3_600_000 }),
              );
            }
          },
          [language, theme],
        );
        const page = await context.newPage();
        await page.goto(`${hub.url}#/notify`);
        await page.getByTestId('notify-page').waitFor({ timeout: 60_000 });
        await page
          .locator('[data-testid="notify-channel"], [data-testid="notify-channels-empty"], [data-testid="notify-channels-failed"]')
          .first()
          .waitFor({ timeout: 60_000 });
        const test = page.locator('[data-testid="notify-channel"][data-channel="noc-duty-webhook"] [data-testid="notify-channel-test"]');
        if ((await test.count()) > 0) {
          await test.click();
          await page.getByTestId('notify-channel-result').first().waitFor({ timeout: 60_000 });
        }
        await page.screenshot({ path: join(out, `notify-${language}-${theme}.png`) });
        await context.close();
        console.log(`saved notify ${language}/${theme}`);
      }
    }
  } finally {
    await browser.close();
    await hub.stop();
    await new Promise((done) => receiver.close(done));
  }
}
