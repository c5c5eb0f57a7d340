// The workstation's notifier: follows the live board, asks the alerting rules what to
// announce, and shows and sounds it. Settings and the mute live here, stored per
// workstation.
import { t } from '../lib/i18n/i18n.svelte';
import { live } from '../lib/live/live.svelte';
import type { Severity } from '../lib/model';
import { Alerter, type Notice, type Rules } from './alerting';
import { show } from './deliver';
import { present, worst } from './present';
import { muteRemaining, muteUntil, parseSettings, STORAGE_KEY, type MuteChoice, type NotifySettings } from './settings';
import { sound } from './sound.svelte';
import { IN_DRILL_CONSOLE } from '../drills/place';

/** How often reminders and the end of a mute are looked for. */
const TICK_MS = 5_000;
// A drill console delivers its own notifications beside the production console's.
const LOCK_NAME = IN_DRILL_CONSOLE ? 'noc.notify.deliver.drill' : 'noc.notify.deliver';

class Notifier {
  settings = $state<NotifySettings>(parseSettings(globalThis.localStorage?.getItem(STORAGE_KEY) ?? null));
  /** Why the last notification could not be shown (`denied`, an error), or `null`. */
  lastFailure = $state<string | null>(null);
  private alerter = new Alerter();
  private started = false;
  /** Only one tab of a workstation sounds and pops up; see `lead`. */
  private leader = false;

  start(): () => void {
    if (this.started) return () => {};
    this.started = true;
    this.lead();
    sound.start();
    const unlisten = live.listen((applied) => {
      const now = Date.now();
      const notices =
        applied.kind === 'snapshot'
          ? this.alerter.snapshot(applied.snapshot, this.rules(), now)
          : this.alerter.batch(applied.batch, (id) => live.alarm(id), this.rules(), now);
      this.deliver(notices);
    });
    const timer = setInterval(() => this.tick(Date.now()), TICK_MS);
    // Another tab of this workstation changed the settings (a mute there mutes here).
    const follow = (e: StorageEvent) => {
      if (e.key === STORAGE_KEY) this.settings = parseSettings(e.newValue);
    };
    window.addEventListener('storage', follow);
    return () => {
      unlisten();
      clearInterval(timer);
      window.removeEventListener('storage', follow);
      this.started = false;
    };
  }

  update(change: Partial<NotifySettings>): void {
    this.settings = { ...this.settings, ...change };
    localStorage.setItem(STORAGE_KEY, JSON.stringify(this.settings));
  }

  mute(choice: MuteChoice): void {
    this.update({ mutedUntil: muteUntil(choice, Date.now()) });
  }

  unmute(): void {
    this.update({ mutedUntil: null });
  }

  /** Milliseconds of mute left at `now`; 0 when not muted. */
  muteLeft(now: number): number {
    return muteRemaining(this.settings, now);
  }

  /** The "test sound" button: the tone of `severity` at the current volume. */
  testSound(severity: Severity): Promise<boolean> {
    return sound.play(severity, this.settings.volume);
  }

  /**
   * Two tabs of the console on one workstation must not ring twice: the tab holding
   * the lock delivers, the others only keep count; when it closes, the next one takes
   * over. Without the Web Locks API every tab delivers.
   */
  private lead(): void {
    const locks = (navigator as Navigator & { locks?: LockManager }).locks;
    if (locks === undefined) {
      this.leader = true;
      return;
    }
    void locks.request(LOCK_NAME, () => {
      this.leader = true;
      // Held for the life of the tab.
      return new Promise<void>(() => {});
    });
  }

  private rules(): Rules {
    return {
      threshold: this.settings.threshold,
      repeatMs: this.settings.repeatMinutes * 60_000,
      mutedUntil: this.settings.mutedUntil,
    };
  }

  private tick(now: number): void {
    // A mute that ran out is forgotten, so the header stops showing it.
    if (this.settings.mutedUntil !== null && this.muteLeft(now) === 0) this.unmute();
    this.deliver(this.alerter.due((id) => live.alarm(id), this.rules(), now));
  }

  private deliver(notices: Notice[]): void {
    if (notices.length === 0 || !this.leader) return;
    const severity = worst(notices);
    if (this.settings.sound && severity !== null) void sound.play(severity, this.settings.volume);
    for (const display of present(notices, t)) {
      void show(display, () => {
        location.hash = '#/board';
      }).then((failure) => {
        this.lastFailure = failure;
      });
    }
  }
}

export const notifier = new Notifier();
