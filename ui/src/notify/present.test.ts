import { describe, expect, it } from 'vitest';
import { en } from '../lib/i18n/en';
import { fill } from '../lib/i18n/format';
import type { Notice } from './alerting';
import { MAX_SHOWN, present, worst } from './present';
import { DEFAULTS, muteRemaining, muteUntil, parseSettings } from './settings';
import { perceivedLoudness, toneFor, toneLength } from './tones';
import { SEVERITIES } from '../lib/severity';

const t = (key: keyof typeof en, params?: Record<string, string | number>) => fill(en[key], params);

function notice(incident: number, over: Partial<Notice> = {}): Notice {
  return { kind: 'opened', incident, title: `Incident ${incident}`, severity: 'major', ...over };
}

describe('present', () => {
  it('titles each kind of notice and keeps the incident title as the body', () => {
    const shown = present(
      [
        notice(1, { severity: 'critical', title: '<b>core-sw1</b> down' }),
        notice(2, { kind: 'escalated', level: 2 }),
        notice(3, { kind: 'repeat', severity: 'critical' }),
      ],
      t,
    );
    expect(shown.map((d) => d.title)).toEqual([
      'Critical incident #1',
      'Still unacknowledged: Critical incident #3',
      'Incident #2 escalated to level 2',
    ]);
    expect(shown[0]?.body).toBe('<b>core-sw1</b> down');
    expect(shown[0]?.incident).toBe(1);
  });

  it('folds a storm into a few notifications and a summary of the rest', () => {
    const storm = Array.from({ length: 12 }, (_, i) => notice(i + 1, { severity: i === 11 ? 'critical' : 'major' }));
    const shown = present(storm, t);
    expect(shown).toHaveLength(MAX_SHOWN);
    expect(shown[0]?.incident).toBe(12);
    const summary = shown[MAX_SHOWN - 1];
    expect(summary?.incident).toBeNull();
    expect(summary?.title).toBe('10 more incidents need attention');
    expect(summary?.body.split('\n')).toHaveLength(6);
    expect(worst(storm)).toBe('critical');
  });
});

describe('settings', () => {
  it('default to P1/P2, a 5-minute repeat, sound on, not muted', () => {
    expect(parseSettings(null)).toEqual({ threshold: 'major', repeatMinutes: 5, sound: true, volume: 0.7, mutedUntil: null });
  });

  it('keep what was stored and drop what is malformed', () => {
    const stored = JSON.stringify({ threshold: 'critical', repeatMinutes: 10, sound: false, volume: 3, mutedUntil: 99 });
    expect(parseSettings(stored)).toEqual({ threshold: 'critical', repeatMinutes: 10, sound: false, volume: 1, mutedUntil: 99 });
    expect(parseSettings(JSON.stringify({ threshold: 'P1', repeatMinutes: 7, sound: 'yes' }))).toEqual(DEFAULTS);
    expect(parseSettings('{not json')).toEqual(DEFAULTS);
  });

  it('mute for 15 min, 1 h or a shift, counting down to zero', () => {
    expect(muteUntil('15m', 1_000)).toBe(1_000 + 15 * 60_000);
    expect(muteUntil('shift', 0)).toBe(8 * 3_600_000);
    const muted = { mutedUntil: muteUntil('1h', 0) };
    expect(muteRemaining(muted, 30 * 60_000)).toBe(30 * 60_000);
    expect(muteRemaining(muted, 2 * 3_600_000)).toBe(0);
    expect(muteRemaining({ mutedUntil: null }, 0)).toBe(0);
  });
});

describe('tones', () => {
  it('are distinct per severity, and the worse the louder', () => {
    const shapes = SEVERITIES.map((s) => JSON.stringify(toneFor(s)));
    expect(new Set(shapes).size).toBe(SEVERITIES.length);
    const loudness = SEVERITIES.map((s) => perceivedLoudness(toneFor(s)));
    for (let i = 1; i < loudness.length; i += 1) expect(loudness[i]).toBeLessThan(loudness[i - 1] ?? 0);
  });

  it('are short, and the critical one busier than the rest', () => {
    for (const s of SEVERITIES) expect(toneLength(toneFor(s))).toBeLessThan(1.5);
    const beeps = SEVERITIES.map((s) => toneFor(s).beeps.length);
    expect(Math.max(...beeps.slice(1))).toBeLessThan(beeps[0] ?? 0);
  });
});
