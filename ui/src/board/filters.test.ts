import { describe, expect, it } from 'vitest';
import {
  boardHash,
  emptyFilter,
  filterAlarms,
  filterFromQuery,
  filterIncidents,
  filterToQuery,
  queryOfHash,
  toggled,
  type BoardFilter,
  type FilterContext,
} from './filters';
import { SEVERITIES } from '../lib/severity';
import { alarm, incident } from '../test/entities';
import type { Alarm, Incident } from '../lib/model';

function context(incidents: Incident[], alarms: Alarm[], me = 'Li'): FilterContext {
  const byIncident = new Map(incidents.map((i) => [i.id, i]));
  const byAlarm = new Map(alarms.map((a) => [a.id, a]));
  const names: Record<string, string> = { 'db-1': 'Orders database', pay: 'Payments' };
  return {
    me,
    nodeName: (id) => names[id] ?? id,
    alarm: (id) => byAlarm.get(id),
    incident: (id) => byIncident.get(id),
  };
}

const filter = (over: Partial<BoardFilter>): BoardFilter => ({ ...emptyFilter(), ...over });

describe('filter in the address', () => {
  it('round-trips every field', () => {
    const f = filter({
      severities: ['critical', 'major'],
      systems: ['pay', 'a,b'],
      layers: ['iaas'],
      owner: { kind: 'by', name: '王伟' },
      states: ['open', 'acknowledged'],
      text: 'disk full',
      suppressed: true,
      alarms: 'unseen',
    });
    const query = filterToQuery(f);
    expect(query).toContain('sev=critical,major');
    expect(filterFromQuery(query)).toEqual(f);
    expect(filterFromQuery(queryOfHash(boardHash(f)))).toEqual(f);
  });

  it('reads links written by hand, ignoring what it does not know', () => {
    const f = filterFromQuery('sev=major,bogus,critical&owner=me&state=open,nope&layer=moon&x=1');
    expect(f.severities).toEqual(['critical', 'major']);
    expect(f.owner).toEqual({ kind: 'me' });
    expect(f.states).toEqual(['open']);
    expect(f.layers).toEqual([]);
    expect(filterFromQuery('owner=none').owner).toEqual({ kind: 'none' });
    expect(filterFromQuery('owner=somebody').owner).toEqual({ kind: 'any' });
    expect(filterFromQuery('q=a+b%20c').text).toBe('a b c');
    expect(filterFromQuery('q=%E0%A4%A').text).toBe('%E0%A4%A');
  });

  it('leaves the board address bare without a filter', () => {
    expect(boardHash(emptyFilter())).toBe('#/board');
    expect(queryOfHash('#/board')).toBe('');
    expect(queryOfHash('#/board?sev=minor')).toBe('sev=minor');
  });
});

describe('incident filter', () => {
  const a1 = alarm(1, { title: 'Disk full', text: '/var at 99%', node: 'db-1', incident: 1 });
  const a2 = alarm(2, { title: 'Link down', node: 'sw-1', incident: 2 });
  const incidents = [
    incident(1, { severity: 'critical', system: 'pay', layer: 'iaas', alarms: [1], root_node: 'db-1' }),
    incident(2, { severity: 'major', status: 'acknowledged', acknowledged: { by: 'Li', at: 1 }, alarms: [2] }),
    incident(3, { severity: 'minor', status: 'acknowledged', acknowledged: { by: 'Wang', at: 1 }, title: 'CPU high' }),
  ];
  const ctx = context(incidents, [a1, a2]);
  const ids = (f: Partial<BoardFilter>) => filterIncidents(incidents, filter(f), ctx).map((i) => i.id);

  it('passes everything through without a filter', () => {
    expect(filterIncidents(incidents, emptyFilter(), ctx)).toBe(incidents);
  });

  it('filters by severity, system, layer and state', () => {
    expect(ids({ severities: ['critical', 'minor'] })).toEqual([1, 3]);
    expect(ids({ systems: ['pay'] })).toEqual([1]);
    expect(ids({ layers: ['iaas'] })).toEqual([1]);
    expect(ids({ states: ['acknowledged'] })).toEqual([2, 3]);
  });

  it('knows mine, unowned and one operator', () => {
    expect(ids({ owner: { kind: 'me' } })).toEqual([2]);
    expect(ids({ owner: { kind: 'none' } })).toEqual([1]);
    expect(ids({ owner: { kind: 'by', name: 'Wang' } })).toEqual([3]);
    // Without an operator name nothing is "mine".
    expect(filterIncidents(incidents, filter({ owner: { kind: 'me' } }), context(incidents, [], '')).length).toBe(0);
  });

  it('searches titles, node names and ids, and member alarm text, ignoring case', () => {
    expect(ids({ text: 'cpu' })).toEqual([3]);
    expect(ids({ text: 'ORDERS database' })).toEqual([1]);
    expect(ids({ text: '99%' })).toEqual([1]);
    expect(ids({ text: 'sw-1' })).toEqual([2]);
    expect(ids({ text: 'inc-3' })).toEqual([3]);
    expect(ids({ text: 'nothing like it' })).toEqual([]);
  });

  it('combines filters', () => {
    expect(ids({ severities: ['major', 'minor'], owner: { kind: 'me' } })).toEqual([2]);
  });
});

describe('alarm filter', () => {
  const incidents = [incident(1, { system: 'pay' }), incident(2, { acknowledged: { by: 'Li', at: 1 } })];
  const alarms = [
    alarm(1, { incident: 1, severity: 'critical', title: 'Disk full' }),
    alarm(2, { incident: 2, severity: 'major', suppressed_by: 'mw-1' }),
    alarm(3, { incident: null, severity: 'minor', node: 'db-1' }),
  ];
  const ctx = context(incidents, alarms);
  const ids = (f: Partial<BoardFilter>) => filterAlarms(alarms, filter(f), ctx).map((a) => a.id);

  it('hides alarms under maintenance unless asked', () => {
    expect(ids({})).toEqual([1, 3]);
    expect(ids({ suppressed: true })).toEqual([1, 2, 3]);
  });

  it('filters by the alarm’s own severity and text', () => {
    expect(ids({ severities: ['minor'] })).toEqual([3]);
    expect(ids({ text: 'orders' })).toEqual([3]);
  });

  it('applies system and owner through the alarm’s incident', () => {
    expect(ids({ systems: ['pay'] })).toEqual([1]);
    expect(ids({ owner: { kind: 'me' }, suppressed: true })).toEqual([2]);
    expect(ids({ owner: { kind: 'none' } })).toEqual([1]);
  });
});

describe('toggled', () => {
  it('adds and removes in the canonical order', () => {
    expect(toggled(['minor'], 'critical', SEVERITIES)).toEqual(['critical', 'minor']);
    expect(toggled(['critical', 'minor'], 'critical', SEVERITIES)).toEqual(['minor']);
  });
});
