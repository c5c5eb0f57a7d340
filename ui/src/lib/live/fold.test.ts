import { describe, expect, it } from 'vitest';
import { applyBatch, applySnapshot, emptyLive, heartbeatShowsGap } from './fold';
import { alarm, batch, incident, noDuty, source } from '../../test/entities';

function liveAt(seq: number) {
  const live = emptyLive();
  applySnapshot(live, { seq, alarms: [alarm(1), alarm(2)], incidents: [incident(7)], sources: [source('a')], maintenance: [], duty: noDuty(), drill: null });
  return live;
}

describe('snapshot', () => {
  it('replaces everything held before', () => {
    const live = liveAt(10);
    applySnapshot(live, { seq: 50, alarms: [alarm(3)], incidents: [], sources: [source('b')], maintenance: [], duty: noDuty(), drill: null });
    expect(live.seq).toBe(50);
    expect([...live.alarms.keys()]).toEqual([3]);
    expect(live.incidents.size).toBe(0);
    expect([...live.sources.keys()]).toEqual(['b']);
  });
});

describe('batch', () => {
  it('upserts changed entities and advances seq', () => {
    const live = liveAt(10);
    const outcome = applyBatch(
      live,
      batch(11, 13, {
        alarms: [alarm(2, { count: 5 }), alarm(9)],
        incidents: [incident(7, { status: 'acknowledged' })],
        sources: [source('a', { status: 'stale' })],
      }),
    );
    expect(outcome).toEqual({ kind: 'applied', touchedIncidents: [7], topologyChanged: false });
    expect(live.seq).toBe(13);
    expect(live.alarms.get(2)?.count).toBe(5);
    expect(live.alarms.has(9)).toBe(true);
    expect(live.incidents.get(7)?.status).toBe('acknowledged');
    expect(live.sources.get('a')?.status).toBe('stale');
  });

  it('removes entities that left the live state', () => {
    const live = liveAt(10);
    const outcome = applyBatch(live, batch(11, 11, { removed_alarms: [1], removed_incidents: [7] }));
    expect(live.alarms.has(1)).toBe(false);
    expect(live.alarms.has(2)).toBe(true);
    expect(live.incidents.has(7)).toBe(false);
    expect(outcome.kind === 'applied' && outcome.touchedIncidents).toEqual([7]);
  });

  it('reports a gap when first_seq skips ahead, and applies nothing', () => {
    const live = liveAt(10);
    const outcome = applyBatch(live, batch(12, 12, { alarms: [alarm(9)] }));
    expect(outcome).toEqual({ kind: 'gap', expected: 11, got: 12 });
    expect(live.seq).toBe(10);
    expect(live.alarms.has(9)).toBe(false);
  });

  it('reports a gap for a batch that overlaps what was applied', () => {
    const live = liveAt(10);
    expect(applyBatch(live, batch(10, 11)).kind).toBe('gap');
    expect(live.seq).toBe(10);
  });

  it('reports a gap for a batch before any snapshot', () => {
    const live = emptyLive();
    expect(applyBatch(live, batch(1, 1))).toEqual({ kind: 'gap', expected: null, got: 1 });
  });

  it('follows consecutive batches', () => {
    const live = liveAt(10);
    expect(applyBatch(live, batch(11, 11)).kind).toBe('applied');
    expect(applyBatch(live, batch(12, 20)).kind).toBe('applied');
    expect(live.seq).toBe(20);
  });
});

describe('maintenance windows', () => {
  const window = (id: string) => ({
    id,
    title: `Window ${id}`,
    starts_at: 0,
    ends_at: 1,
    recurrence: 'once' as const,
    until: null,
    matchers: [],
    nodes: [],
    created_by: 'li',
  });

  it('come with the snapshot and follow batches', () => {
    const live = emptyLive();
    applySnapshot(live, { seq: 1, alarms: [], incidents: [], sources: [], maintenance: [window('a'), window('b')], duty: noDuty(), drill: null });
    applyBatch(live, batch(2, 2, { maintenance: [window('c')], removed_maintenance: ['a'] }));
    expect([...live.maintenance.keys()]).toEqual(['b', 'c']);
  });
});

describe('heartbeat', () => {
  it('is a gap only when it announces a seq not yet applied', () => {
    const live = liveAt(10);
    expect(heartbeatShowsGap(live, 10)).toBe(false);
    expect(heartbeatShowsGap(live, 9)).toBe(false);
    expect(heartbeatShowsGap(live, 11)).toBe(true);
    expect(heartbeatShowsGap(emptyLive(), 0)).toBe(true);
  });
});
