// Generated from crates/noc-model by `cargo test -p noc-model` with UPDATE_BINDINGS=1.
// Do not edit by hand: a test fails when this file and the Rust types disagree.

export type Severity = "critical" | "major" | "minor" | "warning" | "unknown" | "info";

export type Layer = "saas" | "paas" | "iaas";

export type NodeKind = "business_system" | "service" | "middleware" | "database" | "host" | "network_device" | "link" | "site";

export type RelationKind = "runs_on" | "depends_on" | "connects_to" | "located_in";

export type Node = { id: string, name: string, kind: NodeKind, layer: Layer, };

export type Relation = { from: string, to: string, kind: RelationKind, };

export type Topology = { nodes: Array<Node>, relations: Array<Relation>, };

export type AlarmStatus = "active" | "cleared";

export type Alarm = { id: number, fingerprint: string, source: string, 
/**
 * The topology node the alarm is about, when the source names one we know.
 */
node: string | null, severity: Severity, 
/**
 * Untrusted source text: always rendered as text.
 */
title: string, text: string, labels: { [key in string]: string }, status: AlarmStatus, first_seen: number, last_seen: number, cleared_at: number | null, 
/**
 * How many times the source reported it (duplicates are counted, not repeated).
 */
count: number, incident: number | null, };

export type IncidentStatus = "open" | "acknowledged" | "identified" | "mitigated" | "resolved" | "reviewed";

export type Mark = { by: string, at: number, };

export type Incident = { id: number, title: string, 
/**
 * The worst severity among the member alarms still active (or ever, once all cleared).
 */
severity: Severity, status: IncidentStatus, root_node: string | null, root_alarm: number | null, 
/**
 * The affected business system, when the topology says which.
 */
system: string | null, layer: Layer | null, alarms: Array<number>, nodes: Array<string>, active_alarms: number, 
/**
 * Why these alarms were grouped together, in words an operator can check.
 */
reason: string, opened_at: number, acknowledged: Mark | null, resolved_at: number | null, 
/**
 * The last time anything happened to the incident (the 30-minute update rule).
 */
updated_at: number, comments: number, };

export type HealthStatus = "ok" | "slow" | "stale" | "unreachable" | "auth_failed" | "bad_payload" | "unmapped_severity";

export type SourceHealth = { source: string, kind: string, status: HealthStatus, 
/**
 * The error text or remark, as the source gave it (untrusted text).
 */
detail: string, since: number, last_ok: number | null, 
/**
 * The data shown comes from the built-in simulator, not a real network.
 */
demo: boolean, };

export type EventBody = { "kind": "alarm_raised", alarm: Alarm, } | { "kind": "alarm_updated", alarm: number, severity: Severity, title: string, text: string, count: number, } | { "kind": "alarm_cleared", alarm: number, } | { "kind": "incident_opened", incident: number, title: string, severity: Severity, root_node: string | null, system: string | null, layer: Layer | null, reason: string, } | { "kind": "alarm_grouped", incident: number, alarm: number, 
/**
 * This alarm is now the incident's root-cause candidate.
 */
root: boolean, reason: string, } | { "kind": "incident_acknowledged", incident: number, } | { "kind": "incident_commented", incident: number, text: string, } | { "kind": "incident_resolved", incident: number, } | { "kind": "source_health_changed", health: SourceHealth, } | { "kind": "topology_loaded", topology: Topology, };

export type Event = { seq: number, at: number, 
/**
 * Who caused it: an operator's name, `engine`, or `source:<name>`.
 */
actor: string, 
/**
 * What it is about: `incident:7`, `alarm:42`, `source:demo`, `topology`.
 */
subject: string, body: EventBody, };

export type Snapshot = { seq: number, alarms: Array<Alarm>, incidents: Array<Incident>, sources: Array<SourceHealth>, };

export type Changes = { alarms: Array<Alarm>, incidents: Array<Incident>, sources: Array<SourceHealth>, removed_alarms: Array<number>, removed_incidents: Array<number>, topology_changed: boolean, };

export type Batch = { first_seq: number, last_seq: number, events: Array<Event>, changes: Changes, };

