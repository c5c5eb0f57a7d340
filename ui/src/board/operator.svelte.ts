import { operatorName } from '../lib/backend';

/** The account signed in on this console, which names the operator instead of the workstation's setting. */
let signedIn: string | null = null;

/**
 * The operator's name, reactive: the "mine" filter and the owner column follow a
 * change at once. The workstation's name itself lives in backend.ts (localStorage).
 */
export const operator = $state({ name: operatorName() });

export function operatorRenamed(): void {
  operator.name = signedIn ?? operatorName();
}

/** With a personal sign-in the operator is the account, whatever the workstation is called. */
export function operatorSignedIn(name: string | null): void {
  signedIn = name;
  operatorRenamed();
}
