// Board benchmark: a hub holding 10,000 active alarms in about 2,000 incidents, and the
// board in Chromium — first paint with the full snapshot, scrolling both lists, and how
// long a change committed on the hub takes to show on screen.
//
//   node bench-board.mjs [--alarms 10000] [--per-incident 5] [--runs 5] [--changes 20]
//
// NOC_SERVER_BIN picks the hub binary (a release build gives the figures worth quoting).
// Figures are printed as JSON at the end; bench/BENCHMARKS.md records them.
import { performance } from 'node:perf_hooks';
import { launchChromium } from './chromium.mjs';
import { firing, startWebhookHub } from './webhook.mjs';

const arg = (name, fallback) => {
  const at = process.argv.indexOf(`--${name}`);
  return at < 0 ? fallback : Number(process.argv[at + 1]);
};
const ALARMS = arg('alarms', 10_000);
const PER_INCIDENT = arg('per-incident', 5);
const RUNS = arg('runs', 5);
const CHANGES = arg('changes', 20);
const WAIT = 600_000;

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
const round = (x) => Math.round(x * 10) / 10;

const SEVERITY = (node) => (node % 25 === 0 ? 'critical' : node % 5 === 0 ? 'major' : node % 3 === 0 ? 'minor' : 'warning');
const TITLES = ['Interface down', 'CPU above 90 %', 'Disk /var 95 % full', 'Process restarted', 'Latency p99 high', 'Packet loss'];

function storm() {
  const nodes = Math.ceil(ALARMS / PER_INCIDENT);
  const alerts = [];
  for (let n = 0; n < nodes && alerts.length < ALARMS; n++) {
    const node = `bench-${String(n).padStart(5, '0')}`;
    for (let j = 0; j < PER_INCIDENT && alerts.length < ALARMS; j++) {
      alerts.push(
        firing(`${node}/${j}`, node, `${TITLES[j % TITLES.length]} on ${node}`, SEVERITY(n), {
          text: `check ${j} of ${node}: threshold crossed`,
          labels: { site: `dc${n % 3}`, team: `team-${n % 7}` },
        }),
      );
    }
  }
  return alerts;
}

// Runs in the page before its own scripts: timestamps of the snapshot's arrival and of
// the first incident row on screen (the frame after it is in the DOM).
function instrument() {
  const marks = (window.__bench = { wsCreated: null, wsOpen: null, wsFirstMessage: null, wsBytes: 0, rowInDom: null, rowPainted: null });
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      marks.wsCreated ??= performance.now();
      this.addEventListener('open', () => (marks.wsOpen ??= performance.now()));
      this.addEventListener('message', (e) => {
        if (marks.wsFirstMessage === null) {
          marks.wsFirstMessage = performance.now();
          marks.wsBytes = typeof e.data === 'string' ? e.data.length : 0;
        }
      });
    }
  };
  const observer = new MutationObserver(() => {
    if (marks.rowInDom === null && document.querySelector('[data-testid="incident-row"]')) {
      marks.rowInDom = performance.now();
      requestAnimationFrame(() => {
        marks.rowPainted = performance.now();
        observer.disconnect();
      });
    }
  });
  observer.observe(document, { childList: true, subtree: true });
}

const hub = await startWebhookHub({ readyTimeoutMs: 120_000 });
const browser = await launchChromium();
const result = { alarms: ALARMS, perIncident: PER_INCIDENT, hubBinary: process.env.NOC_SERVER_BIN ?? 'target/debug/noc-server' };
try {
  // 1. The storm, through the hub's webhook like any sender's.
  const t0 = performance.now();
  await hub.send(storm());
  const state = await hub.until((s) => s.alarms.filter((a) => a.status === 'active').length >= ALARMS, {
    timeoutMs: WAIT,
    what: `${ALARMS} active alarms`,
  });
  result.ingestMs = Math.round(performance.now() - t0);
  result.incidents = state.incidents.length;
  // The hub's side of a first paint: building and sending the full state.
  const fetches = [];
  for (let i = 0; i < 3; i++) {
    const started = performance.now();
    const body = await fetch(`${hub.origin}/api/state`, { headers: { Authorization: `Bearer ${hub.token}` } });
    result.snapshotBytes = (await body.arrayBuffer()).byteLength;
    fetches.push(performance.now() - started);
  }
  result.stateFetchMedianMs = round(median(fetches));
  console.log(`hub holds ${ALARMS} alarms in ${result.incidents} incidents (ingest ${result.ingestMs} ms, snapshot ${result.snapshotBytes} bytes, GET /api/state ${result.stateFetchMedianMs} ms)`);

  // 2. First paint: navigation start → first incident row painted, fresh context each run.
  const paints = [];
  for (let run = 0; run < RUNS; run++) {
    const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
    await context.addInitScript(() => {
      localStorage.setItem('noc.language', 'en');
      localStorage.setItem('noc.operator', 'Bench');
    });
    await context.addInitScript(instrument);
    const page = await context.newPage();
    await page.goto(hub.url);
    await page.waitForFunction(() => window.__bench?.rowPainted !== null, undefined, { timeout: WAIT, polling: 50 });
    const marks = await page.evaluate(() => window.__bench);
    paints.push(marks);
    console.log(`run ${run + 1}: stream opened at ${round(marks.wsCreated)} ms (connected ${round(marks.wsOpen)} ms), snapshot message at ${round(marks.wsFirstMessage)} ms (${marks.wsBytes} chars), row in DOM ${round(marks.rowInDom)} ms, painted ${round(marks.rowPainted)} ms`);
    if (run < RUNS - 1) await context.close();
    else result.page = { context, page };
  }
  result.firstPaintMs = {
    median: round(median(paints.map((m) => m.rowPainted))),
    min: round(Math.min(...paints.map((m) => m.rowPainted))),
    max: round(Math.max(...paints.map((m) => m.rowPainted))),
    streamCreatedMedian: round(median(paints.map((m) => m.wsCreated))),
    snapshotArrivedMedian: round(median(paints.map((m) => m.wsFirstMessage))),
    snapshotToPaintMedian: round(median(paints.map((m) => m.rowPainted - m.wsFirstMessage))),
  };
  const { context, page } = result.page;
  delete result.page;
  await page.waitForFunction((n) => Number(document.querySelector('[data-testid="alarm-count"]')?.dataset.total) >= n, ALARMS, {
    timeout: WAIT,
  });

  // 3. Scrolling: each list scrolled by a fixed step per frame, frame times from rAF:
  // "wheel" moves 100 px a frame (a fast wheel), "fling" half the list's height a frame.
  const scroll = async (selector, step) =>
    page.evaluate(
      async ([sel, by]) => {
        const list = document.querySelector(`${sel} [role="list"]`);
        const px = by === 'fling' ? list.clientHeight / 2 : 100;
        const frames = [];
        list.scrollTop = 0;
        let last = await new Promise((resolve) => requestAnimationFrame(resolve));
        for (let i = 0; i < 240; i++) {
          list.scrollTop = (list.scrollTop + px) % (list.scrollHeight - list.clientHeight);
          const now = await new Promise((resolve) => requestAnimationFrame(resolve));
          frames.push(now - last);
          last = now;
        }
        return frames;
      },
      [selector, step],
    );
  for (const [name, selector] of [
    ['incidents', '[data-testid="incident-list"]'],
    ['alarms', '[data-testid="alarm-list"]'],
  ]) {
    for (const step of ['wheel', 'fling']) {
      const frames = await scroll(selector, step);
      const key = `scroll_${name}_${step}`;
      result[key] = {
        frames: frames.length,
        avgMs: round(frames.reduce((a, b) => a + b, 0) / frames.length),
        p95Ms: round(pct(frames, 95)),
        maxMs: round(Math.max(...frames)),
      };
      console.log(`scroll ${name} (${step}):`, result[key]);
    }
  }

  // 4. A change committed on the hub → the row changing on screen. The page itself sends
  // the acknowledgement (one clock), and a MutationObserver stamps the row's owner changing.
  await page.evaluate(() => {
    document.querySelector('[data-testid="incident-list"] [role="list"]').scrollTop = 0;
  });
  await page.waitForTimeout(500);
  const acks = [];
  for (let i = 0; i < CHANGES; i++) {
    const sample = await page.evaluate(async (index) => {
      const rows = [...document.querySelectorAll('[data-testid="incident-row"][data-owner=""]')];
      const row = rows[index % Math.max(1, Math.min(rows.length, 12))];
      if (!row) return null;
      const id = row.dataset.incidentId;
      const token = sessionStorage.getItem('noc.token');
      const changed = new Promise((resolve) => {
        const observer = new MutationObserver(() => {
          const now = document.querySelector(`[data-testid="incident-row"][data-incident-id="${id}"]`);
          if (now && now.dataset.owner !== '') {
            observer.disconnect();
            resolve(performance.now());
          }
        });
        observer.observe(document.querySelector('[data-testid="incident-list"]'), { attributes: true, subtree: true, childList: true });
      });
      const sent = performance.now();
      const response = await fetch(`/api/incidents/${id}/acknowledge`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'X-Noc-Operator': 'Bench' },
      });
      const answered = performance.now();
      if (!response.ok) return { error: response.status };
      const shown = await changed;
      return { sentToShown: shown - sent, answeredToShown: shown - answered };
    }, i);
    if (sample === null || sample.error) throw new Error(`acknowledge sample ${i} failed: ${JSON.stringify(sample)}`);
    acks.push(sample);
  }
  result.ackToScreenMs = {
    samples: acks.length,
    median: round(median(acks.map((a) => a.sentToShown))),
    p95: round(pct(acks.map((a) => a.sentToShown), 95)),
    max: round(Math.max(...acks.map((a) => a.sentToShown))),
    afterHubAnsweredMedian: round(median(acks.map((a) => Math.max(0, a.answeredToShown)))),
  };
  console.log('acknowledge → row shows the owner:', result.ackToScreenMs);

  // 5. A new alarm (through the webhook, sent from the page) → its incident's row on screen.
  const secret = process.env.NOC_E2E_HOOK_SECRET;
  const news = [];
  for (let i = 0; i < CHANGES; i++) {
    const sample = await page.evaluate(
      async ([n, hookSecret]) => {
        const title = `Bench new alarm ${n} ${Math.random().toString(36).slice(2)}`;
        const shown = new Promise((resolve) => {
          const observer = new MutationObserver(() => {
            for (const row of document.querySelectorAll('[data-testid="incident-row"]')) {
              if (row.textContent.includes(title)) {
                observer.disconnect();
                resolve(performance.now());
                return;
              }
            }
          });
          observer.observe(document.querySelector('[data-testid="incident-list"]'), { childList: true, subtree: true, characterData: true });
        });
        const sent = performance.now();
        const response = await fetch('/hooks/e2e', {
          method: 'POST',
          headers: { Authorization: `Bearer ${hookSecret}`, 'Content-Type': 'application/json' },
          body: JSON.stringify({ alerts: [{ key: `new/${n}/${title}`, status: 'firing', severity: 'critical', node: `new-${n}-${Date.now()}`, title }] }),
        });
        if (response.status !== 202) return { error: response.status };
        return { sentToShown: (await shown) - sent };
      },
      [i, secret],
    );
    if (sample.error) throw new Error(`new alarm sample ${i} failed: ${sample.error}`);
    news.push(sample.sentToShown);
  }
  result.newAlarmToScreenMs = {
    samples: news.length,
    median: round(median(news)),
    p95: round(pct(news, 95)),
    max: round(Math.max(...news)),
  };
  console.log('new alarm → its incident row on screen:', result.newAlarmToScreenMs);
  await context.close();
} finally {
  await browser.close();
  await hub.stop();
}
console.log(JSON.stringify(result, null, 2));
