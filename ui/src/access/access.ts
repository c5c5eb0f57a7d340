import type { Action, Role } from '../lib/model';
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

const moments = new Map<string, Intl.DateTimeFormat>();

/** A local date and time to the second, as audit entries and account dates are read. */
export function fullMoment(at: number, locale: string): string {
  let format = moments.get(locale);
  if (format === undefined) {
    format = new Intl.DateTimeFormat(locale, {
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hour12: false,
    });
    moments.set(locale, format);
  }
  return format.format(new Date(at));
}

export type AdminTab = 'operators' | 'devices' | 'audit';

/** The admin screen's tabs the caller may open, in order. */
export function adminTabs(can: (action: Action) => boolean): AdminTab[] {
  const tabs: AdminTab[] = [];
  if (can('manage_accounts')) tabs.push('operators', 'devices');
  if (can('read_audit')) tabs.push('audit');
  return tabs;
}

/** The tab named in the page's address (`#/admin?tab=audit`), if the caller may open it. */
export function tabOf(hash: string, open: readonly AdminTab[]): AdminTab | null {
  const query = hash.split('?')[1] ?? '';
  const named = new URLSearchParams(query).get('tab');
  return open.find((tab) => tab === named) ?? open[0] ?? null;
}

/** The wall's address as a screen opens it: the hub answers a path, the console adds its origin. */
export function wallAddress(origin: string, url: string): string {
  return /^https?:\/\//.test(url) ? url : `${origin}${url.startsWith('/') ? '' : '/'}${url}`;
}
