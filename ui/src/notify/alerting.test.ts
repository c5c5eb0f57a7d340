import { describe, expect, it } from 'vitest';
import type { Alarm, Batch, Event, EventBody, Incident, Snapshot } from '../lib/model';
import { alarm, batch, incident, noDuty } from '../test/entities';
import { Alerter, isMuted, type Rules } from './alerting';

const MINUTE = 60_000;
const RULES: Rules = { threshold: 'major', repeatMs: 5 * MINUTE, mutedUntil: null };

function event(body: EventBody, seq = 1): Event {
  return { seq, at: 0, actor: 'engine', subject: 'incident', body };
}

function opened(i: Incident, root?: Alarm): Batch {
  return {
    ...batch(1, 1, { incidents: [i], alarms: root === undefined ? [] : [root] }),
    events: [
      event({
        kind: 'incident_opened',
        incident: i.id,
        title: i.title,
        severity: i.severity,
        root_node: null,
        system: null,
        layer: null,
        reason: '',
      }),
    ],
  };
}

function changed(...incidents: Incident[]): Batch {
  return batch(1, 1, { incidents });
}

function emptySnapshot(incidents: Incident[] = [], alarms: Alarm[] = []): Snapshot {
  return { seq: 0, alarms, incidents, sources: [], maintenance: [], duty: noDuty(), drill: null };
}

const noAlarms = () => undefined;

/** An alerter that has seen the (empty) start-up snapshot, with a clock of its own. */
function started(at = 0) {
  const alerter = new Alerter();
  alerter.snapshot(emptySnapshot(), RULES, at);
  return alerter;
}

describe('new incidents', () => {
  it('announces a new P1 and a new P2 at the default threshold', () => {
    const alerter = started();
    const p1 = incident(1, { severity: 'critical', title: 'Core switch down' });
    const notices = alerter.batch(opened(p1), noAlarms, RULES, 1_000);
    expect(notices).toEqual([{ kind: 'opened', incident: 1, title: 'Core switch down', severity: 'critical' }]);
    expect(alerter.batch(opened(incident(2, { severity: 'major' })), noAlarms, RULES, 1_000)).toHaveLength(1);
  });

  it('does not announce a P3 (minor) below the threshold, but does once it rises to it', () => {
    const alerter = started();
    const minor = incident(3, { severity: 'minor' });
    expect(alerter.batch(opened(minor), noAlarms, RULES, 1_000)).toEqual([]);
    const risen = { ...minor, severity: 'critical' as const };
    expect(alerter.batch(changed(risen), noAlarms, RULES, 2_000).map((n) => n.kind)).toEqual(['opened']);
  });

  it('follows the threshold set on the workstation', () => {
    const criticalOnly = { ...RULES, threshold: 'critical' as const };
    expect(started().batch(opened(incident(1, { severity: 'major' })), noAlarms, criticalOnly, 0)).toEqual([]);
    const everything = { ...RULES, threshold: 'info' as const };
    expect(started().batch(opened(incident(2, { severity: 'info' })), noAlarms, everything, 0)).toHaveLength(1);
  });

  it('announces an incident once, however often it changes', () => {
    const alerter = started();
    const p1 = incident(1, { severity: 'critical' });
    expect(alerter.batch(opened(p1), noAlarms, RULES, 0)).toHaveLength(1);
    expect(alerter.batch(changed({ ...p1, active_alarms: 4 }), noAlarms, RULES, 1_000)).toEqual([]);
  });

  it('holds an incident whose root alarm is flapping or in maintenance, and announces it when released', () => {
    const alerter = started();
    // The board's store: answers the root alarm when a batch does not carry it.
    const store = new Map<number, Alarm>();
    const lookup = (id: number) => store.get(id);
    const flapping = alarm(10, { flapping: true, severity: 'critical', incident: 1 });
    const p1 = incident(1, { severity: 'critical', root_alarm: 10 });
    store.set(10, flapping);
    expect(alerter.batch(opened(p1, flapping), lookup, RULES, 0)).toEqual([]);
    const suppressed = alarm(11, { suppressed_by: 'mw-1', severity: 'critical', incident: 2 });
    const p1b = incident(2, { severity: 'critical', root_alarm: 11 });
    store.set(11, suppressed);
    expect(alerter.batch(opened(p1b, suppressed), lookup, RULES, 0)).toEqual([]);
    expect(alerter.batch(changed({ ...p1b, active_alarms: 2 }), lookup, RULES, 1_000)).toEqual([]);
    // Held incidents are not repeated either.
    expect(alerter.due(lookup, RULES, 60 * MINUTE)).toEqual([]);

    const calm = { ...flapping, flapping: false };
    store.set(10, calm);
    expect(alerter.batch(batch(2, 2, { alarms: [calm] }), lookup, RULES, 2_000).map((n) => n.incident)).toEqual([1]);
  });

  it('does not announce what was already open at start-up, but announces what a later snapshot adds', () => {
    const alerter = new Alerter();
    const old = incident(1, { severity: 'critical' });
    expect(alerter.snapshot(emptySnapshot([old]), RULES, 0)).toEqual([]);
    const missed = incident(2, { severity: 'critical' });
    expect(alerter.snapshot(emptySnapshot([old, missed]), RULES, 1_000).map((n) => n.incident)).toEqual([2]);
  });

  it('does not announce an incident that is already acknowledged or closed', () => {
    const alerter = started();
    const acked = incident(1, { severity: 'critical', status: 'acknowledged', acknowledged: { by: 'Li', at: 0 } });
    expect(alerter.batch(opened(acked), noAlarms, RULES, 0)).toEqual([]);
    const resolved = incident(2, { severity: 'critical', status: 'resolved' });
    expect(alerter.batch(opened(resolved), noAlarms, RULES, 0)).toEqual([]);
  });
});

describe('escalation and overdue updates', () => {
  it('announces an escalation with its level, whatever the severity', () => {
    const alerter = started();
    const minor = incident(4, { severity: 'minor', title: 'Slow logins' });
    alerter.batch(opened(minor), noAlarms, RULES, 0);
    const escalated: Batch = {
      ...changed({ ...minor, escalation_level: 2 }),
      events: [event({ kind: 'incident_escalated', incident: 4, level: 2, reason: 'policy', notify: [] })],
    };
    expect(alerter.batch(escalated, noAlarms, RULES, 1_000)).toEqual([
      { kind: 'escalated', incident: 4, title: 'Slow logins', severity: 'minor', level: 2 },
    ]);
  });

  it('announces an overdue update', () => {
    const alerter = started();
    const p2 = incident(5, { severity: 'major', status: 'acknowledged', acknowledged: { by: 'Li', at: 0 } });
    alerter.batch(opened(p2), noAlarms, RULES, 0);
    const overdue: Batch = {
      ...changed({ ...p2, update_overdue: true }),
      events: [event({ kind: 'incident_update_overdue', incident: 5, due_at: 900 })],
    };
    expect(alerter.batch(overdue, noAlarms, RULES, 1_000).map((n) => n.kind)).toEqual(['overdue']);
  });

  it('tells once per incident when it opens and escalates in the same batch', () => {
    const alerter = started();
    const p1 = incident(6, { severity: 'critical' });
    const both = opened({ ...p1, escalation_level: 1 });
    both.events.push(event({ kind: 'incident_escalated', incident: 6, level: 1, reason: 'policy', notify: [] }, 2));
    expect(alerter.batch(both, noAlarms, RULES, 0).map((n) => n.kind)).toEqual(['escalated']);
  });
});

describe('repeat until acknowledged', () => {
  it('repeats an unacknowledged P1 every interval and stops on acknowledgement', () => {
    const alerter = started();
    const p1 = incident(1, { severity: 'critical' });
    alerter.batch(opened(p1), noAlarms, RULES, 0);
    expect(alerter.due(noAlarms, RULES, 4 * MINUTE)).toEqual([]);
    expect(alerter.due(noAlarms, RULES, 5 * MINUTE).map((n) => n.kind)).toEqual(['repeat']);
    expect(alerter.due(noAlarms, RULES, 6 * MINUTE)).toEqual([]);
    expect(alerter.due(noAlarms, RULES, 10 * MINUTE)).toHaveLength(1);

    const acked = { ...p1, status: 'acknowledged' as const, acknowledged: { by: 'Li', at: 11 * MINUTE } };
    expect(alerter.batch(changed(acked), noAlarms, RULES, 11 * MINUTE)).toEqual([]);
    expect(alerter.due(noAlarms, RULES, 60 * MINUTE)).toEqual([]);
  });

  it('stops repeating when the incident closes or goes away', () => {
    const alerter = started();
    alerter.batch(opened(incident(1, { severity: 'critical' })), noAlarms, RULES, 0);
    alerter.batch(opened(incident(2, { severity: 'major' })), noAlarms, RULES, 0);
    alerter.batch(changed(incident(1, { severity: 'critical', status: 'resolved' })), noAlarms, RULES, MINUTE);
    alerter.batch(batch(3, 3, { removed_incidents: [2] }), noAlarms, RULES, MINUTE);
    expect(alerter.due(noAlarms, RULES, 30 * MINUTE)).toEqual([]);
  });

  it('follows the configured interval, and never repeats with 0', () => {
    const alerter = started();
    alerter.batch(opened(incident(1, { severity: 'major' })), noAlarms, RULES, 0);
    const everyMinute = { ...RULES, repeatMs: MINUTE };
    expect(alerter.due(noAlarms, everyMinute, MINUTE)).toHaveLength(1);
    expect(alerter.due(noAlarms, { ...RULES, repeatMs: 0 }, 60 * MINUTE)).toEqual([]);
  });

  it('does not repeat P3 and below, even above a lowered threshold', () => {
    const alerter = started();
    const everything = { ...RULES, threshold: 'info' as const };
    expect(alerter.batch(opened(incident(1, { severity: 'minor' })), noAlarms, everything, 0)).toHaveLength(1);
    expect(alerter.due(noAlarms, everything, 60 * MINUTE)).toEqual([]);
  });

  it('repeats the unacknowledged P1/P2 incidents that were open at start-up', () => {
    const alerter = new Alerter();
    alerter.snapshot(emptySnapshot([incident(1, { severity: 'critical' })]), RULES, 0);
    expect(alerter.due(noAlarms, RULES, 5 * MINUTE).map((n) => n.incident)).toEqual([1]);
  });
});

describe('mute', () => {
  it('suppresses everything while it lasts and ends by itself', () => {
    const alerter = started();
    const muted = { ...RULES, mutedUntil: 15 * MINUTE };
    expect(isMuted(muted, 0)).toBe(true);
    expect(alerter.batch(opened(incident(1, { severity: 'critical' })), noAlarms, muted, 0)).toEqual([]);
    const escalated: Batch = {
      ...changed(incident(1, { severity: 'critical', escalation_level: 1 })),
      events: [event({ kind: 'incident_escalated', incident: 1, level: 1, reason: 'policy', notify: [] })],
    };
    expect(alerter.batch(escalated, noAlarms, muted, MINUTE)).toEqual([]);
    expect(alerter.due(noAlarms, muted, 10 * MINUTE)).toEqual([]);

    // Expired: the same rules no longer mute, and what still waits is repeated at once.
    expect(isMuted(muted, 15 * MINUTE)).toBe(false);
    expect(alerter.due(noAlarms, muted, 15 * MINUTE).map((n) => [n.kind, n.incident])).toEqual([['repeat', 1]]);
    expect(alerter.batch(opened(incident(2, { severity: 'major' })), noAlarms, muted, 16 * MINUTE)).toHaveLength(1);
  });

  it('ended early, lets the next incident through', () => {
    const alerter = started();
    const muted = { ...RULES, mutedUntil: 60 * MINUTE };
    expect(alerter.batch(opened(incident(1, { severity: 'critical' })), noAlarms, muted, 0)).toEqual([]);
    const unmuted = { ...RULES, mutedUntil: null };
    expect(alerter.batch(opened(incident(2, { severity: 'critical' })), noAlarms, unmuted, MINUTE)).toHaveLength(1);
  });
});
