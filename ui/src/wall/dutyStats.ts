// Generated from crates/noc-report by `cargo test -p noc-report` with UPDATE_BINDINGS=1.
// Do not edit by hand: a test fails when this file and the Rust types disagree.

export type SeverityCounts = { critical: number, major: number, minor: number, warning: number, 
/**
 * A source's unmapped severity: shown, never dropped.
 */
unknown: number, info: number, };

export type Tally = { met: number, total: number, };

export type Compliance = { detect: Tally, identify: Tally, recover: Tally, };

export type SourceCounts = { ok: number, 
/**
 * Data still comes, but slowly, from fewer members, or partly unreadable.
 */
degraded: number, 
/**
 * No data to trust: stale, unreachable, refused, unreadable.
 */
down: number, };

export type DutyStats = { since: number, until: number, 
/**
 * Incidents open at `until`.
 */
open_by_severity: SeverityCounts, opened: number, acknowledged: number, 
/**
 * Mean time to acknowledge; null when nothing was acknowledged.
 */
mtta_ms: number | null, resolved: number, 
/**
 * Mean time to resolve; null when nothing was resolved.
 */
mttr_ms: number | null, compliance: Compliance, sources: SourceCounts, };

