import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

/** A Web Storage held in memory, as a browser tab has one. */
class MemoryStorage {
  private items = new Map<string, string>();
  getItem(key: string): string | null {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.items.set(key, value);
  }
  removeItem(key: string): void {
    this.items.delete(key);
  }
}

// The operator's name is read from the workstation's storage as the modules load.
vi.stubGlobal('localStorage', new MemoryStorage());
const { CallerSession, can, session } = await import('./session.svelte');
const { operator } = await import('../board/operator.svelte');
const { getInfo, hasToken, LoginRefusal } = await import('../lib/backend');

type Answer = { status: number; body?: unknown; headers?: Record<string, string> };
let answers: Map<string, Answer>;
let sent: { path: string; method: string; headers: Record<string, string>; body: string | undefined }[];

function answer(method: string, path: string, reply: Answer): void {
  answers.set(`${method} ${path}`, reply);
}

const VIEWER = { name: 'wang', display_name: 'Wang Fang', role: 'viewer', actions: ['view'] };

beforeEach(() => {
  vi.useFakeTimers();
  answers = new Map();
  sent = [];
  vi.stubGlobal('sessionStorage', new MemoryStorage());
  vi.stubGlobal('localStorage', new MemoryStorage());
  vi.stubGlobal('fetch', async (path: string, init: RequestInit) => {
    const method = init.method ?? 'GET';
    sent.push({ path, method, headers: init.headers as Record<string, string>, body: init.body as string | undefined });
    const reply = answers.get(`${method} ${path}`);
    if (reply === undefined) throw new TypeError('Failed to fetch');
    return new Response(reply.body === undefined ? null : JSON.stringify(reply.body), {
      status: reply.status,
      headers: reply.headers,
    });
  });
});

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

const signedIn = (body: typeof VIEWER, expiresAt = Date.now() + 3_600_000) => ({
  status: 200,
  body: { token: 'tok-1', expires_at: expiresAt, operator: body, actions: body.actions },
});

describe('the caller session', () => {
  it('asks for a sign-in when no token is kept, without asking the hub', async () => {
    const caller = new CallerSession();
    const stop = caller.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(caller.state).toBe('signed_out');
    expect(sent).toEqual([]);
    stop();
  });

  it('signs in without sending an old token, keeps the new one for the tab and names the operator', async () => {
    sessionStorage.setItem('noc.token', 'stale');
    answer('POST', '/api/login', signedIn(VIEWER));
    const caller = new CallerSession();
    await caller.signIn('wang', 'secret-pass', 'tab');
    expect(sent[0]!.headers['Authorization']).toBeUndefined();
    expect(JSON.parse(sent[0]!.body ?? '')).toEqual({ name: 'wang', password: 'secret-pass' });
    expect(sessionStorage.getItem('noc.token')).toBe('tok-1');
    expect(localStorage.getItem('noc.token')).toBeNull();
    expect(caller.state).toBe('signed_in');
    expect(caller.personal).toBe(true);
    expect(operator.name).toBe('wang');
    await caller.signOut();
    expect(operator.name).toBe('');
  });

  it('keeps the token on the workstation when asked to', async () => {
    answer('POST', '/api/login', signedIn(VIEWER));
    await new CallerSession().signIn('wang', 'pw', 'workstation');
    expect(localStorage.getItem('noc.token')).toBe('tok-1');
    expect(sessionStorage.getItem('noc.token')).toBeNull();
  });

  it('reads the wait of too many attempts from Retry-After', async () => {
    answer('POST', '/api/login', {
      status: 429,
      body: { code: 'too_many_attempts', message: 'slow down' },
      headers: { 'Retry-After': '42' },
    });
    const refusal = await new CallerSession().signIn('wang', 'pw', 'tab').catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(LoginRefusal);
    expect((refusal as InstanceType<typeof LoginRefusal>).retryAfter).toBe(42);
    expect(hasToken()).toBe(false);
  });

  it('shows the launch link as what the hub says it is, and lets can() follow the actions', async () => {
    sessionStorage.setItem('noc.token', 'launch');
    answer('GET', '/api/session', {
      status: 200,
      body: { ...VIEWER, name: 'hub', role: 'admin', actions: ['view', 'manage_accounts'], credential: { kind: 'launch_token' }, expires_at: null },
    });
    const stop = session.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(session.state).toBe('signed_in');
    expect(session.personal).toBe(false);
    expect(can('manage_accounts')).toBe(true);
    expect(can('work_incidents')).toBe(false);
    expect(sent[0]!.headers['Authorization']).toBe('Bearer launch');
    await session.signOut();
    expect(can('view')).toBe(false);
    stop();
  });

  it('ends with "expired" when any request is answered session_expired, and forgets the token', async () => {
    answer('POST', '/api/login', signedIn(VIEWER));
    answer('GET', '/api/info', { status: 401, body: { code: 'session_expired', message: 'expired' } });
    const stop = session.start();
    await session.signIn('wang', 'pw', 'tab');
    await expect(getInfo()).rejects.toThrow('expired');
    expect(session.state).toBe('expired');
    expect(hasToken()).toBe(false);
    expect(session.refused).toBe(false);
    stop();
  });

  it('asks the hub again just after the session should end, so an idle console learns of it', async () => {
    answer('POST', '/api/login', signedIn(VIEWER, Date.now() + 60_000));
    const stop = session.start();
    await session.signIn('wang', 'pw', 'tab');
    answer('GET', '/api/session', { status: 401, body: { code: 'session_expired', message: 'expired' } });
    await vi.advanceTimersByTimeAsync(59_000);
    expect(session.state).toBe('signed_in');
    await vi.advanceTimersByTimeAsync(3_000);
    expect(session.state).toBe('expired');
    stop();
  });

  it('tells a refused launch token apart from never having had one', async () => {
    sessionStorage.setItem('noc.token', 'wrong');
    answer('GET', '/api/session', { status: 401, body: { code: 'unauthorized', message: 'no' } });
    const caller = new CallerSession();
    const stop = caller.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(caller.state).toBe('signed_out');
    expect(caller.refused).toBe(true);
    stop();
  });

  it('says the hub is unreachable and asks again', async () => {
    sessionStorage.setItem('noc.token', 'tok');
    const caller = new CallerSession();
    const stop = caller.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(caller.state).toBe('unreachable');
    answer('GET', '/api/session', {
      status: 200,
      body: { ...VIEWER, credential: { kind: 'session' }, expires_at: null },
    });
    await vi.advanceTimersByTimeAsync(3_000);
    expect(caller.state).toBe('signed_in');
    stop();
  });
});
