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

export type HealthStatus = "ok" | "slow" | "degraded" | "stale" | "unreachable" | "auth_failed" | "bad_payload" | "unmapped_severity";

export type SourceHealth = { source: string, kind: string, status: HealthStatus, 
/**
 * The error text or remark, as the source gave it (untrusted text).
 */
detail: string, since: number, last_ok: number | null, 
/**
 * The data shown comes from the built-in simulator, not a real network.
 */
demo: boolean, };

export type SecretRef = { "from": "env", name: string, } | { "from": "keyring", entry: string, };

export type HttpAuth = { user: string | null, secret: SecretRef, };

export type KpiQuery = { name: string, query: string, unit: string | null, };

export type HttpProbe = { url: string, 
/**
 * `GET` unless set.
 */
method: string | null, 
/**
 * Accepted status codes; empty means 200–399.
 */
expect_status: Array<number>, 
/**
 * The body must contain this text.
 */
keyword: string | null, 
/**
 * The body must match this regular expression.
 */
regex: string | null, 
/**
 * A JSONPath into the body (e.g. `$.status`) and the value it must have.
 */
json_path: string | null, json_equals: string | null, 
/**
 * Warn when the TLS certificate expires within this many days.
 */
cert_warn_days: number | null, auth: HttpAuth | null, };

export type TcpProbe = { host: string, port: number, };

export type DnsProbe = { name: string, 
/**
 * `A` unless set (A, AAAA, CNAME, MX, TXT, NS).
 */
record_type: string | null, 
/**
 * `ip` or `ip:port`; empty means the system resolver.
 */
resolvers: Array<string>, 
/**
 * Every answer must be one of these (empty: any answer is fine).
 */
expected: Array<string>, };

export type IcmpProbe = { host: string, };

export type BlackboxProbe = { 
/**
 * The exporter's base URL, e.g. `http://probe-dc2:9115`.
 */
exporter_url: string, module: string, target: string, };

export type SourceSettings = { "kind": "alertmanager", urls: Array<string>, auth: HttpAuth | null, } | { "kind": "prometheus", url: string, auth: HttpAuth | null, 
/**
 * Report scrape targets that are down as alarms on their node.
 */
targets: boolean, kpis: Array<KpiQuery>, } | { "kind": "zabbix", url: string, user: string | null, secret: SecretRef, } | { "kind": "http_probe" } & HttpProbe | { "kind": "tcp_probe" } & TcpProbe | { "kind": "dns_probe" } & DnsProbe | { "kind": "icmp_probe" } & IcmpProbe | { "kind": "blackbox_probe" } & BlackboxProbe;

export type SourceDefinition = { 
/**
 * Unique among sources; part of every alarm fingerprint of this source.
 */
name: string, enabled: boolean, interval_secs: number | null, timeout_secs: number | null, 
/**
 * Optional topology node the source's alarms belong to when they name none.
 */
node: string | null, settings: SourceSettings, };

export type SourceOrigin = "file" | "console";

export type CheckReport = { status: HealthStatus, 
/**
 * The error, or what was found ("12 alerts", "HTTP 200 in 84 ms").
 */
detail: string, took_ms: number, 
/**
 * The software version the source reported, when it tells.
 */
version: string | null, };

export type ProbeTimings = { dns_ms: number | null, connect_ms: number | null, tls_ms: number | null, first_byte_ms: number | null, total_ms: number | null, };

export type ProbeResult = { 
/**
 * The probe's source name.
 */
probe: string, 
/**
 * Which resolver / exporter answered, when a probe asks several; else empty.
 */
vantage: string, at: number, ok: boolean, timings: ProbeTimings, status_code: number | null, 
/**
 * Why it failed, or a remark (untrusted text).
 */
detail: string, cert_expires_at: number | null, };

export type Matcher = { name: string, value: string, is_regex: boolean, 
/**
 * `false` for a negative matcher (`!=`, `!~`).
 */
is_equal: boolean, };

export type Silence = { id: string, matchers: Array<Matcher>, starts_at: number, ends_at: number, created_by: string, comment: string, 
/**
 * `active`, `pending` or `expired`.
 */
state: string, };

export type KpiReading = { source: string, name: string, value: number | null, unit: string | null, at: number, 
/**
 * Why there is no value (query error, no series).
 */
error: string | null, };

export type EventBody = { "kind": "alarm_raised", alarm: Alarm, } | { "kind": "alarm_updated", alarm: number, severity: Severity, title: string, text: string, count: number, 
/**
 * The source's labels when they changed (an acknowledgement or maintenance
 * flag in the source); absent means unchanged, as in logs written before.
 */
labels?: { [key in string]: string }, } | { "kind": "alarm_cleared", alarm: number, } | { "kind": "incident_opened", incident: number, title: string, severity: Severity, root_node: string | null, system: string | null, layer: Layer | null, reason: string, } | { "kind": "alarm_grouped", incident: number, alarm: number, 
/**
 * This alarm is now the incident's root-cause candidate.
 */
root: boolean, reason: string, } | { "kind": "incident_acknowledged", incident: number, } | { "kind": "incident_commented", incident: number, text: string, } | { "kind": "incident_resolved", incident: number, } | { "kind": "source_health_changed", health: SourceHealth, } | { "kind": "topology_loaded", topology: Topology, } | { "kind": "source_defined", definition: SourceDefinition, } | { "kind": "source_removed", name: string, } | { "kind": "silence_created", source: string, silence_id: string, matchers: Array<Matcher>, ends_at: number, comment: string, 
/**
 * The incident whose alarm was silenced, for its timeline.
 */
incident: number | null, } | { "kind": "silence_expired", source: string, silence_id: string, incident: number | null, } | { "kind": "alarm_acknowledged_at_source", alarm: number, source: string, message: string, incident: number | null, };

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

export type Changes = { alarms: Array<Alarm>, incidents: Array<Incident>, sources: Array<SourceHealth>, removed_alarms: Array<number>, removed_incidents: Array<number>, 
/**
 * Sources no longer watched (removed or disabled): their health leaves the strip.
 */
removed_sources: Array<string>, topology_changed: boolean, };

export type Batch = { first_seq: number, last_seq: number, events: Array<Event>, changes: Changes, };

