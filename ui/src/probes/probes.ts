import type { HistoryPoint, ProbeHistory, ProbeView, Uptime } from '../lib/backend';

/** What the status dot of a probe shows. */
export type ProbeStatus = 'ok' | 'failing' | 'unknown' | 'disabled';

/** Failing as soon as one vantage's newest result failed: one resolver down is news. */
export function probeStatus(view: ProbeView): ProbeStatus {
  if (!view.enabled) return 'disabled';
  if (view.latest.length === 0) return 'unknown';
  return view.latest.some((r) => !r.ok) ? 'failing' : 'ok';
}

/** The slowest vantage's newest total time, in ms. */
export function lastLatency(view: ProbeView): number | null {
  const totals = view.latest.flatMap((r) => (r.timings.total_ms === null ? [] : [r.timings.total_ms]));
  return totals.length === 0 ? null : Math.max(...totals);
}

/**
 * Uptime as a percentage, cut (not rounded) to two decimals so that a single failure
 * never shows as 100%; `null` when nothing was measured.
 */
export function uptimePercent(uptime: Uptime): string | null {
  if (uptime.count === 0) return null;
  if (uptime.ok === uptime.count) return '100%';
  const hundredths = Math.floor((uptime.ok / uptime.count) * 10_000);
  return `${(hundredths / 100).toFixed(2)}%`;
}

export function formatMs(ms: number | null): string {
  if (ms === null) return '—';
  if (ms >= 10_000) return `${(ms / 1000).toFixed(1)} s`;
  return ms >= 100 ? `${Math.round(ms)} ms` : `${ms.toFixed(1)} ms`;
}

export const RANGES = [
  { key: '1h', ms: 3_600_000 },
  { key: '24h', ms: 86_400_000 },
  { key: '7d', ms: 7 * 86_400_000 },
  { key: '30d', ms: 30 * 86_400_000 },
  { key: '1y', ms: 365 * 86_400_000 },
] as const;
export type RangeKey = (typeof RANGES)[number]['key'];

/** The phases drawn under the total for a probe with one vantage. */
export const PHASES = ['dns_ms', 'connect_ms', 'tls_ms', 'first_byte_ms'] as const;
export type Phase = (typeof PHASES)[number];

/** One drawn line: a vantage's average total, a phase, or the failure marks. */
export type Line = { kind: 'total'; vantage: string } | { kind: 'phase'; phase: Phase } | { kind: 'failures' };

/** The history as uPlot wants it: shared x values (seconds) and one y array per line. */
export interface PlotData {
  lines: Line[];
  data: [number[], ...(number | null)[][]];
}

/**
 * Lays the points of every vantage on one time axis. A probe with one vantage gets
 * its phases as extra lines; failures are marks at the height of their bucket's
 * average (or the chart's top when a failure has no time), so they stand out on the line.
 */
export function toPlotData(history: ProbeHistory): PlotData {
  const vantages = [...new Set(history.points.map((p) => p.vantage))].sort();
  const xs = [...new Set(history.points.map((p) => p.at))].sort((a, b) => a - b);
  const index = new Map(xs.map((x, i) => [x, i]));
  const column = (): (number | null)[] => xs.map(() => null);

  const lines: Line[] = vantages.map((vantage) => ({ kind: 'total', vantage }));
  const phases = vantages.length === 1 ? PHASES.filter((ph) => history.points.some((p) => p[ph] !== null)) : [];
  lines.push(...phases.map((phase): Line => ({ kind: 'phase', phase })));
  lines.push({ kind: 'failures' });

  const totals = vantages.map(column);
  const phaseColumns = phases.map(column);
  const failures = column();
  const top = Math.max(0, ...history.points.map((p) => p.max_ms ?? p.avg_ms ?? 0));
  const failed: { i: number; point: HistoryPoint }[] = [];
  for (const point of history.points) {
    const i = index.get(point.at);
    if (i === undefined) continue;
    const line = totals[vantages.indexOf(point.vantage)];
    if (line !== undefined) line[i] = point.avg_ms;
    phases.forEach((phase, p) => {
      const target = phaseColumns[p];
      if (target !== undefined) target[i] = point[phase];
    });
    if (point.ok < point.count) failed.push({ i, point });
  }
  for (const { i, point } of failed) {
    failures[i] = Math.max(failures[i] ?? 0, point.avg_ms ?? top);
  }
  return { lines, data: [xs.map((x) => x / 1000), ...totals, ...phaseColumns, failures] };
}
