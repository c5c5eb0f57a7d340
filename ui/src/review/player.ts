// The player's own arithmetic: where the moment is, how it moves, how it is written in
// the address, and how frames are asked for without piling requests up.
import type { EventBody } from '../lib/model';

/** The page's address: `#/review` (the library) or `#/review/<id>?at=<ms>` (the player). */
export interface ReviewAddress {
  id: string | null;
  at: number | null;
}

export function reviewAddressOf(hash: string): ReviewAddress {
  const [path = '', query = ''] = hash.replace(/^#\/?/, '').split('?');
  const [page, id] = path.split('/');
  if (page !== 'review' || id === undefined || id === '') return { id: null, at: null };
  const given = new URLSearchParams(query).get('at');
  const at = given === null || given === '' ? Number.NaN : Number(given);
  return { id: decodeURIComponent(id), at: Number.isFinite(at) ? at : null };
}

export function playerHash(id: string, at: number | null = null): string {
  const base = `#/review/${encodeURIComponent(id)}`;
  return at === null ? base : `${base}?at=${Math.floor(at)}`;
}

/** The recorded range a moment must stay in. */
export interface Span {
  from: number;
  to: number;
}

export function clampMoment(at: number, span: Span): number {
  return Math.min(span.to, Math.max(span.from, at));
}

/** A small keyboard step: a 200th of the recording, never under a second. */
export function keyStep(span: Span, big: boolean): number {
  const step = Math.max(1_000, (span.to - span.from) / 200);
  return big ? step * 10 : step;
}

/** The moment under a point of the track, `fraction` from its left (0..1). */
export function momentAt(fraction: number, span: Span): number {
  const f = Math.min(1, Math.max(0, fraction));
  return Math.round(span.from + f * (span.to - span.from));
}

/** Where a moment sits along the track, 0..1. */
export function fractionOf(at: number, span: Span): number {
  const width = span.to - span.from;
  if (width <= 0) return 0;
  return Math.min(1, Math.max(0, (at - span.from) / width));
}

export const SPEEDS = [1, 10, 60, 300, 1000] as const;
export type Speed = (typeof SPEEDS)[number];

/** Where playing moves the moment after `elapsedMs` of wall time; it stops at the end. */
export function advance(at: number, elapsedMs: number, speed: Speed, span: Span): { at: number; ended: boolean } {
  const next = at + Math.max(0, elapsedMs) * speed;
  return next >= span.to ? { at: span.to, ended: true } : { at: next, ended: false };
}

/** Bar heights 0..1 of the density histogram, relative to its busiest slice. */
export function densityBars(density: readonly number[]): number[] {
  let most = 0;
  for (const n of density) if (n > most) most = n;
  return most === 0 ? density.map(() => 0) : density.map((n) => n / most);
}

/** The colour family of an operator's action on the track. */
export type ActionTone = 'acknowledge' | 'identify' | 'mitigate' | 'resolve' | 'comment' | 'drill' | 'other';

export function actionTone(kind: EventBody['kind']): ActionTone {
  switch (kind) {
    case 'incident_acknowledged':
    case 'alarm_acknowledged_at_source':
      return 'acknowledge';
    case 'incident_identified':
      return 'identify';
    case 'incident_mitigated':
    case 'silence_created':
      return 'mitigate';
    case 'incident_resolved':
    case 'incident_reviewed':
      return 'resolve';
    case 'incident_commented':
    case 'notice_sent':
    case 'shift_logged':
      return 'comment';
    case 'drill_started':
    case 'drill_step_checked':
    case 'drill_ended':
      return 'drill';
    default:
      return 'other';
  }
}

/** The colour an action of this tone is marked in, on the track and in the list. */
export const TONE_COLOURS: Record<ActionTone, string> = {
  acknowledge: 'var(--sev-warning)',
  identify: 'var(--sev-unknown)',
  mitigate: 'var(--sev-major)',
  resolve: 'var(--ok)',
  comment: 'var(--text)',
  drill: 'var(--sev-critical)',
  other: 'var(--muted)',
};

/**
 * Asks for one frame at a time: a moment wanted while a request is out waits, and only
 * the latest one waiting is asked for next. However fast the moment moves (dragging,
 * playing at 1000×), at most one request is in flight and the last moment always wins.
 */
export class LatestFrame<T> {
  private wanted: number | null = null;
  private busy = false;
  private stopped = false;

  constructor(
    private readonly load: (at: number) => Promise<T>,
    private readonly shown: (frame: T) => void,
    private readonly failed: (error: unknown) => void,
  ) {}

  want(at: number): void {
    this.wanted = at;
    if (!this.busy) void this.run();
  }

  /** Whether a moment waits behind the request that is out. */
  get queued(): boolean {
    return this.wanted !== null;
  }

  stop(): void {
    this.stopped = true;
    this.wanted = null;
  }

  private async run(): Promise<void> {
    this.busy = true;
    try {
      while (this.wanted !== null && !this.stopped) {
        const at = this.wanted;
        this.wanted = null;
        try {
          const frame = await this.load(at);
          if (!this.stopped) this.shown(frame);
        } catch (error) {
          if (!this.stopped) this.failed(error);
        }
      }
    } finally {
      this.busy = false;
    }
  }
}

/** Parses a `datetime-local` value in this workstation's time zone; null when empty or wrong. */
export function parseLocalInput(value: string): number | null {
  if (value === '') return null;
  const at = new Date(value).getTime();
  return Number.isFinite(at) ? at : null;
}

/** A moment as a `datetime-local` value (to the second) in this workstation's time zone. */
export function localInputValue(at: number): string {
  const d = new Date(at);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}T${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}
