// Screenshots of the board's list side, written to tests/artifacts/: clocks in every
// state, owners, follow-up flags, alarm markers, a filter, the bulk bar with outcomes,
// the help overlay and the unseen queue, in en/zh and dark/light; then a board holding
// 10,000 alarms.   node screenshots-board.mjs [--no-10k]
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { launchChromium } from './chromium.mjs';
import { firing, resolved, startWebhookHub } from './webhook.mjs';

const out = resolve(import.meta.dirname, '..', 'artifacts');
await mkdir(out, { recursive: true });
const sleep = (ms) => new Promise((done) => setTimeout(done, ms));

// One-minute targets and deadline so that a minute of waiting shows every clock state.
const DUTY = '\n[duty]\ndetect_mins = 1\nidentify_mins = 2\nrecover_mins = 3\nupdate_every_mins = 1\n\n[duty.flapping]\nchanges = 3\nwindow_mins = 10\n';

async function scene() {
  const hub = await startWebhookHub({ extraConfig: DUTY });
  const id = async (title) => {
    const state = await hub.until((s) => s.incidents.some((i) => i.title.includes(title)), { what: title });
    return state.incidents.find((i) => i.title.includes(title)).id;
  };
  const now = Date.now();
  await hub.api('POST', '/api/maintenance', {
    title: 'Storage firmware upgrade',
    starts_at: now - 60_000,
    ends_at: now + 3_600_000,
    recurrence: 'once',
    nodes: ['nas-07'],
  });
  // Wave 1: old enough by the screenshot for missed and met clocks.
  await hub.send([
    firing('core-sw1/bgp', 'core-sw1', 'BGP session to ISP-A down', 'critical', { text: 'peer 203.0.113.1 idle' }),
    firing('core-sw1/te', 'core-sw1', 'Interface te-1/1 down', 'critical'),
    firing('db-orders/repl', 'db-orders', 'MySQL replication lag 340 s', 'major'),
    firing('db-orders/conn', 'db-orders', 'Connections 95 % of max', 'major'),
    firing('pay-api/5xx', 'pay-api', 'HTTP 5xx rate 12 %', 'critical'),
    firing('cache-3/mem', 'cache-3', 'Redis memory 92 %', 'minor'),
    firing('nas-07/raid', 'nas-07', 'RAID rebuild running', 'warning'),
    firing('vpn-2/tunnel', 'vpn-2', 'IPsec tunnel to DC2 flapping', 'major'),
    firing('k8s-node-4/disk', 'k8s-node-4', 'Disk pressure', 'warning'),
    firing('mq-1/lag', 'mq-1', 'Consumer lag 48,000', 'minor'),
  ]);
  // A flapping alarm: firing and clearing three times.
  for (let n = 0; n < 3; n++) {
    await hub.send([resolved('vpn-2/tunnel', 'vpn-2', 'IPsec tunnel to DC2 flapping')]);
    await sleep(300);
    await hub.send([firing('vpn-2/tunnel', 'vpn-2', 'IPsec tunnel to DC2 flapping', 'major')]);
    await sleep(300);
  }
  // Cleared before anyone looked: the unseen queue.
  await hub.send([firing('ntp-1/drift', 'ntp-1', 'Clock drift 800 ms', 'minor'), firing('ntp-1/stratum', 'ntp-1', 'Stratum 16', 'minor')]);
  await sleep(500);
  await hub.send([resolved('ntp-1/drift', 'ntp-1', 'Clock drift 800 ms'), resolved('ntp-1/stratum', 'ntp-1', 'Stratum 16')]);

  const bgp = await id('BGP session');
  const mysql = await id('MySQL replication');
  const redis = await id('Redis memory');
  const pay = await id('HTTP 5xx');
  await hub.api('POST', `/api/incidents/${bgp}/acknowledge`, undefined, 'Alex');
  await hub.api('POST', `/api/incidents/${bgp}/identify`, { cause: 'ISP-A maintenance not announced', layer: 'iaas', root_node: null }, 'Alex');
  await hub.api('POST', `/api/incidents/${mysql}/acknowledge`, undefined, '王伟');
  await hub.api('POST', `/api/incidents/${redis}/acknowledge`, undefined, 'Alex');
  await hub.api('POST', `/api/incidents/${redis}/mitigate`, { note: 'evicted the session cache' }, 'Alex');
  await hub.api('POST', `/api/incidents/${pay}/escalate`, { reason: 'customer-facing payments failing' }, '王伟');

  // Wave 2: amber by the screenshot (50 s into a 60 s target).
  await sleep(12_000);
  await hub.send([
    firing('lb-2/pool', 'lb-2', 'Pool web-blue: 2 of 6 members down', 'major'),
    firing('dns-1/fail', 'dns-1', 'Resolver not answering', 'critical'),
  ]);
  await sleep(50_000);
  return hub;
}

async function shoot(browser, hub, language, theme) {
  const context = await browser.newContext({ viewport: { width: 1600, height: 900 } });
  await context.addInitScript(
    ([l, t]) => {
      localStorage.setItem('noc.language', l);
      localStorage.setItem('noc.theme', t);
      localStorage.setItem('noc.operator', l === 'zh' ? '王伟' : 'Alex');
      localStorage.setItem('noc.board.views', JSON.stringify([{ name: l === 'zh' ? '夜班' : 'Night shift', query: 'sev=critical,major' }]));
    },
    [language, theme],
  );
  const page = await context.newPage();
  await page.goto(`${hub.url}#/board?sev=critical,major,minor,warning`);
  await page.locator('[data-testid="incident-row"]').nth(5).waitFor({ timeout: 60_000 });
  await page.locator('[data-clock]').first().waitFor({ timeout: 60_000 });
  await page.keyboard.press('j');
  await page.keyboard.press('j');
  await page.keyboard.press('x');
  await page.keyboard.press('j');
  await page.keyboard.press('x');
  await page.keyboard.press('j');
  await page.getByTestId('bulk-escalate').click();
  await page.getByTestId('bulk-reason').fill(language === 'zh' ? '影响支付，需要网络组支援' : 'payments affected, network team needed');
  await page.screenshot({ path: join(out, `board-list-${language}-${theme}.png`) });
  await page.getByTestId('bulk-escalate-confirm').click();
  await page.getByTestId('bulk-outcome').waitFor({ timeout: 30_000 });
  await page.keyboard.press('?');
  await page.getByTestId('help-overlay').waitFor();
  await page.screenshot({ path: join(out, `board-help-${language}-${theme}.png`) });
  await page.keyboard.press('Escape');
  await page.getByTestId('bulk-dismiss').click();
  await page.getByTestId('unseen-badge').click();
  await page.locator('[data-testid="alarm-list"][data-view="unseen"] [data-testid="alarm-row"]').first().waitFor({ timeout: 30_000 });
  await page.getByTestId('filter-suppressed').check();
  await page.screenshot({ path: join(out, `board-unseen-${language}-${theme}.png`) });
  await context.close();
  console.log(`saved board list ${language}/${theme}`);
}

const browser = await launchChromium();
try {
  const hub = await scene();
  try {
    for (const language of ['en', 'zh']) for (const theme of ['dark', 'light']) await shoot(browser, hub, language, theme);
  } finally {
    await hub.stop();
  }

  if (!process.argv.includes('--no-10k')) {
    const big = await startWebhookHub();
    try {
      const alerts = [];
      const severities = ['critical', 'major', 'major', 'minor', 'minor', 'warning', 'warning', 'warning'];
      for (let n = 0; n < 2_000; n++) {
        const node = `host-${String(n).padStart(4, '0')}`;
        for (let j = 0; j < 5; j++) alerts.push(firing(`${node}/${j}`, node, `Check ${j} failing`, severities[(n + j) % 8]));
      }
      await big.send(alerts);
      await big.until((s) => s.alarms.length >= 10_000, { timeoutMs: 600_000, what: '10,000 alarms' });
      for (const theme of ['dark', 'light']) {
        const context = await browser.newContext({ viewport: { width: 1600, height: 900 } });
        await context.addInitScript((t) => {
          localStorage.setItem('noc.language', 'en');
          localStorage.setItem('noc.theme', t);
          localStorage.setItem('noc.operator', 'Alex');
        }, theme);
        const page = await context.newPage();
        await page.goto(big.url);
        await page.locator('[data-testid="alarm-count"][data-total="10000"]').waitFor({ timeout: 120_000 });
        await page.locator('[data-testid="incident-list"] [role="list"]').evaluate((list) => (list.scrollTop = 30_000));
        await page.waitForTimeout(500);
        await page.screenshot({ path: join(out, `board-10k-en-${theme}.png`) });
        await context.close();
      }
      console.log('saved board 10k');
    } finally {
      await big.stop();
    }
  }
} finally {
  await browser.close();
}
