import { ApiError } from '../lib/backend';

/** A refusal as the operator needs it: the hub's stable code, then its words. */
export function refusalText(error: unknown): string {
  if (error instanceof ApiError) return `${error.code}: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}
