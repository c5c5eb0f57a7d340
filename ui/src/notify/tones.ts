// A short tone per severity, made by the Web Audio API: nothing to ship, and each
// severity recognisable without looking. The worse, the louder, higher and busier.
import type { Severity } from '../lib/model';

export interface Beep {
  /** Hz. */
  frequency: number;
  /** Seconds from the start of the tone. */
  at: number;
  /** Seconds. */
  length: number;
}

export interface Tone {
  wave: OscillatorType;
  /** Peak gain at full volume, 0 to 1. */
  loudness: number;
  beeps: Beep[];
}

function beeps(frequencies: number[], length: number, gap: number): Beep[] {
  return frequencies.map((frequency, i) => ({ frequency, at: i * (length + gap), length }));
}

const TONES: Record<Severity, Tone> = {
  // A two-tone siren-like pattern played twice: hard to miss across a NOC room.
  critical: { wave: 'square', loudness: 0.5, beeps: beeps([988, 740, 988, 740, 988, 740], 0.11, 0.04) },
  major: { wave: 'sawtooth', loudness: 0.6, beeps: beeps([880, 880, 880], 0.12, 0.08) },
  minor: { wave: 'triangle', loudness: 0.5, beeps: beeps([659, 523], 0.15, 0.06) },
  warning: { wave: 'sine', loudness: 0.4, beeps: beeps([587], 0.22, 0) },
  unknown: { wave: 'sine', loudness: 0.25, beeps: beeps([494, 494], 0.1, 0.1) },
  info: { wave: 'sine', loudness: 0.25, beeps: beeps([440], 0.15, 0) },
};

export function toneFor(severity: Severity): Tone {
  return TONES[severity];
}

/** Seconds from the first beep's start to the last one's end. */
export function toneLength(tone: Tone): number {
  return Math.max(...tone.beeps.map((b) => b.at + b.length));
}

/**
 * How loud a tone is felt: a square or sawtooth wave carries more energy than a sine
 * at the same peak, so the raw gain alone would not order them.
 */
export function perceivedLoudness(tone: Tone): number {
  const energy: Record<OscillatorType, number> = { square: 1, sawtooth: 0.58, triangle: 0.58, sine: 0.71, custom: 0.71 };
  return tone.loudness * energy[tone.wave] * Math.sqrt(tone.beeps.length);
}
