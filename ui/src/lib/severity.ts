import type { Severity } from './model';

/** Worst first: the order of the board, the header counts and the legend. */
export const SEVERITIES: readonly Severity[] = [
  'critical',
  'major',
  'minor',
  'warning',
  'unknown',
  'info',
];

const RANK: Record<Severity, number> = {
  critical: 5,
  major: 4,
  minor: 3,
  warning: 2,
  unknown: 1,
  info: 0,
};

/** Same ranking as the hub's `Severity::rank`: higher is worse. */
export function severityRank(severity: Severity): number {
  return RANK[severity];
}
