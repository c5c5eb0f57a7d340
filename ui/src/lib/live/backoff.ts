const FIRST_MS = 500;
const MAX_MS = 15_000;

/**
 * How long to wait before reconnect attempt `attempt` (0-based): doubling up to a
 * ceiling, with jitter so that a wall of screens does not reconnect in lockstep.
 */
export function nextDelay(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(MAX_MS, FIRST_MS * 2 ** Math.min(attempt, 10));
  return Math.round(base * (0.75 + 0.5 * random()));
}
