// Which incidents deserve a desktop notification, and when to remind about them again.
// Pure: the time is always passed in, so tests drive it with a fake clock.
import type { Alarm, Batch, Incident, Severity, Snapshot } from '../lib/model';
import { severityRank } from '../lib/severity';

export type NoticeKind = 'opened' | 'escalated' | 'overdue' | 'repeat';

export interface Notice {
  kind: NoticeKind;
  incident: number;
  /** Untrusted source text. */
  title: string;
  severity: Severity;
  /** The escalation level, for `escalated`. */
  level?: number;
}

/** The workstation's rules, read at every decision so that a change applies at once. */
export interface Rules {
  /** The least severity announced when an incident opens. */
  threshold: Severity;
  /** How often an unacknowledged P1/P2 incident is announced again; 0 = never. */
  repeatMs: number;
  /** Until when (epoch ms) nothing is announced; `null` = not muted. */
  mutedUntil: number | null;
}

export function isMuted(rules: Pick<Rules, 'mutedUntil'>, now: number): boolean {
  return rules.mutedUntil !== null && now < rules.mutedUntil;
}

interface Tracked {
  incident: Incident;
  /** When it was last announced; `null` while it never was (below threshold, held). */
  announcedAt: number | null;
}

type AlarmLookup = (id: number) => Alarm | undefined;

const CLOSED: ReadonlySet<Incident['status']> = new Set(['resolved', 'reviewed', 'merged']);

function isOpen(incident: Incident): boolean {
  return !CLOSED.has(incident.status);
}

function isUnacknowledged(incident: Incident): boolean {
  return incident.acknowledged === null && incident.status === 'open';
}

/** P1/P2: the severities that are repeated until somebody acknowledges them. */
function isUrgent(severity: Severity): boolean {
  return severityRank(severity) >= severityRank('major');
}

export class Alerter {
  private tracked = new Map<number, Tracked>();
  private seeded = false;

  /**
   * A snapshot: the first one (at start) is what the operator sees on the board right
   * away, so nothing in it is announced, though its unacknowledged P1/P2 incidents are
   * repeated later. A later snapshot (after a reconnect) announces what was missed.
   */
  snapshot(snapshot: Snapshot, rules: Rules, now: number): Notice[] {
    const alarms = new Map(snapshot.alarms.map((a) => [a.id, a]));
    const present = new Set(snapshot.incidents.map((i) => i.id));
    for (const id of this.tracked.keys()) if (!present.has(id)) this.tracked.delete(id);
    const first = !this.seeded;
    this.seeded = true;
    for (const incident of snapshot.incidents) {
      const known = this.tracked.get(incident.id);
      if (known !== undefined) known.incident = incident;
      else if (isOpen(incident)) this.tracked.set(incident.id, { incident, announcedAt: first ? now : null });
    }
    this.forgetClosed();
    const announced = this.announceNew(this.tracked.keys(), (id) => alarms.get(id), rules);
    for (const notice of announced) this.markAnnounced(notice.incident, now);
    return isMuted(rules, now) ? [] : announced;
  }

  /** A batch, after the board applied it; `alarmOf` answers the current alarms. */
  batch(batch: Batch, alarmOf: AlarmLookup, rules: Rules, now: number): Notice[] {
    const { changes } = batch;
    const changedAlarms = new Map(changes.alarms.map((a) => [a.id, a]));
    const lookup: AlarmLookup = (id) => changedAlarms.get(id) ?? alarmOf(id);
    for (const incident of changes.incidents) {
      const known = this.tracked.get(incident.id);
      if (known !== undefined) known.incident = incident;
      else if (isOpen(incident)) this.tracked.set(incident.id, { incident, announcedAt: null });
    }
    for (const id of changes.removed_incidents) this.tracked.delete(id);

    const notices: Notice[] = [];
    for (const event of batch.events) {
      const body = event.body;
      if (body.kind !== 'incident_escalated' && body.kind !== 'incident_update_overdue') continue;
      const entry = this.tracked.get(body.incident);
      if (entry === undefined || !isOpen(entry.incident)) continue;
      const notice: Notice = {
        kind: body.kind === 'incident_escalated' ? 'escalated' : 'overdue',
        incident: body.incident,
        title: entry.incident.title,
        severity: entry.incident.severity,
      };
      if (body.kind === 'incident_escalated') notice.level = body.level;
      notices.push(notice);
    }
    // Only what this batch touched can have changed: its incidents, and the incidents
    // of its alarms (a root alarm that stopped flapping). A storm stays cheap.
    const touched = new Set(changes.incidents.map((i) => i.id));
    for (const a of changes.alarms) if (a.incident !== null) touched.add(a.incident);
    const announced = this.announceNew(touched, lookup, rules);
    // An escalation or a missed deadline says more than "opened": one notice per incident.
    const told = new Set(notices.map((n) => n.incident));
    const all = [...notices, ...announced.filter((n) => !told.has(n.incident))];
    for (const notice of all) this.markAnnounced(notice.incident, now);
    this.forgetClosed();
    return isMuted(rules, now) ? [] : all;
  }

  /**
   * Reminders that are due: unacknowledged open P1/P2 incidents announced `repeatMs`
   * ago or longer. Nothing while muted, and the reminders are not pushed back by a
   * mute either, so the first tick after it ends reminds of what is still waiting.
   */
  due(alarmOf: AlarmLookup, rules: Rules, now: number): Notice[] {
    if (rules.repeatMs <= 0 || isMuted(rules, now)) return [];
    const notices: Notice[] = [];
    for (const entry of this.tracked.values()) {
      const { incident } = entry;
      if (entry.announcedAt === null || now - entry.announcedAt < rules.repeatMs) continue;
      if (!isUnacknowledged(incident) || !isUrgent(incident.severity)) continue;
      if (!meetsThreshold(incident, rules) || isHeld(incident, alarmOf)) continue;
      entry.announcedAt = now;
      notices.push({ kind: 'repeat', incident: incident.id, title: incident.title, severity: incident.severity });
    }
    return notices;
  }

  /**
   * Incidents never announced that now qualify: newly opened ones, ones whose severity
   * rose to the threshold, ones whose root alarm stopped flapping or left maintenance.
   */
  private announceNew(ids: Iterable<number>, alarmOf: AlarmLookup, rules: Rules): Notice[] {
    const notices: Notice[] = [];
    for (const id of ids) {
      const entry = this.tracked.get(id);
      if (entry === undefined) continue;
      const { incident } = entry;
      if (entry.announcedAt !== null || !isUnacknowledged(incident)) continue;
      if (!meetsThreshold(incident, rules) || isHeld(incident, alarmOf)) continue;
      notices.push({ kind: 'opened', incident: incident.id, title: incident.title, severity: incident.severity });
    }
    return notices;
  }

  private forgetClosed(): void {
    for (const [id, entry] of this.tracked) if (!isOpen(entry.incident)) this.tracked.delete(id);
  }

  private markAnnounced(id: number, now: number): void {
    const entry = this.tracked.get(id);
    if (entry !== undefined) entry.announcedAt = now;
  }
}

function meetsThreshold(incident: Incident, rules: Rules): boolean {
  return severityRank(incident.severity) >= severityRank(rules.threshold);
}

/** The hub holds notifications of a flapping or maintenance-suppressed root alarm. */
function isHeld(incident: Incident, alarmOf: AlarmLookup): boolean {
  if (incident.root_alarm === null) return false;
  const root = alarmOf(incident.root_alarm);
  return root !== undefined && (root.flapping || root.suppressed_by !== null);
}
