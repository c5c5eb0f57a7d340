// Topology benchmark: a generated estate of 5,000 nodes and 10,000 relations imported
// into a hub, then the topology screen in Chromium — first render, frames per second
// while the operator pans and zooms with the mouse, and how long a status change on
// 500 nodes takes to be applied to the canvas.
//
//   node bench-topology.mjs [--nodes 5000] [--relations 10000] [--runs 5] [--updates 6]
//
// NOC_SERVER_BIN picks the hub binary (a release build gives the figures worth quoting).
// Figures are printed as JSON at the end; bench/BENCHMARKS.md records them.
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { launchChromium } from './chromium.mjs';
import { firing, resolved, startWebhookHub } from './webhook.mjs';

const arg = (name, fallback) => {
  const at = process.argv.indexOf(`--${name}`);
  return at < 0 ? fallback : Number(process.argv[at + 1]);
};
const NODES = arg('nodes', 5_000);
const RELATIONS = arg('relations', 10_000);
const RUNS = arg('runs', 5);
const UPDATES = arg('updates', 6);
const TOUCHED = arg('touched', 500);
const MOVE_MS = 3_000;
const WAIT = 600_000;

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const round = (x) => Math.round(x * 10) / 10;

/**
 * An estate in the shape of a real one: sites hold racks, racks hold hosts and switches,
 * hosts run databases and middleware, services run on hosts and depend on the platform,
 * business systems depend on services; hosts are cabled to switches. Deterministic.
 */
export function estate(total, wanted) {
  const share = (fraction) => Math.max(1, Math.round(total * fraction));
  const counts = { site: share(0.008), rack: share(0.012), business_system: share(0.01), service: share(0.09), platform: share(0.1), network_device: share(0.06) };
  counts.host = total - Object.values(counts).reduce((a, b) => a + b, 0);
  const nodes = [];
  const ids = {};
  const add = (group, kind, layer, n) => {
    ids[group] = [];
    for (let i = 0; i < n; i++) {
      const id = `${group}-${String(i).padStart(4, '0')}`;
      ids[group].push(id);
      nodes.push({ id, name: `${group} ${i}`, kind: typeof kind === 'function' ? kind(i) : kind, layer });
    }
  };
  add('site', 'site', 'iaas', counts.site);
  add('rack', 'rack', 'iaas', counts.rack);
  add('bs', 'business_system', 'saas', counts.business_system);
  add('svc', 'service', 'saas', counts.service);
  add('pf', (i) => (i % 3 === 0 ? 'database' : 'middleware'), 'paas', counts.platform);
  add('sw', 'network_device', 'iaas', counts.network_device);
  add('host', 'host', 'iaas', counts.host);
  const pick = (group, i) => ids[group][i % ids[group].length];
  const relations = [];
  const seen = new Set();
  // The hub refuses a file naming one relation twice (a symmetric one either way round).
  const rel = (from, to, kind) => {
    const key = kind === 'connects_to' && to < from ? `${kind} ${to} ${from}` : `${kind} ${from} ${to}`;
    if (seen.has(key) || from === to) return;
    seen.add(key);
    relations.push({ from, to, kind });
  };
  ids.rack.forEach((r, i) => rel(r, pick('site', i), 'located_in'));
  ids.host.forEach((h, i) => rel(h, pick('rack', i), 'located_in'));
  ids.sw.forEach((s, i) => rel(s, pick('rack', i), 'located_in'));
  ids.svc.forEach((s, i) => rel(pick('bs', i), s, 'depends_on'));
  ids.svc.forEach((s, i) => rel(s, pick('pf', i * 7), 'depends_on'));
  ids.pf.forEach((p, i) => rel(p, pick('host', i * 3), 'runs_on'));
  ids.svc.forEach((s, i) => rel(s, pick('host', i * 5 + 1), 'runs_on'));
  ids.host.forEach((h, i) => rel(h, pick('sw', Math.floor(i / 6)), 'connects_to'));
  // Second uplinks and more dependencies until the wanted count: a dense estate.
  for (let i = 0; relations.length < wanted; i++) {
    if (i % 2 === 0) rel(pick('host', i * 11), pick('sw', i * 13 + Math.floor(i / 7)), 'connects_to');
    else rel(pick('svc', i * 3), pick('pf', i * 17 + Math.floor(i / 5)), 'depends_on');
  }
  return { nodes, relations: relations.slice(0, wanted) };
}

async function importEstate(hub, file) {
  const response = await fetch(`${hub.origin}/api/topology/import?name=bench-estate.json&format=json`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${hub.token}`, 'Content-Type': 'application/json', 'X-Noc-Operator': 'bench' },
    body: JSON.stringify(file),
  });
  if (!response.ok) throw new Error(`import: HTTP ${response.status} ${await response.text()}`);
  return response.json();
}

async function waitPlaced(hub, count) {
  const deadline = Date.now() + WAIT;
  for (;;) {
    const topology = await hub.api('GET', '/api/topology');
    const done = topology.nodes.filter((n) => n.positions?.layered !== undefined).length;
    if (topology.nodes.length >= count && done === topology.nodes.length) return topology;
    if (Date.now() > deadline) throw new Error(`only ${done} of ${topology.nodes.length} nodes placed`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

async function openScreen(browser, hub) {
  const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
  await context.addInitScript(() => {
    localStorage.setItem('noc.language', 'en');
    localStorage.setItem('noc.operator', 'bench');
    localStorage.setItem('noc.topologyProbe', '1');
  });
  const page = await context.newPage();
  await page.goto(`${hub.url}#/topology`);
  await page.locator('[data-testid="topology-canvas"][data-ready="1"]').waitFor({ timeout: WAIT });
  return { context, page };
}

/** Navigation start → the first frame with every element drawn, from the screen's own marks. */
async function firstRender(browser, hub) {
  const { context, page } = await openScreen(browser, hub);
  const marks = await page.evaluate(() => {
    const at = (name) => performance.getEntriesByName(name)[0]?.startTime ?? NaN;
    const rendered = at('topology:rendered');
    return {
      drawStart: at('topology:draw-start'),
      added: at('topology:elements-added'),
      rendered,
      drawn: window.__nocTopology.count(),
      // Whole-topology answers asked for before the first frame (the screen's and the board's
      // own, for node names): each is serialised by the hub and parsed by the page.
      topologyFetches: performance
        .getEntriesByType('resource')
        .filter((e) => new URL(e.name).pathname === '/api/topology' && e.startTime < rendered).length,
    };
  });
  await context.close();
  return marks;
}

/** Animation frames per second in the page while `act` runs. */
async function framesDuring(page, act) {
  await page.evaluate(() => {
    window.__frames = 0;
    window.__counting = true;
    const tick = () => {
      if (!window.__counting) return;
      window.__frames += 1;
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  const started = performance.now();
  await act();
  const seconds = (performance.now() - started) / 1000;
  const frames = await page.evaluate(() => {
    window.__counting = false;
    return window.__frames;
  });
  return frames / seconds;
}

/** The operator's mouse: drag the background around, then wheel in and out. */
async function panAndZoom(page) {
  const box = await page.getByTestId('topology-canvas').boundingBox();
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;
  // Start the drag on empty canvas, far from any node: a corner of the bands' margin.
  const start = { x: box.x + 8, y: box.y + 8 };
  const pan = await framesDuring(page, async () => {
    await page.mouse.move(start.x, start.y);
    await page.mouse.down();
    const until = performance.now() + MOVE_MS;
    for (let i = 0; performance.now() < until; i++) {
      const angle = i / 20;
      await page.mouse.move(start.x + 300 + 250 * Math.cos(angle), start.y + 250 + 200 * Math.sin(angle));
    }
    await page.mouse.up();
  });
  await page.mouse.move(cx, cy);
  const zoom = await framesDuring(page, async () => {
    const until = performance.now() + MOVE_MS;
    for (let i = 0; performance.now() < until; i++) await page.mouse.wheel(0, i % 40 < 20 ? -120 : 120);
  });
  return { pan, zoom };
}

/** Fires (or clears) alarms on `nodes`; answers the screen's status measures it caused. */
async function statusUpdate(page, hub, nodes, fire) {
  await page.evaluate(() => performance.clearMeasures('topology:status'));
  const alerts = nodes.map((n) => (fire ? firing(`bench/${n}`, n, `Down: ${n}`, 'critical') : resolved(`bench/${n}`, n, `Down: ${n}`)));
  const sent = Date.now();
  await hub.send(alerts, { chunk: alerts.length });
  const deadline = Date.now() + WAIT;
  for (;;) {
    const got = await page.evaluate(() =>
      performance.getEntriesByName('topology:status').map((m) => ({ duration: m.duration, changed: m.detail?.changed ?? 0 })),
    );
    const changed = got.reduce((sum, m) => sum + m.changed, 0);
    if (changed >= nodes.length) {
      return {
        applyMs: got.reduce((sum, m) => sum + m.duration, 0),
        batches: got.length,
        changed,
        endToEndMs: Date.now() - sent,
      };
    }
    if (Date.now() > deadline) throw new Error(`only ${changed} of ${nodes.length} nodes restyled`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function main() {
  const file = estate(NODES, RELATIONS);
  console.error(`estate: ${file.nodes.length} nodes, ${file.relations.length} relations`);
  const hub = await startWebhookHub();
  const browser = await launchChromium();
  try {
    const t0 = performance.now();
    await importEstate(hub, file);
    const topology = await waitPlaced(hub, file.nodes.length);
    console.error(`imported and placed in ${Math.round(performance.now() - t0)} ms`);

    const renders = [];
    for (let run = 0; run < RUNS; run++) renders.push(await firstRender(browser, hub));
    console.error('first render', renders);

    const { context, page } = await openScreen(browser, hub);
    const moves = [];
    for (let run = 0; run < 3; run++) moves.push(await panAndZoom(page));
    console.error('frames/s', moves);

    const hosts = topology.nodes.filter((n) => n.kind === 'host').map((n) => n.id);
    const updates = [];
    for (let run = 0; run < UPDATES; run++) {
      const nodes = hosts.slice((run * TOUCHED) % hosts.length).concat(hosts).slice(0, TOUCHED);
      updates.push({ kind: 'fire', ...(await statusUpdate(page, hub, nodes, true)) });
      updates.push({ kind: 'clear', ...(await statusUpdate(page, hub, nodes, false)) });
    }
    console.error('status updates', updates);
    await context.close();

    const figures = {
      estate: { nodes: file.nodes.length, relations: file.relations.length, drawn: renders[0].drawn },
      firstRenderMs: { median: round(median(renders.map((r) => r.rendered))), runs: renders.map((r) => round(r.rendered)) },
      drawMs: {
        median: round(median(renders.map((r) => r.rendered - r.drawStart))),
        addMedian: round(median(renders.map((r) => r.added - r.drawStart))),
        fetchedMedian: round(median(renders.map((r) => r.drawStart))),
        topologyFetchesBeforeFirstFrame: median(renders.map((r) => r.topologyFetches)),
      },
      panFps: { median: round(median(moves.map((m) => m.pan))), min: round(Math.min(...moves.map((m) => m.pan))) },
      zoomFps: { median: round(median(moves.map((m) => m.zoom))), min: round(Math.min(...moves.map((m) => m.zoom))) },
      status500: {
        applyMsMedian: round(median(updates.map((u) => u.applyMs))),
        applyMsMax: round(Math.max(...updates.map((u) => u.applyMs))),
        endToEndMsMedian: round(median(updates.map((u) => u.endToEndMs))),
        batchesMedian: median(updates.map((u) => u.batches)),
        runs: updates.length,
      },
    };
    console.log(JSON.stringify(figures, null, 2));
  } finally {
    await browser.close();
    await hub.stop();
  }
}

// Run as a script; imported (by the screenshots), it only lends its estate generator.
if (import.meta.url === pathToFileURL(process.argv[1]).href) await main();
