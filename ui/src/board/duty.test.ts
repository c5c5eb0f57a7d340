import { describe, expect, it } from 'vitest';
import type { Event, EventBody, Incident } from '../lib/model';
import { matches, memberRoles, mergeCandidates, milestones, sourceLink, updateDeadline, writeBackStates, wroteBack } from './duty';
import { alarm, incident } from '../test/entities';

const MIN = 60_000;
let seq = 0;
const event = (at: number, body: EventBody, actor = 'li'): Event => ({ seq: ++seq, at, actor, subject: 'incident:1', body });

describe('milestones', () => {
  it('lists the duty loop in order with who reached each and when', () => {
    const inc = incident(1, {
      opened_at: 100,
      acknowledged: { by: 'li', at: 200 },
      identified: { by: 'wang', at: 300, cause: 'disk full', layer: 'iaas' },
      resolved_at: 500,
      resolved_by: 'engine',
    });
    expect(milestones(inc).map((m) => [m.name, m.by, m.at])).toEqual([
      ['opened', 'engine', 100],
      ['acknowledged', 'li', 200],
      ['identified', 'wang', 300],
      ['mitigated', null, null],
      ['resolved', 'engine', 500],
      ['reviewed', null, null],
    ]);
  });
});

describe('update deadline', () => {
  it('counts down from the last update', () => {
    const inc = incident(1, { last_update_at: 0 });
    expect(updateDeadline(inc, 30 * MIN, 18 * MIN)).toEqual({ kind: 'due', inMs: 12 * MIN });
  });

  it('is overdue once passed, or when the hub says so', () => {
    expect(updateDeadline(incident(1, { last_update_at: 0 }), 30 * MIN, 31 * MIN)).toEqual({ kind: 'overdue', sinceMs: MIN });
    expect(updateDeadline(incident(1, { last_update_at: 0, update_overdue: true }), 30 * MIN, 5 * MIN).kind).toBe('overdue');
  });

  it('does not apply to closed incidents', () => {
    expect(updateDeadline(incident(1, { status: 'resolved', last_update_at: 0 }), 30 * MIN, 99 * MIN)).toEqual({ kind: 'none' });
    expect(updateDeadline(incident(1, { status: 'merged', last_update_at: 0 }), 30 * MIN, 99 * MIN)).toEqual({ kind: 'none' });
  });
});

describe('member roles', () => {
  it('puts the root-cause candidate apart from the symptoms', () => {
    expect(memberRoles(incident(1, { alarms: [3, 4, 5], root_alarm: 4 }))).toEqual({ root: [4], symptoms: [3, 5] });
    expect(memberRoles(incident(1, { alarms: [3, 5], root_alarm: null }))).toEqual({ root: [], symptoms: [3, 5] });
  });
});

describe('source link', () => {
  it('takes the source’s own address from the labels', () => {
    expect(sourceLink(alarm(1, { labels: { generatorURL: 'http://prom:9090/graph?g0.expr=up' } }))).toBe('http://prom:9090/graph?g0.expr=up');
    expect(sourceLink(alarm(1, { labels: { panelURL: 'https://grafana/d/x?viewPanel=2' } }))).toBe('https://grafana/d/x?viewPanel=2');
  });

  it('invents none, and refuses what is not http(s)', () => {
    expect(sourceLink(alarm(1))).toBeNull();
    expect(sourceLink(alarm(1, { labels: { generatorURL: 'javascript:alert(1)' } }))).toBeNull();
    expect(sourceLink(alarm(1, { labels: { generatorURL: 'not a url' } }))).toBeNull();
  });
});

describe('matchers', () => {
  const labels = { alertname: 'DiskFull', instance: 'db1:9100' };
  it('follow Alertmanager: anchored regexes, negation', () => {
    expect(matches({ name: 'alertname', value: 'DiskFull', is_regex: false, is_equal: true }, labels)).toBe(true);
    expect(matches({ name: 'instance', value: 'db1', is_regex: true, is_equal: true }, labels)).toBe(false);
    expect(matches({ name: 'instance', value: 'db1.*', is_regex: true, is_equal: true }, labels)).toBe(true);
    expect(matches({ name: 'alertname', value: 'DiskFull', is_regex: false, is_equal: false }, labels)).toBe(false);
    expect(matches({ name: 'missing', value: '', is_regex: false, is_equal: true }, labels)).toBe(true);
  });
});

describe('write-back confirmations', () => {
  const zabbixAlarm = alarm(1, { source: 'zbx' });
  const amAlarm = alarm(2, { source: 'am', labels: { alertname: 'DiskFull' } });
  const otherAm = alarm(3, { source: 'am', labels: { alertname: 'Other' } });
  const probe = alarm(4, { source: 'probe' });
  const writable = (a: { source: string }) => a.source !== 'probe';
  const inc = incident(1, { alarms: [1, 2, 3, 4], acknowledged: { by: 'li', at: 1_000 } });
  const members = [zabbixAlarm, amAlarm, otherAm, probe];

  it('is pending for every writable alarm until its source answers', () => {
    const states = writeBackStates([], inc, members, writable);
    expect([...states.entries()].map(([id, s]) => [id, s.state])).toEqual([
      [1, 'pending'],
      [2, 'pending'],
      [3, 'pending'],
    ]);
  });

  it('reads confirmations and failures from the timeline', () => {
    const events = [
      event(1_100, { kind: 'alarm_acknowledged_at_source', alarm: 1, source: 'zbx', message: 'ack by li', incident: 1 }),
      event(1_200, {
        kind: 'silence_created',
        source: 'am',
        silence_id: 's-1',
        matchers: [{ name: 'alertname', value: 'DiskFull', is_regex: false, is_equal: true }],
        ends_at: 9_999,
        comment: 'INC-1',
        incident: 1,
      }),
      event(1_300, { kind: 'write_back_failed', incident: 1, alarm: 3, source: 'am', reason: 'unreachable' }),
    ];
    const states = writeBackStates(events, inc, members, writable);
    expect(states.get(1)).toEqual({ state: 'confirmed', detail: 'ack by li' });
    expect(states.get(2)).toEqual({ state: 'confirmed', detail: '', silence: 's-1' });
    expect(states.get(3)).toEqual({ state: 'failed', detail: 'unreachable' });
    expect(states.has(4)).toBe(false);
    expect(wroteBack(events, inc)).toBe(true);
  });

  it('ignores what happened before the acknowledgement, and unacknowledged incidents', () => {
    const early = [event(500, { kind: 'alarm_acknowledged_at_source', alarm: 1, source: 'zbx', message: 'old', incident: 1 })];
    expect(writeBackStates(early, inc, members, writable).get(1)?.state).toBe('pending');
    expect(wroteBack(early, inc)).toBe(false);
    expect(writeBackStates(early, incident(1, { alarms: [1] }), members, writable).size).toBe(0);
  });
});

describe('merge candidates', () => {
  const all = [
    incident(1, { title: 'DB down' }),
    incident(2, { title: 'Web slow' }),
    incident(3, { title: 'DB replica lag', status: 'resolved' }),
    incident(4, { title: 'db backup', status: 'merged' }),
    incident(12, { title: 'Switch port' }),
  ];
  const [first, second] = all as [Incident, Incident];
  it('are the other open incidents, found by id or title', () => {
    expect(mergeCandidates(all, first, '').map((i) => i.id)).toEqual([2, 12]);
    expect(mergeCandidates(all, second, 'db').map((i) => i.id)).toEqual([1]);
    expect(mergeCandidates(all, first, '12').map((i) => i.id)).toEqual([12]);
    expect(mergeCandidates(all, first, 'INC-2').map((i) => i.id)).toEqual([2]);
  });
});
