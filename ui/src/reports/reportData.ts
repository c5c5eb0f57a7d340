// `GET /api/reports?format=json`: the numbers of a report, as crates/noc-report's
// `ReportData` serialises them (unix ms, durations in ms).
import type { ClockState, ClockTargets, IncidentStatus, Mark, NoticeKind, Scorecard, Severity } from '../lib/model';
import type { SeverityCounts } from '../wall/dutyStats';
import type { ReportKind } from './query';

export interface VolumeBucket {
  start: number;
  raised: SeverityCounts;
}

export interface SystemCount {
  /** Null: incidents the topology placed in no business system. */
  system: string | null;
  incidents: number;
}

/** Median and mean, null when nothing was counted. */
export interface DurationSummary {
  count: number;
  median_ms: number | null;
  mean_ms: number | null;
}

export interface ClockTally {
  met: number;
  missed: number;
  /** Still running at the end of the range, within its target. */
  running: number;
}

export interface ClockCompliance {
  detect: ClockTally;
  identify: ClockTally;
  recover: ClockTally;
}

export interface SourceNoise {
  source: string;
  alarms: number;
  /** Of all alarms raised in the range, 0..=1. */
  share: number;
}

export interface OverdueUpdate {
  incident: number;
  title: string;
  due_at: number;
  ended_at: number | null;
  overdue_ms: number;
}

export interface IncidentRow {
  id: number;
  title: string;
  severity: Severity;
  status: IncidentStatus;
  system: string | null;
  opened_at: number;
  started_at: number;
  acknowledged: Mark | null;
  identified: Mark | null;
  mitigated: Mark | null;
  resolved_at: number | null;
  resolved_by: string | null;
  time_to_acknowledge_ms: number | null;
  time_to_identify_ms: number | null;
  time_to_mitigate_ms: number | null;
  time_to_resolve_ms: number | null;
  clocks: { detect: ClockState; identify: ClockState; recover: ClockState };
  alarms: number;
}

export interface TimelineEntry {
  seq: number;
  at: number;
  actor: string;
  kind: string;
  detail: string;
}

export interface AlarmRow {
  id: number;
  source: string;
  node: string | null;
  severity: Severity;
  title: string;
  first_seen: number;
  cleared_at: number | null;
  count: number;
}

export interface NoticeRow {
  at: number;
  by: string;
  kind: NoticeKind;
  text_zh: string;
  text_en: string;
  channels: string[];
  delivered: number;
  attempted: number;
}

export interface IncidentReview {
  incident: IncidentRow;
  cause: string | null;
  timeline: TimelineEntry[];
  alarms: AlarmRow[];
  notices: NoticeRow[];
}

export interface ReportData {
  kind: ReportKind;
  title: string | null;
  /** The covered range, both ends included. */
  from: number;
  to: number;
  utc_offset_minutes: number;
  targets: ClockTargets;
  bucket_ms: number;
  volume: VolumeBucket[];
  alarms_raised: SeverityCounts;
  incidents_by_severity: SeverityCounts;
  incidents_by_system: SystemCount[];
  incidents_opened: number;
  mtta: DurationSummary;
  mttr: DurationSummary;
  compliance: ClockCompliance;
  noisiest_sources: SourceNoise[];
  overdue_updates: OverdueUpdate[];
  incidents: IncidentRow[];
  review: IncidentReview | null;
  scorecard: Scorecard | null;
}

const SEVERITIES = ['critical', 'major', 'minor', 'warning', 'unknown', 'info'] as const;

export function countOf(counts: SeverityCounts): number {
  return SEVERITIES.reduce((sum, severity) => sum + counts[severity], 0);
}

/** Percent of the decided clocks that met their target; null when none was decided. */
export function compliancePercent(tally: ClockTally): number | null {
  const decided = tally.met + tally.missed;
  return decided === 0 ? null : Math.floor((tally.met / decided) * 100);
}
