import { describe, expect, it } from 'vitest';
import { activeAlarms, anyDemo, boardIncidents, openCounts, unhealthySources, unseenQueue } from './board';
import { alarm, incident, source } from '../../test/entities';

describe('board order', () => {
  it('puts open incidents first, then worst severity, then newest', () => {
    const sorted = boardIncidents([
      incident(1, { severity: 'critical', status: 'resolved' }),
      incident(2, { severity: 'minor', opened_at: 500 }),
      incident(3, { severity: 'critical', opened_at: 100 }),
      incident(4, { severity: 'critical', opened_at: 200, status: 'acknowledged' }),
      incident(5, { severity: 'info', opened_at: 900 }),
    ]);
    expect(sorted.map((i) => i.id)).toEqual([4, 3, 2, 5, 1]);
  });

  it('lists only active alarms, worst and latest first', () => {
    const sorted = activeAlarms([
      alarm(1, { severity: 'warning', last_seen: 900 }),
      alarm(2, { severity: 'critical', last_seen: 100 }),
      alarm(3, { severity: 'critical', status: 'cleared', last_seen: 999 }),
      alarm(4, { severity: 'critical', last_seen: 300 }),
    ]);
    expect(sorted.map((a) => a.id)).toEqual([4, 2, 1]);
  });
});

describe('unseen queue', () => {
  it('holds cleared alarms nobody looked at, latest cleared first', () => {
    const queue = unseenQueue([
      alarm(1, { status: 'cleared', cleared_at: 500 }),
      alarm(2, { status: 'active' }),
      alarm(3, { status: 'cleared', cleared_at: 900 }),
      alarm(4, { status: 'cleared', cleared_at: 950, unseen: false }),
    ]);
    expect(queue.map((a) => a.id)).toEqual([3, 1]);
  });
});

describe('header', () => {
  it('counts open incidents per severity, ignoring closed ones', () => {
    const counts = openCounts([
      incident(1, { severity: 'critical' }),
      incident(2, { severity: 'critical', status: 'mitigated' }),
      incident(3, { severity: 'critical', status: 'resolved' }),
      incident(4, { severity: 'unknown', status: 'reviewed' }),
      incident(5, { severity: 'info' }),
      incident(6, { severity: 'info', status: 'merged', merged_into: 5 }),
    ]);
    expect(counts).toEqual({ critical: 2, major: 0, minor: 0, warning: 0, unknown: 0, info: 1 });
  });

  it('names every source that is not ok', () => {
    const bad = unhealthySources([
      source('zabbix', { status: 'stale' }),
      source('am', { status: 'ok' }),
      source('probe', { status: 'auth_failed' }),
    ]);
    expect(bad.map((s) => s.source)).toEqual(['probe', 'zabbix']);
  });

  it('sees demo data from any source', () => {
    expect(anyDemo([source('a'), source('b', { demo: true })])).toBe(true);
    expect(anyDemo([source('a')])).toBe(false);
  });
});
