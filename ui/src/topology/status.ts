import type { Alarm, Incident, Severity, Topology } from '../lib/model';
import { severityRank } from '../lib/severity';
import { isOpen } from '../lib/live/board';

/** What the overlay shows on one node. */
export interface NodeStatus {
  /** The worst active alarm on the node; `null` when none is active. */
  severity: Severity | null;
  /** Every active alarm on the node is suppressed by a maintenance window. */
  suppressed: boolean;
  /** A critical alarm nobody has acknowledged yet: the node pulses. */
  unacknowledgedCritical: boolean;
  /** The root-cause candidate of an open incident. */
  root: boolean;
}

/** Node ids by their own id and by every alias, as alarms may name either. */
export type AliasIndex = ReadonlyMap<string, string>;

export function aliasIndex(topology: Topology): AliasIndex {
  const index = new Map<string, string>();
  // Aliases first, so that a node's own id wins over another node's alias of the same text.
  for (const node of topology.nodes) for (const alias of node.aliases ?? []) if (!index.has(alias)) index.set(alias, node.id);
  for (const node of topology.nodes) index.set(node.id, node.id);
  return index;
}

export function worse(a: Severity | null, b: Severity | null): Severity | null {
  if (a === null) return b;
  if (b === null) return a;
  return severityRank(b) > severityRank(a) ? b : a;
}

const QUIET: NodeStatus = { severity: null, suppressed: false, unacknowledgedCritical: false, root: false };

/**
 * The overlay's status of every node something is happening on: nodes absent from the
 * answer are quiet. A suppressed alarm only counts while nothing unsuppressed is active
 * there, so maintenance dims a node without hiding a real fault beside it.
 */
export function nodeStatuses(alarms: readonly Alarm[], incidents: readonly Incident[], index: AliasIndex): Map<string, NodeStatus> {
  const statuses = new Map<string, NodeStatus>();
  const unacknowledged = new Set<number>();
  for (const incident of incidents) if (incident.status === 'open') unacknowledged.add(incident.id);
  const live = new Map<string, Severity | null>();
  const dimmed = new Map<string, Severity | null>();
  for (const alarm of alarms) {
    if (alarm.status !== 'active' || alarm.node === null) continue;
    const id = index.get(alarm.node);
    if (id === undefined) continue;
    const status = statuses.get(id) ?? { ...QUIET };
    statuses.set(id, status);
    if (alarm.suppressed_by !== null) {
      dimmed.set(id, worse(dimmed.get(id) ?? null, alarm.severity));
      continue;
    }
    live.set(id, worse(live.get(id) ?? null, alarm.severity));
    if (alarm.severity === 'critical' && (alarm.incident === null || unacknowledged.has(alarm.incident))) {
      status.unacknowledgedCritical = true;
    }
  }
  for (const [id, status] of statuses) {
    const severity = live.get(id) ?? null;
    status.severity = severity ?? dimmed.get(id) ?? null;
    status.suppressed = severity === null;
  }
  for (const incident of incidents) {
    if (!isOpen(incident) || incident.root_node === null) continue;
    const id = index.get(incident.root_node);
    if (id === undefined) continue;
    const status = statuses.get(id) ?? { ...QUIET };
    status.root = true;
    statuses.set(id, status);
  }
  return statuses;
}

/** A status as one comparable word, so that a diff is one string comparison per node. */
export function statusKey(status: NodeStatus | undefined): string {
  if (status === undefined) return '';
  return `${status.severity ?? '-'}${status.suppressed ? 's' : ''}${status.unacknowledgedCritical ? 'p' : ''}${status.root ? 'r' : ''}`;
}

/** The nodes whose status differs between `before` and `after` (keys as from `statusKey`). */
export function changedNodes(before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>): string[] {
  const changed: string[] = [];
  for (const [id, key] of after) if (before.get(id) !== key) changed.push(id);
  for (const id of before.keys()) if (!after.has(id)) changed.push(id);
  return changed;
}

export function statusKeys(statuses: ReadonlyMap<string, NodeStatus>): Map<string, string> {
  const keys = new Map<string, string>();
  for (const [id, status] of statuses) keys.set(id, statusKey(status));
  return keys;
}
