import type { Action } from '../lib/model';
import {
  ApiError,
  forgetToken,
  getSession,
  hasToken,
  keepToken,
  login,
  logout,
  watchSessionLoss,
  type SessionView,
  type TokenKeeping,
} from '../lib/backend';
import { operatorSignedIn } from '../board/operator.svelte';

/**
 * - `checking`: a token is kept and the hub is being asked whose it is;
 * - `unreachable`: the hub did not answer that question (asked again shortly);
 * - `signed_out`: no token, a token the hub refused, or signed out;
 * - `expired`: the session ran out; after signing in again the console carries on where it was.
 */
export type SessionState = 'checking' | 'unreachable' | 'signed_in' | 'signed_out' | 'expired';

const RETRY_MS = 3_000;

/** The caller of this console: who they are, their role, and what it lets them do. */
export class CallerSession {
  state = $state<SessionState>('checking');
  caller = $state.raw<SessionView | null>(null);
  /** The hub refused a token it was given (a stale launch link), as opposed to never having one. */
  refused = $state(false);
  private expiryTimer: ReturnType<typeof setTimeout> | undefined;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;

  /** Called once at start-up, after a launch token in the address has been adopted. */
  start(): () => void {
    watchSessionLoss((error) => this.lost(error));
    void this.check();
    return () => {
      watchSessionLoss(null);
      this.clearTimers();
    };
  }

  /** A personal sign-in (not the hub's launch token, not a wall screen's device token). */
  get personal(): boolean {
    return this.caller?.credential.kind === 'session';
  }

  async signIn(name: string, password: string, keeping: TokenKeeping): Promise<void> {
    const answer = await login(name, password);
    keepToken(answer.token, keeping);
    this.refused = false;
    this.adopt({
      ...answer.operator,
      actions: answer.actions,
      credential: { kind: 'session' },
      expires_at: answer.expires_at,
    });
  }

  async signOut(): Promise<void> {
    try {
      await logout();
    } catch {
      // The token is forgotten here whatever the hub said: signing out always works locally.
    }
    this.end('signed_out');
  }

  private async check(): Promise<void> {
    clearTimeout(this.retryTimer);
    if (!hasToken()) {
      this.end('signed_out');
      return;
    }
    try {
      this.adopt(await getSession());
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) return; // `lost` has already ended it
      if (this.state !== 'signed_in') this.state = 'unreachable';
      this.retryTimer = setTimeout(() => void this.check(), RETRY_MS);
    }
  }

  private adopt(caller: SessionView): void {
    this.caller = caller;
    this.state = 'signed_in';
    operatorSignedIn(caller.credential.kind === 'session' ? caller.name : null);
    this.watchExpiry(caller.expires_at);
  }

  /**
   * An idle console sends nothing that would learn of the expiry; asking the hub just
   * after it lets the hub say so (or tell of a later expiry, when sessions slide).
   */
  private watchExpiry(expiresAt: number | null): void {
    clearTimeout(this.expiryTimer);
    if (expiresAt === null) return;
    const wait = Math.min(Math.max(expiresAt - Date.now() + 1_000, 1_000), 2_147_000_000);
    this.expiryTimer = setTimeout(() => void this.check(), wait);
  }

  private lost(error: ApiError): void {
    if (this.state === 'signed_out' || this.state === 'expired') return;
    const expired = error.code === 'session_expired';
    this.refused = !expired && this.caller === null;
    this.end(expired ? 'expired' : 'signed_out');
  }

  private end(state: 'signed_out' | 'expired'): void {
    forgetToken();
    this.clearTimers();
    this.caller = null;
    operatorSignedIn(null);
    this.state = state;
  }

  private clearTimers(): void {
    clearTimeout(this.expiryTimer);
    clearTimeout(this.retryTimer);
  }
}

export const session = new CallerSession();

/** Whether the caller's role permits `action`; screens hide what it does not. */
export function can(action: Action): boolean {
  return session.caller?.actions.includes(action) ?? false;
}
