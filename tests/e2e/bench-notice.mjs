// Status notice timings on the demo hub: how long the hub takes to draft a notice for
// an open incident (timeline, topology impact, policy) and to render a preview in both
// languages, each over HTTP on loopback, requests one after another.
//
//   node bench-notice.mjs [--requests 200]
//
// NOC_SERVER_BIN picks the hub binary. Figures are printed as JSON at the end;
// bench/BENCHMARKS.md records them.
import { performance } from 'node:perf_hooks';
import { startHub } from './hub.mjs';

const at = process.argv.indexOf('--requests');
const REQUESTS = at < 0 ? 200 : Number(process.argv[at + 1]);
const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};

const hub = await startHub({ demo: true, demoSpeed: 20 });
try {
  const token = new URL(hub.url).searchParams.get('token');
  const call = async (path, body) => {
    const response = await fetch(`${hub.origin}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${path}: HTTP ${response.status} ${await response.text()}`);
    return response.json();
  };
  let incident;
  while (incident === undefined) {
    const state = await call('/api/state');
    incident = state.incidents.find((i) => !['resolved', 'reviewed', 'merged'].includes(i.status));
    if (incident === undefined) await new Promise((done) => setTimeout(done, 500));
  }
  const timed = async (request) => {
    const ms = [];
    for (let i = 0; i < REQUESTS; i++) {
      const start = performance.now();
      await request();
      ms.push(performance.now() - start);
    }
    return { median_ms: +pct(ms, 50).toFixed(2), p95_ms: +pct(ms, 95).toFixed(2) };
  };
  const draftPath = `/api/incidents/${incident.id}/notices/draft`;
  const draft = await call(draftPath, { utc_offset_minutes: 480 });
  const figures = {
    requests: REQUESTS,
    draft: await timed(() => call(draftPath, { utc_offset_minutes: 480 })),
    preview: await timed(() => call(`/api/incidents/${incident.id}/notices/preview`, draft)),
  };
  console.log(JSON.stringify(figures, null, 2));
} finally {
  await hub.stop();
}
