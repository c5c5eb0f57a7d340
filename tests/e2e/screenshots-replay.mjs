// The live replay of a real microwave network (Huawei PCIC 2021 data set) on the
// topology's network view, written to docs/screenshots/ for the README.
//   NOC_PCIC_DIR=<folder with Alarm.csv and topology_edges.csv> node screenshots-replay.mjs
// Each data set is played at 600 log seconds per second, so the first screenshot shows
// the alarms of the log's first minutes of replay on the 400-odd devices.
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { launchChromium } from './chromium.mjs';
import { startHub } from './hub.mjs';

const sets = (process.env.NOC_PCIC_DIR ?? '').split(':').filter(Boolean);
if (sets.length === 0) {
  console.error('set NOC_PCIC_DIR to a data set folder (several separated by ":")');
  process.exit(2);
}
const out = resolve(import.meta.dirname, '..', '..', 'docs', 'screenshots');
await mkdir(out, { recursive: true });
const sleep = (ms) => new Promise((done) => setTimeout(done, ms));

function replayConfig(folder) {
  const alarms = join(folder, 'Alarm.csv');
  const topology = join(folder, 'topology_edges.csv');
  for (const file of [alarms, topology]) {
    if (!existsSync(file)) throw new Error(`${file} is missing`);
  }
  const name = `pcic-${basename(folder).split('_')[0].toLowerCase()}`;
  return {
    name,
    config: `[[replay]]\nname = "${name}"\nalarms = ${JSON.stringify(alarms)}\ntopology = ${JSON.stringify(topology)}\nspeed = 600\ntransient_secs = 600\n`,
  };
}

async function placed(hub, token) {
  for (let tries = 0; tries < 240; tries++) {
    const response = await fetch(`${hub.origin}/api/topology`, { headers: { Authorization: `Bearer ${token}` } });
    const topology = await response.json();
    if (topology.nodes.length > 0 && topology.nodes.every((n) => n.positions?.network !== undefined)) return topology;
    await sleep(500);
  }
  throw new Error('the hub did not place the replayed topology');
}

async function shoot(browser, folder, language, theme) {
  const { name, config } = replayConfig(folder);
  const hub = await startHub({ demo: false, config });
  const token = new URL(hub.url).searchParams.get('token');
  try {
    const topology = await placed(hub, token);
    const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
    await context.addInitScript(
      ([code, look]) => {
        localStorage.setItem('noc.language', code);
        localStorage.setItem('noc.theme', look);
        localStorage.setItem('noc.operator', 'Duty Li');
      },
      [language, theme],
    );
    const page = await context.newPage();
    await page.goto(`${hub.url}#/topology?view=network`);
    await page.locator('[data-testid="topology-canvas"][data-ready="1"]').waitFor({ timeout: 120_000 });
    // Let the replay raise a few minutes' worth of the log's alarms.
    await sleep(15_000);
    const file = resolve(out, `topology-replay-${name}-${language}-${theme}.png`);
    await page.screenshot({ path: file });
    console.log(`wrote ${file} (${topology.nodes.length} nodes, ${topology.relations.length} links)`);
    // Closer, where the names and alarm marks are legible.
    const zoomIn = page.locator('button[aria-label]').filter({ hasText: '+' }).first();
    for (let step = 0; step < 5; step++) await zoomIn.click();
    await sleep(1_500);
    const closer = file.replace(/\.png$/, '-zoomed.png');
    await page.screenshot({ path: closer });
    console.log(`wrote ${closer}`);
    await context.close();
  } finally {
    await hub.stop();
  }
}

const browser = await launchChromium();
try {
  for (const folder of sets) {
    await shoot(browser, folder, 'en', 'dark');
  }
  await shoot(browser, sets[0], 'zh', 'light');
} finally {
  await browser.close();
}
