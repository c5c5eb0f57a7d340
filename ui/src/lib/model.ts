// Generated from crates/noc-model by `cargo test -p noc-model` with UPDATE_BINDINGS=1.
// Do not edit by hand: a test fails when this file and the Rust types disagree.

export type Severity = "critical" | "major" | "minor" | "warning" | "unknown" | "info";

export type Role = "viewer" | "operator" | "duty_manager" | "admin";

export type Action = "view" | "work_incidents" | "act_at_sources" | "plan_maintenance" | "edit_topology" | "send_notices" | "keep_shift" | "manage_roster" | "configure" | "manage_accounts" | "read_audit" | "review" | "export_recordings" | "run_drills";

export type Layer = "saas" | "paas" | "iaas";

export type NodeKind = "business_system" | "service" | "middleware" | "database" | "host" | "network_device" | "link" | "site" | "rack" | "group";

export type RelationKind = "runs_on" | "depends_on" | "connects_to" | "located_in";

export type Point = { x: number, y: number, };

export type TopologyView = "layered" | "network";

export type NodePositions = { layered?: Point, network?: Point, };

export type Node = { id: string, name: string, kind: NodeKind, layer: Layer, 
/**
 * Other names the node is known by (IP addresses, DNS names, a source's own host
 * name): an alarm naming any of them belongs to this node, and discovery from two
 * sources merges on them.
 */
aliases?: Array<string>, attributes?: { [key in string]: string }, 
/**
 * Teams or people responsible for the node.
 */
owners?: Array<string>, 
/**
 * Who contributed the node: `source:<name>` for discovery, `import:<name>` for a
 * file, `operator` for an edit in the console. The node stays while any remain.
 */
origins?: Array<string>, positions?: NodePositions, };

export type Relation = { from: string, to: string, kind: RelationKind, 
/**
 * As for nodes: the relation stays while any contributor remains.
 */
origins?: Array<string>, };

export type Topology = { nodes: Array<Node>, relations: Array<Relation>, };

export type TopologyChange = { upsert_nodes: Array<Node>, remove_nodes: Array<string>, upsert_relations: Array<Relation>, remove_relations: Array<Relation>, };

export type NodePosition = { id: string, x: number, y: number, };

export type ImpactPath = { nodes: Array<string>, relations: Array<RelationKind>, };

export type ReachedNode = { id: string, hops: number, path: ImpactPath, };

export type NodeImpact = { node: string, upstream: Array<ReachedNode>, downstream: Array<ReachedNode>, business_systems: Array<ReachedNode>, };

export type IncidentImpact = { incident: number, root: string | null, failing: Array<string>, blast_radius: Array<string>, business_systems: Array<ReachedNode>, };

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
count: number, incident: number | null, 
/**
 * Why it joined its incident, in words an operator can check.
 */
reason: string | null, 
/**
 * Changing between firing and cleared too often: notifications are held.
 */
flapping: boolean, 
/**
 * The maintenance window that suppresses it, while one does.
 */
suppressed_by: string | null, 
/**
 * Nobody has looked at it yet (its incident is unacknowledged and nobody marked it
 * seen). A cleared unseen alarm stays in the unseen queue after its incident closes.
 */
unseen: boolean, };

export type IncidentStatus = "open" | "acknowledged" | "identified" | "mitigated" | "resolved" | "reviewed" | "merged";

export type Mark = { by: string, at: number, };

export type Identification = { by: string, at: number, cause: string, layer: Layer | null, };

export type Review = { by: string, at: number, summary: string, };

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
 * The last time anything happened to the incident (an alarm, an action).
 */
updated_at: number, comments: number, 
/**
 * The first member alarm's first sighting: where the 1-5-10 clocks start.
 */
started_at: number, identified: Identification | null, mitigated: Mark | null, 
/**
 * Who resolved it: an operator, or `engine` when every alarm stayed cleared.
 */
resolved_by: string | null, reviewed: Review | null, 
/**
 * The last operator update (comment, milestone, notice): the update deadline
 * counts from here.
 */
last_update_at: number, 
/**
 * The update deadline passed without an update.
 */
update_overdue: boolean, 
/**
 * 0 until an escalation policy (or an operator) escalates it.
 */
escalation_level: number, merged_into: number | null, };

export type ClockTargets = { detect_ms: number, identify_ms: number, recover_ms: number, };

export type EscalationStep = { level: number, after_ms: number, min_severity: Severity, 
/**
 * Names of notification channels.
 */
notify: Array<string>, };

export type FlappingRule = { changes: number, window_ms: number, };

export type GroupingRule = { name: string, labels: Array<string>, window_ms: number, };

export type FingerprintRule = { source: string, labels: Array<string>, };

export type CausalRule = { cause: string, effect: string, };

export type DutyPolicy = { targets: ClockTargets, 
/**
 * An open incident needs an operator update (comment or milestone) at least this often.
 */
update_every_ms: number, escalation: Array<EscalationStep>, flapping: FlappingRule, grouping: Array<GroupingRule>, fingerprints: Array<FingerprintRule>, 
/**
 * Cause → effect rules between alarm types. When there are any, alarms on related
 * nodes share an incident only if their types are related by them.
 */
causal: Array<CausalRule>, };

export type ClockState = "running" | "amber" | "missed" | "met";

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
targets: boolean, kpis: Array<KpiQuery>, 
/**
 * Discover the topology from the scrape targets and their labels
 * (docs/discovery.md); on unless turned off.
 */
discover_topology: boolean, } | { "kind": "zabbix", url: string, user: string | null, secret: SecretRef, 
/**
 * Discover the topology from the hosts and host groups (docs/discovery.md);
 * on unless turned off.
 */
discover_topology: boolean, } | { "kind": "http_probe" } & HttpProbe | { "kind": "tcp_probe" } & TcpProbe | { "kind": "dns_probe" } & DnsProbe | { "kind": "icmp_probe" } & IcmpProbe | { "kind": "blackbox_probe" } & BlackboxProbe;

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

export type Recurrence = "once" | "daily" | "weekly";

export type MaintenanceWindow = { id: string, title: string, 
/**
 * Start of the first occurrence. A daily or weekly window repeats at the same
 * instant every 24 h / 7 days (wall-clock time of the site that planned it).
 */
starts_at: number, 
/**
 * End of the first occurrence.
 */
ends_at: number, recurrence: Recurrence, 
/**
 * A recurring window stops repeating after this instant; `None` = for ever.
 */
until: number | null, 
/**
 * Alarms whose labels match every matcher (an empty list matches no labels-only rule).
 */
matchers: Array<Matcher>, 
/**
 * Alarms on these topology nodes (by id).
 */
nodes: Array<string>, created_by: string, };

export type NoticeKind = "initial" | "update" | "final";

export type NoticeLanguage = "zh" | "en";

export type NoticeDraft = { incident: number, kind: NoticeKind, 
/**
 * 事件: what happened, where.
 */
what: string, 
/**
 * 影响: the business systems and services affected.
 */
impact: string, 
/**
 * 处置: what has been found and done.
 */
actions: string, 
/**
 * 下次更新: when the next notice is due; `null` for a final notice.
 */
next_update_at: number | null, 
/**
 * Channel names: in a draft, every configured channel.
 */
channels: Array<string>, 
/**
 * The offset from UTC the notice's times are written in (480 for China
 * Standard Time). The console drafts with its workstation's offset.
 */
utc_offset_minutes: number, };

export type NoticeTexts = { zh: string, en: string, };

export type NoticeDelivery = { channel: string, ok: boolean, 
/**
 * Why it failed, in words; never the channel's URL or secret.
 */
error: string | null, };

export type ShiftDef = { name: string, 
/**
 * Local time of day, `HH:MM`.
 */
start: string, 
/**
 * 1 to 24.
 */
hours: number, };

export type Team = { name: string, 
/**
 * Operator names, as they sign in.
 */
members: Array<string>, };

export type Roster = { 
/**
 * The site's offset from UTC, in minutes (480 = China); shift times are local.
 */
utc_offset_minutes: number, 
/**
 * The shifts of a day, in order, together covering 24 hours.
 */
shifts: Array<ShiftDef>, 
/**
 * The teams, in the order they take the shift slots.
 */
teams: Array<Team>, 
/**
 * The local day (`YYYY-MM-DD`) whose first shift goes to the first team.
 */
anchor_day: string, 
/**
 * The patrol checklist (巡检) of every shift.
 */
patrol: Array<string>, };

export type ShiftSlot = { 
/**
 * `<shift name>@<start>`: names the slot in overrides, handovers, logs and patrols.
 */
key: string, shift: string, start: number, end: number, team: string, 
/**
 * The team's members after overrides and swaps.
 */
members: Array<string>, };

export type DutyOverride = { 
/**
 * The slot key.
 */
shift: string, replaced: string, by: string, reason: string, };

export type SwapSide = { 
/**
 * The slot key.
 */
shift: string, operator: string, };

export type HandoverIncident = { id: number, title: string, severity: Severity, status: IncidentStatus, 
/**
 * Who acknowledged (owns) it.
 */
owner: string | null, opened_at: number, update_overdue: boolean, };

export type ShiftLogEntry = { 
/**
 * The slot key.
 */
shift: string, at: number, by: string, text: string, };

export type PatrolResult = { 
/**
 * The slot key.
 */
shift: string, 
/**
 * One item of the roster's patrol checklist.
 */
item: string, ok: boolean, note: string, at: number, by: string, };

export type HandoverSummary = { 
/**
 * The outgoing slot's key.
 */
shift: string, next_shift: string | null, generated_at: number, 
/**
 * Worst first, then oldest first.
 */
open_incidents: Array<HandoverIncident>, unseen_alarms: number, 
/**
 * Incidents whose update deadline passed.
 */
overdue_updates: Array<number>, 
/**
 * Maintenance in force or starting within 12 hours.
 */
changes: Array<MaintenanceWindow>, patrol: Array<PatrolResult>, log: Array<ShiftLogEntry>, 
/**
 * The outgoing shift's own words.
 */
notes: string, };

export type Handover = { shift: string, next_shift: string | null, summary: HandoverSummary, signed: Mark, accepted: Mark | null, 
/**
 * What the incoming shift said on accepting.
 */
remarks: string, };

export type DutyState = { roster: Roster | null, 
/**
 * Overrides and swaps, in the order they were made.
 */
overrides: Array<DutyOverride>, 
/**
 * The last 30 handovers, oldest first.
 */
handovers: Array<Handover>, 
/**
 * The last 500 entries, oldest first.
 */
log: Array<ShiftLogEntry>, 
/**
 * The last 500 results, oldest first; one per slot and item.
 */
patrol: Array<PatrolResult>, };

export type Fault = { "kind": "alarm", node: string, severity: Severity, title: string, text: string, 
/**
 * The source name the alarm appears to come from (`drill` when absent).
 */
source: string | null, } | { "kind": "probe_failure", probe: string, node: string | null, detail: string, } | { "kind": "source_outage", source: string, detail: string, };

export type InjectedFault = { 
/**
 * Seconds after the drill starts.
 */
at_secs: number, 
/**
 * Seconds after the drill starts; absent = the fault stays until the drill ends.
 */
clear_at_secs: number | null, } & ({ "kind": "alarm", node: string, severity: Severity, title: string, text: string, 
/**
 * The source name the alarm appears to come from (`drill` when absent).
 */
source: string | null, } | { "kind": "probe_failure", probe: string, node: string | null, detail: string, } | { "kind": "source_outage", source: string, detail: string, });

export type ExpectedRootCause = { 
/**
 * The topology node the fault is really on.
 */
node: string, layer: Layer | null, 
/**
 * Words of which one in the identified cause also counts as naming it.
 */
keywords: Array<string>, };

export type StepCompletion = "check" | "acknowledge" | "identify" | "mitigate" | "resolve" | "notice" | "escalate" | "comment";

export type ExpectedStep = { id: string, title: string, title_zh: string, 
/**
 * Seconds after the first fault by which the step should be done.
 */
within_secs: number | null, 
/**
 * What counts as doing it.
 */
done_by: StepCompletion, };

export type Expectation = { root_cause: ExpectedRootCause, 
/**
 * The runbook (预案) steps the team is expected to take, in order.
 */
steps: Array<ExpectedStep>, };

export type Scenario = { 
/**
 * Short identifier (letters, digits, `-`, `_`), unique among the scenarios.
 */
name: string, title: string, title_zh: string, description: string, description_zh: string, 
/**
 * The 1-5-10 targets the drill is scored against; the hub's policy when absent.
 */
targets: ClockTargets | null, 
/**
 * The timeline of injected faults, by offset from the drill's start.
 */
faults: Array<InjectedFault>, expect: Expectation, };

export type InjectedRecord = { 
/**
 * Index into the scenario's faults.
 */
index: number, at: number, 
/**
 * The fault started (`true`) or cleared.
 */
started: boolean, summary: string, };

export type StepDone = { id: string, by: string, at: number, };

export type DrillMilestones = { 
/**
 * The console raised the incident on the board.
 */
detected: number | null, acknowledged: Mark | null, identified: Identification | null, 
/**
 * The root node the identifying operator named, if any.
 */
identified_node: string | null, mitigated: Mark | null, 
/**
 * The identified cause names the expected node (its id, name or an alias, as the
 * topology knew them when it was identified).
 */
cause_names_expected: boolean, 
/**
 * Service back: the incident resolved (by an operator or by every alarm clearing).
 */
recovered: number | null, };

export type DrillState = { id: string, scenario: Scenario, started_by: string, started_at: number, 
/**
 * The 1-5-10 targets in force (the scenario's, or the hub's policy).
 */
targets: ClockTargets, injected: Array<InjectedRecord>, 
/**
 * The incident the team works: the first one the injected faults opened (followed
 * through merges).
 */
incident: number | null, milestones: DrillMilestones, steps: Array<StepDone>, ended: Mark | null, end_reason: string, };

export type Verdict = "met" | "late" | "pending" | "missed";

export type DrillPhase = "detect" | "acknowledge" | "identify" | "mitigate" | "recover";

export type PhaseScore = { phase: DrillPhase, target_ms: number, at: number | null, 
/**
 * From the first injected fault.
 */
took_ms: number | null, by: string | null, verdict: Verdict, };

export type RootCauseVerdict = { expected_node: string, expected_layer: Layer | null, 
/**
 * The cause as the team identified it, and the node it named.
 */
identified_cause: string | null, identified_node: string | null, identified_layer: Layer | null, 
/**
 * `None` until the team identifies a cause.
 */
matches: boolean | null, };

export type StepScore = { id: string, title: string, title_zh: string, within_ms: number | null, done_at: number | null, took_ms: number | null, by: string | null, verdict: Verdict, };

export type Scorecard = { drill: string, scenario: string, title: string, title_zh: string, started_at: number, 
/**
 * When the first fault was injected: the phases and steps count from here.
 */
fault_at: number | null, ended_at: number | null, scored_at: number, incident: number | null, phases: Array<PhaseScore>, root_cause: RootCauseVerdict, steps: Array<StepScore>, 
/**
 * Phases and steps met, of all phases and steps, and the root cause when right.
 */
met: number, total: number, };

export type RecordingKind = "drill" | "production";

export type RecordingInfo = { 
/**
 * The file's name in the hub's recordings folder, without `.nocrec`.
 */
id: string, title: string, kind: RecordingKind, 
/**
 * The recorded time range: the board at `from_at` is where the replay starts.
 */
from_at: number, to_at: number, 
/**
 * The log's seqs in the recording (the original seqs, kept).
 */
first_seq: number, last_seq: number, events: number, created_at: number, created_by: string, 
/**
 * The version of the console that wrote it.
 */
written_by: string, 
/**
 * The scenario's name for a drill.
 */
scenario: string | null, annotations: number, bytes: number, };

export type Annotation = { id: number, 
/**
 * The moment of the recording it is about.
 */
at: number, by: string, written_at: number, text: string, };

export type EventBody = { "kind": "alarm_raised", alarm: Alarm, } | { "kind": "alarm_updated", alarm: number, severity: Severity, title: string, text: string, count: number, 
/**
 * The source's labels when they changed (an acknowledgement or maintenance
 * flag in the source); absent means unchanged, as in logs written before.
 */
labels?: { [key in string]: string }, } | { "kind": "alarm_cleared", alarm: number, } | { "kind": "incident_opened", incident: number, title: string, severity: Severity, root_node: string | null, system: string | null, layer: Layer | null, reason: string, } | { "kind": "alarm_grouped", incident: number, alarm: number, 
/**
 * This alarm is now the incident's root-cause candidate.
 */
root: boolean, reason: string, } | { "kind": "incident_acknowledged", incident: number, } | { "kind": "incident_commented", incident: number, text: string, } | { "kind": "incident_resolved", incident: number, } | { "kind": "incident_identified", incident: number, cause: string, layer: Layer | null, root_node: string | null, } | { "kind": "incident_mitigated", incident: number, note: string, } | { "kind": "incident_reviewed", incident: number, summary: string, } | { "kind": "incident_escalated", incident: number, level: number, reason: string, 
/**
 * Notification channels to tell.
 */
notify: Array<string>, } | { "kind": "incident_update_overdue", incident: number, due_at: number, } | { "kind": "incidents_merged", incident: number, from: number, } | { "kind": "incident_split", incident: number, into: number, alarms: Array<number>, root: number, title: string, } | { "kind": "alarm_flapping", alarm: number, flapping: boolean, } | { "kind": "alarm_suppressed", alarm: number, window: string | null, } | { "kind": "alarm_retired", alarm: number, } | { "kind": "alarms_seen", alarms: Array<number>, } | { "kind": "maintenance_scheduled", window: MaintenanceWindow, } | { "kind": "maintenance_cancelled", id: string, } | { "kind": "notification_sent", incident: number | null, channel: string, 
/**
 * What caused it: `opened`, `escalated`, `overdue`, `test`, …
 */
trigger: string, ok: boolean, detail: string, } | { "kind": "source_health_changed", health: SourceHealth, } | { "kind": "topology_loaded", origin: string, topology: Topology, } | { "kind": "topology_edited", change: TopologyChange, } | { "kind": "topology_positions_set", view: TopologyView, positions: Array<NodePosition>, } | { "kind": "source_defined", definition: SourceDefinition, } | { "kind": "source_removed", name: string, } | { "kind": "silence_created", source: string, silence_id: string, matchers: Array<Matcher>, ends_at: number, comment: string, 
/**
 * The incident whose alarm was silenced, for its timeline.
 */
incident: number | null, } | { "kind": "silence_expired", source: string, silence_id: string, incident: number | null, } | { "kind": "alarm_acknowledged_at_source", alarm: number, source: string, message: string, incident: number | null, } | { "kind": "write_back_failed", incident: number, alarm: number, source: string, reason: string, } | { "kind": "notice_sent", incident: number, 
/**
 * Initial, update or final (`kind` is the event's own tag).
 */
notice_kind: NoticeKind, languages: Array<NoticeLanguage>, text_zh: string, text_en: string, channels: Array<string>, deliveries: Array<NoticeDelivery>, next_update_at: number | null, } | { "kind": "operator_added", name: string, role: Role, } | { "kind": "operator_changed", name: string, role: Role, disabled: boolean, } | { "kind": "operator_removed", name: string, } | { "kind": "device_registered", name: string, } | { "kind": "device_revoked", name: string, } | { "kind": "roster_defined", roster: Roster, } | { "kind": "duty_overridden", override: DutyOverride, } | { "kind": "shift_swapped", first: DutyOverride, second: DutyOverride, } | { "kind": "handover_signed", handover: Handover, } | { "kind": "handover_accepted", shift: string, remarks: string, } | { "kind": "shift_logged", entry: ShiftLogEntry, } | { "kind": "patrol_recorded", result: PatrolResult, } | { "kind": "drill_started", drill: string, scenario: Scenario, targets: ClockTargets, } | { "kind": "drill_fault_injected", index: number, started: boolean, summary: string, } | { "kind": "drill_step_checked", step: string, } | { "kind": "drill_ended", reason: string, };

export type Event = { seq: number, at: number, 
/**
 * Who caused it: an operator's name, `engine`, or `source:<name>`.
 */
actor: string, 
/**
 * What it is about: `incident:7`, `alarm:42`, `source:demo`, `topology`.
 */
subject: string, body: EventBody, };

export type Snapshot = { seq: number, alarms: Array<Alarm>, incidents: Array<Incident>, sources: Array<SourceHealth>, maintenance: Array<MaintenanceWindow>, 
/**
 * The roster, what the shifts recorded and the latest handover.
 */
duty: DutyState, 
/**
 * The drill, when this hub runs one: every screen marks itself DRILL.
 */
drill: DrillState | null, };

export type Changes = { alarms: Array<Alarm>, incidents: Array<Incident>, sources: Array<SourceHealth>, removed_alarms: Array<number>, removed_incidents: Array<number>, 
/**
 * Sources no longer watched (removed or disabled): their health leaves the strip.
 */
removed_sources: Array<string>, topology_changed: boolean, maintenance: Array<MaintenanceWindow>, removed_maintenance: Array<string>, 
/**
 * The roster, a handover, the shift log or a patrol changed: refetch `/api/duty`.
 */
duty_changed: boolean, 
/**
 * The drill's run changed (a fault, a step, a milestone, its end).
 */
drill_changed: boolean, };

export type Batch = { first_seq: number, last_seq: number, events: Array<Event>, changes: Changes, };

