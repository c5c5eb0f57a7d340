import { ApiError, type BulkResult } from '../lib/backend';
import { refusalText } from './refusal';

/** One line of a bulk action's outcome, for the operator to read. */
export interface BulkLine {
  incident: number;
  ok: boolean;
  /** Why the hub refused, in its words; null when done. */
  refusal: string | null;
}

export interface BulkOutcome {
  action: 'acknowledge' | 'resolve' | 'escalate' | 'comment' | 'merge';
  /** For a merge: the incident the others went into. */
  into: number | null;
  lines: BulkLine[];
}

/** Every incident asked about gets a line, even one the hub's answer left out. */
export function outcomeLines(asked: readonly number[], results: readonly BulkResult[]): BulkLine[] {
  const byId = new Map(results.map((r) => [r.incident, r]));
  return asked.map((incident) => {
    const result = byId.get(incident);
    if (result === undefined) return { incident, ok: false, refusal: 'no answer for this incident' };
    if (result.ok) return { incident, ok: true, refusal: null };
    if (result.error === null) return { incident, ok: false, refusal: 'refused' };
    const { code, message, by } = result.error;
    return { incident, ok: false, refusal: refusalText(new ApiError(409, code, message, by ?? null)) };
  });
}

/** The same answer for every incident asked about (a single call that did or did not work). */
export function sameForAll(asked: readonly number[], refusal: string | null): BulkLine[] {
  return asked.map((incident) => ({ incident, ok: refusal === null, refusal }));
}

/** What stays selected after an action: the incidents it was not done for. */
export function stillSelected(selected: readonly number[], lines: readonly BulkLine[]): number[] {
  const done = new Set(lines.filter((l) => l.ok).map((l) => l.incident));
  return selected.filter((id) => !done.has(id));
}
