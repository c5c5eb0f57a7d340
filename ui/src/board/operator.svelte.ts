import { operatorName } from '../lib/backend';

/**
 * The workstation's operator name, reactive: the "mine" filter and the owner column
 * follow a name change at once. The name itself lives in backend.ts (localStorage).
 */
export const operator = $state({ name: operatorName() });

export function operatorRenamed(): void {
  operator.name = operatorName();
}
