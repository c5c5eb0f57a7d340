// The workstation's notification settings, kept in its own browser storage: each
// operator's desk decides how loud it is, not the hub.
import type { Severity } from '../lib/model';
import { SEVERITIES } from '../lib/severity';

export interface NotifySettings {
  /** The least severity announced when an incident opens. */
  threshold: Severity;
  /** Reminder interval for unacknowledged P1/P2 incidents, in minutes; 0 = never. */
  repeatMinutes: number;
  sound: boolean;
  /** 0 to 1. */
  volume: number;
  /** Until when (epoch ms) nothing sounds or pops up; `null` = not muted. */
  mutedUntil: number | null;
}

export const DEFAULTS: NotifySettings = {
  threshold: 'major',
  repeatMinutes: 5,
  sound: true,
  volume: 0.7,
  mutedUntil: null,
};

export const REPEAT_CHOICES: readonly number[] = [0, 1, 2, 5, 10, 15, 30];

/** "Mute for 15 min / 1 h / until the end of the shift (8 h)". */
export const MUTE_CHOICES = [
  { key: '15m', ms: 15 * 60_000 },
  { key: '1h', ms: 60 * 60_000 },
  { key: 'shift', ms: 8 * 60 * 60_000 },
] as const;
export type MuteChoice = (typeof MUTE_CHOICES)[number]['key'];

export const STORAGE_KEY = 'noc.notify';

/** Reads stored settings; anything missing or malformed falls back to its default. */
export function parseSettings(stored: string | null): NotifySettings {
  if (stored === null) return { ...DEFAULTS };
  let raw: unknown;
  try {
    raw = JSON.parse(stored);
  } catch {
    return { ...DEFAULTS };
  }
  if (typeof raw !== 'object' || raw === null) return { ...DEFAULTS };
  const r = raw as Record<string, unknown>;
  const number = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
  return {
    threshold: SEVERITIES.includes(r['threshold'] as Severity) ? (r['threshold'] as Severity) : DEFAULTS.threshold,
    repeatMinutes:
      number(r['repeatMinutes']) && REPEAT_CHOICES.includes(r['repeatMinutes']) ? r['repeatMinutes'] : DEFAULTS.repeatMinutes,
    sound: typeof r['sound'] === 'boolean' ? r['sound'] : DEFAULTS.sound,
    volume: number(r['volume']) ? Math.min(1, Math.max(0, r['volume'])) : DEFAULTS.volume,
    mutedUntil: number(r['mutedUntil']) ? r['mutedUntil'] : null,
  };
}

export function muteUntil(choice: MuteChoice, now: number): number {
  const found = MUTE_CHOICES.find((c) => c.key === choice);
  return now + (found?.ms ?? 0);
}

/** Milliseconds of mute left, 0 when not muted (or when the mute has run out). */
export function muteRemaining(settings: Pick<NotifySettings, 'mutedUntil'>, now: number): number {
  return settings.mutedUntil === null ? 0 : Math.max(0, settings.mutedUntil - now);
}
