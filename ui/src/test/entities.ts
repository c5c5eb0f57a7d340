import type { Alarm, Batch, Changes, DutyState, Incident, Node, SourceHealth, Topology } from '../lib/model';

export function alarm(id: number, over: Partial<Alarm> = {}): Alarm {
  return {
    id,
    fingerprint: `fp-${id}`,
    source: 'prometheus-dc1',
    node: `host-${id}`,
    severity: 'major',
    title: `Alarm ${id}`,
    text: '',
    labels: {},
    status: 'active',
    first_seen: 1_000 + id,
    last_seen: 2_000 + id,
    cleared_at: null,
    count: 1,
    incident: null,
    reason: null,
    flapping: false,
    suppressed_by: null,
    unseen: true,
    ...over,
  };
}

export function incident(id: number, over: Partial<Incident> = {}): Incident {
  return {
    id,
    title: `Incident ${id}`,
    severity: 'major',
    status: 'open',
    root_node: null,
    root_alarm: null,
    system: null,
    layer: null,
    alarms: [],
    nodes: [],
    active_alarms: 0,
    reason: '',
    opened_at: 10_000 + id,
    acknowledged: null,
    resolved_at: null,
    updated_at: 10_000 + id,
    comments: 0,
    started_at: 10_000 + id,
    identified: null,
    mitigated: null,
    resolved_by: null,
    reviewed: null,
    last_update_at: 10_000 + id,
    update_overdue: false,
    escalation_level: 0,
    merged_into: null,
    ...over,
  };
}

export function source(name: string, over: Partial<SourceHealth> = {}): SourceHealth {
  return { source: name, kind: 'prometheus', status: 'ok', detail: '', since: 0, last_ok: 0, demo: false, ...over };
}

export function batch(first: number, last: number, changes: Partial<Changes> = {}): Batch {
  return {
    first_seq: first,
    last_seq: last,
    events: [],
    changes: {
      alarms: [],
      incidents: [],
      sources: [],
      removed_alarms: [],
      removed_incidents: [],
      removed_sources: [],
      topology_changed: false,
      maintenance: [],
      removed_maintenance: [],
      duty_changed: false,
      drill_changed: false,
      ...changes,
    },
  };
}

export function node(id: string, over: Partial<Node> = {}): Node {
  return { id, name: `Node ${id}`, kind: 'host', layer: 'iaas', ...over };
}

export function topology(nodes: Node[]): Topology {
  return { nodes, relations: [] };
}

/** The duty part of a snapshot when no roster has been defined. */
export function noDuty(): DutyState {
  return { roster: null, overrides: [], handovers: [], log: [], patrol: [] };
}
