// How the scorecard reads on screen: a pending phase counts up from the first fault,
// so the team sees the clock running against its target. Pure, so it is tested here.
import type { DrillState, PhaseScore, StepCompletion, StepScore, Verdict } from '../lib/model';

/** The time a phase or step shows: what it took, or — while pending — how long it has been. */
export interface ShownTime {
  ms: number | null;
  /** Still running: the figure grows every second. */
  running: boolean;
  /** A pending phase already past its target: it can only end late now. */
  overdue: boolean;
}

export function phaseTime(phase: PhaseScore, faultAt: number | null, now: number): ShownTime {
  return shownTime(phase.verdict, phase.took_ms, phase.target_ms, faultAt, now);
}

export function stepTime(step: StepScore, faultAt: number | null, now: number): ShownTime {
  return shownTime(step.verdict, step.took_ms, step.within_ms, faultAt, now);
}

function shownTime(verdict: Verdict, took: number | null, target: number | null, faultAt: number | null, now: number): ShownTime {
  if (verdict !== 'pending') return { ms: took, running: false, overdue: false };
  // Nothing counts before the first fault is injected.
  if (faultAt === null) return { ms: null, running: false, overdue: false };
  const ms = Math.max(0, now - faultAt);
  return { ms, running: true, overdue: target !== null && ms > target };
}

/** A step of the runbook checklist: its score, and what ticks it. */
export interface ChecklistStep extends StepScore {
  /** `check`: an operator ticks it by hand; otherwise the console action that does. */
  doneBy: StepCompletion;
  done: boolean;
}

/** The scorecard's steps with the scenario's way of completing each (a hand check by default). */
export function checklist(steps: readonly StepScore[], drill: DrillState | null): ChecklistStep[] {
  const expected = new Map((drill?.scenario.expect.steps ?? []).map((step) => [step.id, step.done_by]));
  return steps.map((step) => ({ ...step, doneBy: expected.get(step.id) ?? 'check', done: step.done_at !== null }));
}

/** Whether an operator may tick `step` by hand: only hand-checked steps, once. */
export function checkable(step: ChecklistStep): boolean {
  return step.doneBy === 'check' && !step.done;
}

/** The title in the UI's language, the English one where no Chinese one was written. */
export function inLanguage(english: string, chinese: string, language: 'en' | 'zh'): string {
  return language === 'zh' && chinese.trim() !== '' ? chinese : english;
}

/** A drill recording's address in the review. */
export function reviewAddress(recording: string): string {
  return `#/review/${encodeURIComponent(recording)}`;
}

/** The drill console's board, from the path the hub serves it at. */
export function consoleAddress(consolePath: string): string {
  return `${consolePath.endsWith('/') ? consolePath : `${consolePath}/`}#/board`;
}
