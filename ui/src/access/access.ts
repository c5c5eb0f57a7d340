import type { Role } from '../lib/model';
import type { MessageKey } from '../lib/i18n/en';
import { ApiError, LoginRefusal } from '../lib/backend';

export const ROLES: readonly Role[] = ['viewer', 'operator', 'duty_manager', 'admin'];

export function roleKey(role: Role): MessageKey {
  return `access.role.${role}`;
}

/** What a sign-in attempt tells the person at the keyboard, with the wait when there is one. */
export interface LoginProblem {
  key: MessageKey;
  /** Seconds until another attempt is let through (too many attempts). */
  wait: number | null;
  /** The hub's own words, for a refusal the console has no sentence of its own for. */
  message: string;
}

const LOGIN_PROBLEMS: Record<string, MessageKey> = {
  wrong_credentials: 'access.login.wrong',
  too_many_attempts: 'access.login.tooMany',
  account_disabled: 'access.login.disabled',
};

export function loginProblem(error: unknown): LoginProblem {
  if (error instanceof ApiError) {
    const key = LOGIN_PROBLEMS[error.code] ?? (error.status === 401 ? 'access.login.wrong' : 'access.login.failed');
    const wait = error instanceof LoginRefusal ? error.retryAfter : null;
    return { key, wait: key === 'access.login.tooMany' ? (wait ?? 60) : null, message: error.message };
  }
  // fetch itself failed: nothing answered at all.
  return { key: 'access.login.unreachable', wait: null, message: '' };
}

/** Whole seconds left until `until` (unix ms), never below zero. */
export function secondsLeft(until: number, now: number): number {
  return Math.max(0, Math.ceil((until - now) / 1000));
}
