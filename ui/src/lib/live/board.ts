import type { Alarm, Incident, IncidentStatus, Severity, SourceHealth } from '../model';
import { SEVERITIES, severityRank } from '../severity';

// As the hub's `IncidentStatus::is_closed`: a merged incident lives on in another.
const CLOSED: ReadonlySet<IncidentStatus> = new Set(['resolved', 'reviewed', 'merged']);

export function isOpen(incident: Incident): boolean {
  return !CLOSED.has(incident.status);
}

/** The board's order: open before closed, then worst severity, then newest. */
export function compareIncidents(a: Incident, b: Incident): number {
  return (
    Number(isOpen(b)) - Number(isOpen(a)) ||
    severityRank(b.severity) - severityRank(a.severity) ||
    b.opened_at - a.opened_at ||
    b.id - a.id
  );
}

export function boardIncidents(incidents: Iterable<Incident>): Incident[] {
  return [...incidents].sort(compareIncidents);
}

/** Active alarms, worst first, most recently seen first within a severity. */
export function activeAlarms(alarms: Iterable<Alarm>): Alarm[] {
  const active: Alarm[] = [];
  for (const alarm of alarms) if (alarm.status === 'active') active.push(alarm);
  return active.sort(
    (a, b) =>
      severityRank(b.severity) - severityRank(a.severity) ||
      b.last_seen - a.last_seen ||
      b.id - a.id,
  );
}

/**
 * The unseen queue: alarms that cleared before anyone looked at them. They stay in the
 * live state until marked seen; newest clearance first.
 */
export function unseenQueue(alarms: Iterable<Alarm>): Alarm[] {
  const unseen: Alarm[] = [];
  for (const alarm of alarms) if (alarm.unseen && alarm.status === 'cleared') unseen.push(alarm);
  return unseen.sort((a, b) => (b.cleared_at ?? b.last_seen) - (a.cleared_at ?? a.last_seen) || b.id - a.id);
}

export type SeverityCounts = Record<Severity, number>;

/** Open incidents per severity, for the header. */
export function openCounts(incidents: Iterable<Incident>): SeverityCounts {
  const counts = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as SeverityCounts;
  for (const incident of incidents) if (isOpen(incident)) counts[incident.severity] += 1;
  return counts;
}

/** Sources whose data cannot be trusted right now, named on the board. */
export function unhealthySources(sources: Iterable<SourceHealth>): SourceHealth[] {
  return [...sources].filter((s) => s.status !== 'ok').sort((a, b) => a.source.localeCompare(b.source));
}

export function anyDemo(sources: Iterable<SourceHealth>): boolean {
  for (const s of sources) if (s.demo) return true;
  return false;
}
