// Plays the severity tones. Browsers keep audio off until the page has had a user
// gesture, so the player arms itself on the first click or key press and says when a
// tone could not be heard because of that.
import type { Severity } from '../lib/model';
import { toneFor, type Tone } from './tones';

export type SoundState = 'waiting' | 'ready' | 'blocked' | 'unsupported';

class SoundPlayer {
  /** `waiting`: no gesture yet, nothing tried; `blocked`: a tone was due but could not play. */
  state = $state<SoundState>('waiting');
  private context: AudioContext | null = null;
  private armed = false;

  /** Listens for the first gesture; called once at start-up. */
  start(): void {
    if (this.armed) return;
    this.armed = true;
    if (typeof AudioContext === 'undefined') {
      this.state = 'unsupported';
      return;
    }
    const arm = () => {
      void this.unlock().then((ok) => {
        if (!ok) return;
        window.removeEventListener('pointerdown', arm, true);
        window.removeEventListener('keydown', arm, true);
      });
    };
    window.addEventListener('pointerdown', arm, true);
    window.addEventListener('keydown', arm, true);
  }

  /** Plays `severity`'s tone at `volume` (0–1); `false` when the browser blocks audio. */
  async play(severity: Severity, volume: number): Promise<boolean> {
    if (!(await this.unlock())) {
      if (this.state !== 'unsupported') this.state = 'blocked';
      return false;
    }
    const context = this.context;
    if (context === null) return false;
    schedule(context, toneFor(severity), volume);
    return true;
  }

  /** Creates or resumes the audio context; only succeeds after a user gesture. */
  private async unlock(): Promise<boolean> {
    if (typeof AudioContext === 'undefined') return false;
    // Creating a context before any gesture only earns a console warning and a
    // suspended context: wait for the gesture instead.
    const activation = (navigator as Navigator & { userActivation?: { hasBeenActive: boolean } }).userActivation;
    if (this.context === null && activation !== undefined && !activation.hasBeenActive) return false;
    this.context ??= new AudioContext();
    if (this.context.state !== 'running') {
      try {
        await this.context.resume();
      } catch {
        return false;
      }
    }
    const running = this.context.state === 'running';
    if (running) this.state = 'ready';
    return running;
  }
}

/** Each beep: an oscillator through a gain with a short attack and release (no clicks). */
function schedule(context: AudioContext, tone: Tone, volume: number): void {
  const start = context.currentTime + 0.02;
  const peak = Math.max(0, Math.min(1, volume)) * tone.loudness;
  if (peak === 0) return;
  for (const beep of tone.beeps) {
    const oscillator = context.createOscillator();
    const gain = context.createGain();
    oscillator.type = tone.wave;
    oscillator.frequency.value = beep.frequency;
    const from = start + beep.at;
    const to = from + beep.length;
    gain.gain.setValueAtTime(0.0001, from);
    gain.gain.exponentialRampToValueAtTime(peak, from + 0.01);
    gain.gain.setValueAtTime(peak, to - 0.03);
    gain.gain.exponentialRampToValueAtTime(0.0001, to);
    oscillator.connect(gain).connect(context.destination);
    oscillator.start(from);
    oscillator.stop(to + 0.01);
  }
}

export const sound = new SoundPlayer();
