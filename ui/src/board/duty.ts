// Pure logic of the incident detail: milestones, the update deadline, member alarm
// roles, links back to the source, and what the source confirmed of a write-back.
import type { Alarm, Event, Incident, Matcher } from '../lib/model';

export type MilestoneName = 'opened' | 'acknowledged' | 'identified' | 'mitigated' | 'resolved' | 'reviewed';

export interface Milestone {
  name: MilestoneName;
  /** `null` when not reached yet. */
  at: number | null;
  /** Who reached it; the engine opens incidents (and may resolve them). */
  by: string | null;
}

export function milestones(incident: Incident): Milestone[] {
  const mark = (name: MilestoneName, m: { by: string; at: number } | null): Milestone => ({
    name,
    at: m?.at ?? null,
    by: m?.by ?? null,
  });
  return [
    { name: 'opened', at: incident.opened_at, by: 'engine' },
    mark('acknowledged', incident.acknowledged),
    mark('identified', incident.identified),
    mark('mitigated', incident.mitigated),
    { name: 'resolved', at: incident.resolved_at, by: incident.resolved_at === null ? null : incident.resolved_by },
    mark('reviewed', incident.reviewed),
  ];
}

const CLOSED = new Set(['resolved', 'reviewed', 'merged']);

export type UpdateDeadline = { kind: 'none' } | { kind: 'due'; inMs: number } | { kind: 'overdue'; sinceMs: number };

/**
 * An open incident needs an operator update every `everyMs`. The hub's flag wins when
 * it says overdue (its clock decides); otherwise the countdown is from the last update.
 */
export function updateDeadline(incident: Incident, everyMs: number, now: number): UpdateDeadline {
  if (CLOSED.has(incident.status)) return { kind: 'none' };
  const due = incident.last_update_at + everyMs;
  if (incident.update_overdue || now > due) return { kind: 'overdue', sinceMs: Math.max(0, now - due) };
  return { kind: 'due', inMs: due - now };
}

/** Member alarms split into the root-cause candidate and its symptoms, in the incident's order. */
export function memberRoles(incident: Incident): { root: number[]; symptoms: number[] } {
  const root = incident.root_alarm !== null && incident.alarms.includes(incident.root_alarm) ? [incident.root_alarm] : [];
  return { root, symptoms: incident.alarms.filter((id) => id !== incident.root_alarm) };
}

/** Labels in which sources name a page about the alarm, best first. */
const LINK_LABELS = ['generatorURL', 'generator_url', 'panelURL', 'dashboardURL', 'url'];

/**
 * The alarm's page in its source, when the source put one in its labels. Label values
 * are untrusted: only an absolute http(s) address is a link (never `javascript:`).
 */
export function sourceLink(alarm: Alarm): string | null {
  for (const name of LINK_LABELS) {
    const value = alarm.labels[name];
    if (value === undefined || value === '') continue;
    try {
      const url = new URL(value);
      if (url.protocol === 'http:' || url.protocol === 'https:') return url.href;
    } catch {
      // Not an address; try the next label.
    }
  }
  return null;
}

/** Alertmanager's matcher semantics: regexes are anchored; `is_equal: false` negates. */
export function matches(matcher: Matcher, labels: Record<string, string>): boolean {
  const value = labels[matcher.name] ?? '';
  let hit: boolean;
  if (matcher.is_regex) {
    try {
      hit = new RegExp(`^(?:${matcher.value})$`).test(value);
    } catch {
      hit = false;
    }
  } else hit = value === matcher.value;
  return hit === matcher.is_equal;
}

export type WriteBack = 'confirmed' | 'failed' | 'pending';

export interface WriteBackState {
  state: WriteBack;
  /** The source's message, or why it failed (untrusted text). */
  detail: string;
  /** The silence that stands for the acknowledgement, when it was one. */
  silence?: string;
}

/**
 * What each member alarm's source made of the acknowledgement, read from the timeline:
 * acknowledged at the source (Zabbix) or covered by a silence made for the incident
 * (Alertmanager) is confirmed; a `write_back_failed` is failed; nothing yet is pending.
 * Only alarms in `writable` (whose source can take a write-back) are reported.
 */
export function writeBackStates(
  events: readonly Event[],
  incident: Incident,
  alarms: readonly Alarm[],
  writable: (alarm: Alarm) => boolean,
): Map<number, WriteBackState> {
  const states = new Map<number, WriteBackState>();
  const ackAt = incident.acknowledged?.at;
  if (ackAt === undefined) return states;
  for (const alarm of alarms) if (writable(alarm)) states.set(alarm.id, { state: 'pending', detail: '' });
  for (const event of events) {
    if (event.at < ackAt) continue;
    const body = event.body;
    if (body.kind === 'alarm_acknowledged_at_source' && states.has(body.alarm)) {
      states.set(body.alarm, { state: 'confirmed', detail: body.message });
    } else if (body.kind === 'write_back_failed' && states.has(body.alarm)) {
      states.set(body.alarm, { state: 'failed', detail: body.reason });
    } else if (body.kind === 'silence_created' && body.incident === incident.id) {
      for (const alarm of alarms) {
        if (alarm.source === body.source && states.has(alarm.id) && body.matchers.every((m) => matches(m, alarm.labels))) {
          states.set(alarm.id, { state: 'confirmed', detail: '', silence: body.silence_id });
        }
      }
    }
  }
  return states;
}

/** Whether the timeline shows that a write-back was asked for with the acknowledgement. */
export function wroteBack(events: readonly Event[], incident: Incident): boolean {
  const ackAt = incident.acknowledged?.at;
  if (ackAt === undefined) return false;
  return events.some(
    (e) =>
      e.at >= ackAt &&
      (e.body.kind === 'alarm_acknowledged_at_source' ||
        e.body.kind === 'write_back_failed' ||
        (e.body.kind === 'silence_created' && e.body.incident === incident.id)),
  );
}

/** Incidents another can be merged into this one from: open ones, by id or title. */
export function mergeCandidates(all: readonly Incident[], into: Incident, query: string): Incident[] {
  const q = query.trim().toLowerCase();
  return all.filter(
    (i) =>
      i.id !== into.id &&
      !CLOSED.has(i.status) &&
      (q === '' || `inc-${i.id}`.includes(q) || String(i.id) === q || i.title.toLowerCase().includes(q)),
  );
}
