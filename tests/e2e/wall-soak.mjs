// Wall soak: the wall runs against the demo at high speed (a simulated day in minutes)
// with its panels rotating, and the JS heap and DOM are sampled every 30 s after a
// forced garbage collection. A heap that grows steadily fails the run: a wall must run
// for days, where kiosk walls of other tools are reported to give out after hours.
//
//   node wall-soak.mjs [--minutes 10] [--demo-speed 200] [--rotate 5] [--every 30]
//                      [--warmup 2] [--max-slope-kib 64]
//
// The first `--warmup` minutes are sampled but left out of the slopes: the wall's data
// arrives and its code is compiled then, which is growth that stops.
import { parseArgs } from 'node:util';
import { startHub } from './hub.mjs';
import { launchChromium } from './chromium.mjs';

const { values: args } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    'demo-speed': { type: 'string', default: '200' },
    rotate: { type: 'string', default: '5' },
    every: { type: 'string', default: '30' },
    warmup: { type: 'string', default: '2' },
    'max-slope-kib': { type: 'string', default: '64' },
  },
});
const minutes = Number(args.minutes);
const everyMs = Number(args.every) * 1000;
const maxSlope = Number(args['max-slope-kib']) * 1024;

/** Least-squares slope of `y` over `x`. */
function slope(points) {
  const n = points.length;
  if (n < 2) return 0;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  const sxy = points.reduce((s, p) => s + (p.x - mx) * (p.y - my), 0);
  const sxx = points.reduce((s, p) => s + (p.x - mx) ** 2, 0);
  return sxx === 0 ? 0 : sxy / sxx;
}

const kib = (bytes) => `${(bytes / 1024).toFixed(0)} KiB`;
const mib = (bytes) => `${(bytes / 1024 / 1024).toFixed(2)} MiB`;

const hub = await startHub({ demoSpeed: Number(args['demo-speed']) });
const token = new URL(hub.url).searchParams.get('token');
const browser = await launchChromium();
let failed = false;
try {
  const context = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(`${hub.origin}/wall?token=${token}&rotate=${args.rotate}`);
  await page.getByTestId('wall').and(page.locator('[data-connection="live"]')).waitFor({ timeout: 120_000 });
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable');

  // What the hub holds (the wall mirrors it): growth there is data, not a leak.
  const hubState = async () => {
    const response = await fetch(`${hub.origin}/api/state`, { headers: { Authorization: `Bearer ${token}` } });
    const snapshot = await response.json();
    return { seq: snapshot.seq, alarms: snapshot.alarms.length, incidents: snapshot.incidents.length };
  };

  const samples = [];
  const started = Date.now();
  const sample = async () => {
    await cdp.send('HeapProfiler.collectGarbage');
    const { metrics } = await cdp.send('Performance.getMetrics');
    const metric = (name) => metrics.find((m) => m.name === name)?.value ?? 0;
    const elements = await page.evaluate(() => document.getElementsByTagName('*').length);
    const panel = await page.getByTestId('wall-panel').getAttribute('data-panel');
    const connection = await page.getByTestId('wall').getAttribute('data-connection');
    const held = await hubState();
    const s = {
      ...held,
      minute: (Date.now() - started) / 60_000,
      heap: metric('JSHeapUsedSize'),
      nodes: metric('Nodes'),
      listeners: metric('JSEventListeners'),
      elements,
      panel,
      connection,
    };
    samples.push(s);
    console.log(
      `${s.minute.toFixed(1).padStart(5)} min  heap ${mib(s.heap)}  nodes ${s.nodes}  elements ${s.elements}  listeners ${s.listeners}  ` +
        `hub: seq ${s.seq}, ${s.alarms} alarms, ${s.incidents} incidents  ${s.panel}  ${s.connection}`,
    );
  };
  await sample();
  while (Date.now() - started < minutes * 60_000) {
    await page.waitForTimeout(everyMs);
    await sample();
  }

  const settled = samples.filter((s) => s.minute >= Number(args.warmup));
  const points = (settled.length >= 2 ? settled : samples).map((s) => ({ x: s.minute, y: s.heap }));
  const whole = slope(points);
  const lastHalf = slope(points.slice(Math.floor(points.length / 2)));
  const nodeSlope = slope((settled.length >= 2 ? settled : samples).map((s) => ({ x: s.minute, y: s.nodes })));
  const first = samples[0];
  const last = samples[samples.length - 1];
  // What a wall's poll of today's numbers costs the hub: folded once, then from its cache.
  const statsMs = async (since) => {
    const t0 = performance.now();
    const response = await fetch(`${hub.origin}/api/stats?since=${since}`, { headers: { Authorization: `Bearer ${token}` } });
    await response.json();
    return performance.now() - t0;
  };
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const midnight = new Date();
  midnight.setHours(0, 0, 0, 0);
  const warm = [];
  for (let i = 0; i < 20; i++) warm.push(await statsMs(midnight.getTime()));
  // Other range starts, not cached: each folds the whole log again.
  const cold = [];
  for (let i = 1; i <= 3; i++) cold.push(await statsMs(midnight.getTime() - i));

  console.log('');
  console.log(`GET /api/stats  cached ${median(warm).toFixed(1)} ms median; uncached (the whole log folded) ${median(cold).toFixed(0)} ms median`);
  console.log(`duration        ${last.minute.toFixed(1)} min at demo speed ${args['demo-speed']}, rotating every ${args.rotate} s`);
  console.log(`hub            seq ${first.seq} → ${last.seq}; alarms ${first.alarms} → ${last.alarms}; incidents ${first.incidents} → ${last.incidents}`);
  const heaps = samples.map((s) => s.heap);
  console.log(`heap            ${mib(first.heap)} → ${mib(last.heap)} (min ${mib(Math.min(...heaps))}, max ${mib(Math.max(...heaps))})`);
  console.log(
    `heap slope      ${kib(whole)}/min after the ${args.warmup}-minute warm-up, ${kib(lastHalf)}/min over the second half of that (limit ${kib(maxSlope)}/min)`,
  );
  console.log(`DOM nodes       ${first.nodes} → ${last.nodes} (slope ${nodeSlope.toFixed(1)}/min); elements ${first.elements} → ${last.elements}`);
  console.log(`page errors     ${errors.length}${errors.length > 0 ? `: ${errors.slice(0, 3).join(' | ')}` : ''}`);
  // Steady growth: the heap climbs over the whole run and still over its second half.
  if (whole > maxSlope && lastHalf > maxSlope) {
    console.log('FAIL: the wall heap grows steadily');
    failed = true;
  }
  if (errors.length > 0) {
    console.log('FAIL: the page threw');
    failed = true;
  }
  await context.close();
} finally {
  await browser.close();
  await hub.stop();
}
process.exit(failed ? 1 : 0);
