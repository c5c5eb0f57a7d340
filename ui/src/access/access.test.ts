import { describe, expect, it } from 'vitest';
import { adminTabs, loginProblem, secondsLeft, tabOf, wallAddress } from './access';
import { ApiError, LoginRefusal, auditPath } from '../lib/backend';
import { pageOpen } from '../lib/route';
import { commandFor, keysFor } from '../board/keyboard';
import type { Action } from '../lib/model';

describe('sign-in problems', () => {
  it('name each refusal of the hub', () => {
    expect(loginProblem(new ApiError(401, 'wrong_credentials', 'x')).key).toBe('access.login.wrong');
    expect(loginProblem(new ApiError(403, 'account_disabled', 'x')).key).toBe('access.login.disabled');
    expect(loginProblem(new TypeError('Failed to fetch')).key).toBe('access.login.unreachable');
    const other = loginProblem(new ApiError(500, 'internal', 'disk full'));
    expect(other).toEqual({ key: 'access.login.failed', wait: null, message: 'disk full' });
  });

  it('carry the wait of too many attempts, with a minute when the hub gave none', () => {
    expect(loginProblem(new LoginRefusal(429, 'too_many_attempts', 'x', 17)).wait).toBe(17);
    expect(loginProblem(new ApiError(429, 'too_many_attempts', 'x')).wait).toBe(60);
    expect(loginProblem(new ApiError(401, 'wrong_credentials', 'x')).wait).toBeNull();
  });

  it('count down in whole seconds', () => {
    expect(secondsLeft(10_000, 0)).toBe(10);
    expect(secondsLeft(10_000, 9_001)).toBe(1);
    expect(secondsLeft(10_000, 12_000)).toBe(0);
  });
});

describe('what a role sees', () => {
  const as = (actions: Action[]) => (action: Action) => actions.includes(action);

  it('opens the admin page to account managers and audit readers only', () => {
    expect(pageOpen('admin', as(['view', 'work_incidents']))).toBe(false);
    expect(pageOpen('admin', as(['view', 'read_audit']))).toBe(true);
    expect(pageOpen('admin', as(['view', 'manage_accounts']))).toBe(true);
    expect(pageOpen('board', as(['view']))).toBe(true);
  });

  it('leaves a viewer the keys that read and move, not those that work incidents', () => {
    const press = (key: string) => ({ key, ctrlKey: false, metaKey: false, altKey: false, target: null });
    for (const key of ['a', 'c', 'i', 'e', 'x']) {
      expect(commandFor(press(key), false), key).toBeNull();
      expect(commandFor(press(key), true), key).not.toBeNull();
    }
    expect(commandFor(press('j'), false)).toBe('down');
    expect(commandFor(press('Enter'), false)).toBe('open');
    const listed = keysFor(false).map((k) => k.command);
    expect(listed).not.toContain('acknowledge');
    expect(listed).toContain('help');
    expect(keysFor(true).length).toBeGreaterThan(listed.length);
  });
});

describe('the audit query', () => {
  it('pages with before and filters by a trimmed actor', () => {
    expect(auditPath({})).toBe('/api/audit');
    expect(auditPath({ limit: 50, before: 120, actor: ' li ' })).toBe('/api/audit?before=120&limit=50&actor=li');
    expect(auditPath({ actor: '  ' })).toBe('/api/audit');
  });
});

describe('the admin screen', () => {
  const as = (actions: Action[]) => (action: Action) => actions.includes(action);

  it('offers accounts and screens to account managers, the audit to its readers', () => {
    expect(adminTabs(as(['view', 'manage_accounts', 'read_audit']))).toEqual(['operators', 'devices', 'audit']);
    expect(adminTabs(as(['view', 'read_audit']))).toEqual(['audit']);
    expect(adminTabs(as(['view']))).toEqual([]);
  });

  it('opens the tab the address names, if the caller may', () => {
    expect(tabOf('#/admin?tab=audit', ['operators', 'devices', 'audit'])).toBe('audit');
    expect(tabOf('#/admin?tab=operators', ['audit'])).toBe('audit');
    expect(tabOf('#/admin', ['operators', 'audit'])).toBe('operators');
    expect(tabOf('#/admin', [])).toBeNull();
  });

  it('gives the wall screen an address on this hub', () => {
    expect(wallAddress('https://hub.lan:7878', '/wall?token=abc')).toBe('https://hub.lan:7878/wall?token=abc');
    expect(wallAddress('https://hub.lan:7878', 'https://other:1/wall?token=abc')).toBe('https://other:1/wall?token=abc');
  });
});
