// The wall (大屏): which panels it shows, how they rotate, and how its numbers read
// from across a room. Pure functions, so that a wall running for days is tested here.
import type { HealthStatus } from '../lib/model';
import type { Compliance, DutyStats, SourceCounts, Tally } from './dutyStats';
import { healthTone, type Tone } from '../sources/health';

export const PANELS = ['board', 'topology', 'probes', 'kpis', 'sources'] as const;
export type Panel = (typeof PANELS)[number];

export const DEFAULT_ROTATE_SECONDS = 20;
/** Faster than this, nobody across the room finishes reading a panel. */
const MIN_ROTATE_SECONDS = 2;
/** Today's numbers: walls poll every 30 s, so a thousand walls cost a fold a second. */
export const STATS_REFRESH_MS = 30_000;

export interface WallOptions {
  rotateSeconds: number;
  panels: readonly Panel[];
}

/**
 * `?rotate=<seconds>&panels=board,kpis` from the page's address (in the query or after
 * `#/wall?`); unknown panels are left out, and nothing usable means every panel.
 */
export function wallOptions(search: string): WallOptions {
  const params = new URLSearchParams(search);
  const seconds = Number(params.get('rotate'));
  const rotateSeconds = Number.isFinite(seconds) && seconds > 0 ? Math.max(MIN_ROTATE_SECONDS, seconds) : DEFAULT_ROTATE_SECONDS;
  const asked = (params.get('panels') ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter((p): p is Panel => (PANELS as readonly string[]).includes(p));
  const panels = [...new Set(asked)];
  return { rotateSeconds, panels: panels.length === 0 ? PANELS : panels };
}

/** The query of a wall address, whether given as `/wall?…` or `#/wall?…`. */
export function wallQuery(location: { search: string; hash: string }): string {
  const inHash = location.hash.split('?')[1] ?? '';
  return [location.search.replace(/^\?/, ''), inHash].filter((q) => q !== '').join('&');
}

/** The wall opens at `/wall` or at `#/wall`. */
export function isWallAddress(location: { pathname: string; hash: string }): boolean {
  return /^\/wall\/?$/.test(location.pathname) || /^#\/wall(\?|$)/.test(location.hash);
}

/** The panel after `current`, round the list. */
export function nextPanel(panels: readonly Panel[], current: Panel): Panel {
  const at = panels.indexOf(current);
  return panels[(at + 1) % panels.length] ?? PANELS[0];
}

/** Local midnight of the day `now` falls in: where the wall's "today" starts. */
export function localMidnight(now: number): number {
  const day = new Date(now);
  day.setHours(0, 0, 0, 0);
  return day.getTime();
}

/** HH:MM:SS in the wall's own time zone. */
export function clockText(at: number): string {
  const d = new Date(at);
  return [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
}

/** A mean time as a wall shows it: `m:ss` under an hour, `h:mm:ss` beyond; `—` for none. */
export function durationText(ms: number | null): string {
  if (ms === null) return '—';
  const total = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/**
 * A compliance rate in whole percent, rounded down so that one miss never reads as
 * 100 %; `null` when no clock has stopped or run out yet.
 */
export function percent(tally: Tally): number | null {
  if (tally.total === 0) return null;
  return Math.floor((tally.met / tally.total) * 100);
}

/** Good, at risk or bad, for the colour of a compliance figure. */
export type Grade = 'good' | 'fair' | 'poor' | 'none';

export function grade(tally: Tally): Grade {
  const p = percent(tally);
  if (p === null) return 'none';
  if (p >= 90) return 'good';
  return p >= 70 ? 'fair' : 'poor';
}

export const CLOCKS = ['detect', 'identify', 'recover'] as const satisfies readonly (keyof Compliance)[];

/** Every stopped clock of the day together, the header's one-glance figure. */
export function overall(stats: DutyStats): Tally {
  return CLOCKS.reduce(
    (sum, clock) => ({ met: sum.met + stats.compliance[clock].met, total: sum.total + stats.compliance[clock].total }),
    { met: 0, total: 0 },
  );
}

/** The stats describe another day than the wall's (it ran past midnight): fetch again. */
export function statsOutdated(stats: DutyStats | null, now: number): boolean {
  return stats === null || stats.since !== localMidnight(now);
}

/** The key under which a wall PC keeps its token across reboots. */
export const WALL_TOKEN_KEY = 'noc.wall.token';

const COUNTED_AS: Record<Tone, keyof SourceCounts> = { ok: 'ok', warn: 'degraded', bad: 'down' };

/** As the hub's statistics count sources (crates/noc-report): the Sources page's tones. */
export function sourceClass(status: HealthStatus): keyof SourceCounts {
  return COUNTED_AS[healthTone(status)];
}
