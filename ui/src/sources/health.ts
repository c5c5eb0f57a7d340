import type { HealthStatus } from '../lib/model';

export type Tone = 'ok' | 'warn' | 'bad';

/** Working, working with a caveat, or not delivering data. */
export function healthTone(status: HealthStatus): Tone {
  switch (status) {
    case 'ok':
      return 'ok';
    case 'slow':
    case 'degraded':
    case 'unmapped_severity':
      return 'warn';
    default:
      return 'bad';
  }
}
