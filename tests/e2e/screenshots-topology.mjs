// Screenshots of the topology screen, written to tests/artifacts/: the demo estate on both
// views with its live status, an incident's blast radius, a folded site, in en/zh and
// dark/light; then the generated estate of 5,000 nodes and 10,000 relations.
//   node screenshots-topology.mjs [--no-5k]
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { launchChromium } from './chromium.mjs';
import { startHub } from './hub.mjs';
import { firing, startWebhookHub } from './webhook.mjs';
import { estate } from './bench-topology.mjs';

const out = resolve(import.meta.dirname, '..', 'artifacts');
await mkdir(out, { recursive: true });
const sleep = (ms) => new Promise((done) => setTimeout(done, ms));

async function open(browser, hub, hash, { language, theme }) {
  const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
  await context.addInitScript(
    ([code, look]) => {
      localStorage.setItem('noc.language', code);
      localStorage.setItem('noc.theme', look);
      localStorage.setItem('noc.operator', 'Duty Li');
      localStorage.setItem('noc.topologyProbe', '1');
    },
    [language, theme],
  );
  const page = await context.newPage();
  await page.goto(`${hub.url}#/topology${hash}`);
  await page.locator('[data-testid="topology-canvas"][data-ready="1"]').waitFor({ timeout: 300_000 });
  return { context, page };
}

async function shoot(page, name) {
  // Cytoscape sharpens its textures a moment after the view settles.
  await sleep(800);
  await page.screenshot({ path: resolve(out, `${name}.png`) });
  console.log(`wrote ${name}.png`);
}

async function waitPlaced(hub, api) {
  for (let tries = 0; tries < 600; tries++) {
    const topology = await api('GET', '/api/topology');
    if (topology.nodes.length > 0 && topology.nodes.every((n) => n.positions?.layered !== undefined)) return topology;
    await sleep(500);
  }
  throw new Error('the hub did not place the topology');
}

async function demo(browser) {
  const hub = await startHub({ demo: true });
  const token = new URL(hub.url).searchParams.get('token');
  const api = async (method, path) => {
    const response = await fetch(`${hub.origin}${path}`, { method, headers: { Authorization: `Bearer ${token}` } });
    if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
    return response.json();
  };
  try {
    const topology = await waitPlaced(hub, api);
    // Let the simulator raise a few incidents first.
    let incident = null;
    for (let tries = 0; tries < 120 && incident === null; tries++) {
      const state = await api('GET', '/api/state');
      incident = state.incidents.find((i) => i.root_node !== null && i.status === 'open') ?? null;
      if (incident === null) await sleep(500);
    }
    const site = topology.nodes.find((n) => n.kind === 'site');
    for (const language of ['en', 'zh']) {
      for (const theme of ['dark', 'light']) {
        const look = { language, theme };
        let { context, page } = await open(browser, hub, '', look);
        await shoot(page, `topology-demo-layered-${language}-${theme}`);
        await page.getByTestId('topology-view-network').click();
        await shoot(page, `topology-demo-network-${language}-${theme}`);
        if (site !== undefined && language === 'en') {
          await page.getByTestId('topology-search').fill(site.id);
          await page.keyboard.press('Enter');
          await page.getByTestId('topology-fold').click();
          await shoot(page, `topology-demo-folded-${language}-${theme}`);
        }
        await context.close();
        if (incident !== null) {
          ({ context, page } = await open(browser, hub, `?incident=${incident.id}`, look));
          await page.locator(`[data-testid="topology-canvas"][data-selected]:not([data-selected=""])`).waitFor();
          await shoot(page, `topology-demo-incident-${language}-${theme}`);
          await context.close();
        }
      }
    }
  } finally {
    await hub.stop();
  }
}

async function large(browser) {
  const hub = await startWebhookHub();
  try {
    const file = estate(5_000, 10_000);
    const response = await fetch(`${hub.origin}/api/topology/import?name=estate-5k.json&format=json`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${hub.token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(file),
    });
    if (!response.ok) throw new Error(`import: HTTP ${response.status} ${await response.text()}`);
    await waitPlaced(hub, hub.api);
    const hosts = file.nodes.filter((n) => n.kind === 'host').slice(0, 500);
    await hub.send(hosts.map((n, i) => firing(`shot/${n.id}`, n.id, `Down: ${n.id}`, i % 3 === 0 ? 'critical' : 'major')), { chunk: 500 });
    await hub.until((s) => s.alarms.length >= 500, { what: 'the alarms' });
    for (const theme of ['dark', 'light']) {
      const { context, page } = await open(browser, hub, '', { language: 'en', theme });
      await shoot(page, `topology-5k-layered-${theme}`);
      await page.getByTestId('topology-search').fill(hosts[0].id);
      await page.keyboard.press('Enter');
      await shoot(page, `topology-5k-zoomed-${theme}`);
      await page.getByTestId('topology-view-network').click();
      await page.getByTestId('topology-fit').click();
      await shoot(page, `topology-5k-network-${theme}`);
      await context.close();
    }
  } finally {
    await hub.stop();
  }
}

const browser = await launchChromium();
try {
  await demo(browser);
  if (!process.argv.includes('--no-5k')) await large(browser);
} finally {
  await browser.close();
}
