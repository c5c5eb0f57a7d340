// The 1-5-10 clocks of an incident, as the engine counts them (noc-model policy.rs):
// all three start at the first alarm; detect stops at acknowledgement, identify at
// 定界, recover at mitigation or resolution, whichever came first.
import type { ClockState, ClockTargets, Incident } from './model';

export type ClockName = 'detect' | 'identify' | 'recover';

/**
 * `skipped`: the incident closed without this milestone (e.g. resolved without being
 * identified); the clock stays where it was at the close instead of running on.
 */
export type ShownClockState = ClockState | 'skipped';

export interface Clock {
  name: ClockName;
  state: ShownClockState;
  /** From the first alarm to the stop, or to `now` while it runs. */
  elapsedMs: number;
  targetMs: number;
  /** When it stopped; `null` while it runs. */
  stoppedAt: number | null;
}

/** Amber from 80 % of the target on, as the engine does. */
export function clockState(start: number, stop: number | null, target: number, now: number): ClockState {
  const elapsed = (stop ?? now) - start;
  if (elapsed > target) return 'missed';
  if (stop !== null) return 'met';
  return elapsed * 5 >= target * 4 ? 'amber' : 'running';
}

function recoveredAt(incident: Incident): number | null {
  const mitigated = incident.mitigated?.at ?? null;
  const resolved = incident.resolved_at;
  if (mitigated !== null && resolved !== null) return Math.min(mitigated, resolved);
  return mitigated ?? resolved;
}

export function incidentClocks(incident: Incident, targets: ClockTargets, now: number): Clock[] {
  const closedAt = incident.resolved_at;
  const clock = (name: ClockName, stop: number | null, targetMs: number): Clock => ({
    name,
    state: stop === null && closedAt !== null ? 'skipped' : clockState(incident.started_at, stop, targetMs, now),
    elapsedMs: Math.max(0, (stop ?? closedAt ?? now) - incident.started_at),
    targetMs,
    stoppedAt: stop,
  });
  return [
    clock('detect', incident.acknowledged?.at ?? null, targets.detect_ms),
    clock('identify', incident.identified?.at ?? null, targets.identify_ms),
    clock('recover', recoveredAt(incident), targets.recover_ms),
  ];
}

/** The targets until `GET /api/policy` answers: the 1-5-10 the engine defaults to. */
export const DEFAULT_TARGETS: ClockTargets = { detect_ms: 60_000, identify_ms: 300_000, recover_ms: 600_000 };
