import { describe, expect, it } from 'vitest';
import type { HistoryPoint, ProbeHistory, ProbeView } from '../lib/backend';
import type { ProbeResult } from '../lib/model';
import { formatMs, lastLatency, probeStatus, toPlotData, uptimePercent } from './probes';

function result(vantage: string, ok: boolean, total: number | null): ProbeResult {
  return {
    probe: 'dns',
    vantage,
    at: 1_000,
    ok,
    timings: { dns_ms: null, connect_ms: null, tls_ms: null, first_byte_ms: null, total_ms: total },
    status_code: null,
    detail: ok ? '' : 'SERVFAIL',
    cert_expires_at: null,
  };
}

function view(latest: ProbeResult[], enabled = true): ProbeView {
  const none = { count: 0, ok: 0 };
  return {
    name: 'dns',
    kind: 'dns_probe',
    target: 'example.com A',
    enabled,
    interval_secs: 30,
    health: null,
    latest,
    last_failure: null,
    uptime_24h: none,
    uptime_7d: none,
    uptime_30d: none,
  };
}

function point(vantage: string, at: number, fields: Partial<HistoryPoint> = {}): HistoryPoint {
  return {
    vantage,
    at,
    count: 1,
    ok: 1,
    avg_ms: 10,
    min_ms: 10,
    max_ms: 10,
    dns_ms: null,
    connect_ms: null,
    tls_ms: null,
    first_byte_ms: null,
    failure: null,
    ...fields,
  };
}

describe('probe status', () => {
  it('fails when any vantage failed last, and says when nothing is known', () => {
    expect(probeStatus(view([result('a', true, 5), result('b', false, null)]))).toBe('failing');
    expect(probeStatus(view([result('a', true, 5)]))).toBe('ok');
    expect(probeStatus(view([]))).toBe('unknown');
    expect(probeStatus(view([result('a', false, null)], false))).toBe('disabled');
  });

  it('reports the slowest vantage as the last latency', () => {
    expect(lastLatency(view([result('a', true, 5), result('b', true, 42.5), result('c', false, null)]))).toBe(42.5);
    expect(lastLatency(view([result('a', false, null)]))).toBeNull();
  });
});

describe('uptime and time formatting', () => {
  it('never shows a window with a failure as 100%', () => {
    expect(uptimePercent({ count: 100_000, ok: 99_999 })).toBe('99.99%');
    expect(uptimePercent({ count: 1_000_000, ok: 999_999 })).toBe('99.99%');
    expect(uptimePercent({ count: 3, ok: 3 })).toBe('100%');
    expect(uptimePercent({ count: 3, ok: 2 })).toBe('66.66%');
    expect(uptimePercent({ count: 0, ok: 0 })).toBeNull();
  });

  it('shows times with sensible precision', () => {
    expect(formatMs(3.14159)).toBe('3.1 ms');
    expect(formatMs(245.6)).toBe('246 ms');
    expect(formatMs(12_345)).toBe('12.3 s');
    expect(formatMs(null)).toBe('—');
  });
});

describe('history to chart data', () => {
  it('gives one vantage its phases and marks failures on the line', () => {
    const history: ProbeHistory = {
      resolution: 'raw',
      bucket_ms: 1,
      points: [
        point('', 60_000, { dns_ms: 1, connect_ms: 2 }),
        point('', 90_000, { ok: 0, avg_ms: null, max_ms: null, min_ms: null, failure: 'timeout' }),
        point('', 120_000, { avg_ms: 30, max_ms: 30, dns_ms: 1, connect_ms: 4 }),
      ],
    };
    const plot = toPlotData(history);
    expect(plot.lines).toEqual([
      { kind: 'total', vantage: '' },
      { kind: 'phase', phase: 'dns_ms' },
      { kind: 'phase', phase: 'connect_ms' },
      { kind: 'failures' },
    ]);
    expect(plot.data).toEqual([
      [60, 90, 120],
      [10, null, 30],
      [1, null, 1],
      [2, null, 4],
      // A failure without a time sits at the chart's top.
      [null, 30, null],
    ]);
  });

  it('draws one line per vantage on a shared time axis, without phases', () => {
    const history: ProbeHistory = {
      resolution: 'minute',
      bucket_ms: 60_000,
      points: [
        point('8.8.8.8', 0, { avg_ms: 20, dns_ms: 20 }),
        point('8.8.8.8', 60_000, { count: 2, ok: 1, avg_ms: 25, dns_ms: 25 }),
        point('1.1.1.1', 60_000, { avg_ms: 5, dns_ms: 5 }),
      ],
    };
    const plot = toPlotData(history);
    expect(plot.lines).toEqual([
      { kind: 'total', vantage: '1.1.1.1' },
      { kind: 'total', vantage: '8.8.8.8' },
      { kind: 'failures' },
    ]);
    expect(plot.data).toEqual([
      [0, 60],
      [null, 5],
      [20, 25],
      [null, 25],
    ]);
  });

  it('has an empty axis for an empty history', () => {
    expect(toPlotData({ resolution: 'hour', bucket_ms: 3_600_000, points: [] }).data).toEqual([[], []]);
  });
});
