import { getDuty, listAccounts, listHandovers, type AccountView, type DutyView } from '../lib/backend';
import { live } from '../lib/live/live.svelte';
import { refusalText } from '../board/refusal';
import type { Handover } from '../lib/model';
import { remaining } from './roster';

/** How many handovers the history shows: what the hub keeps. */
const HISTORY = 30;
/** How soon to ask again when the hub's current slot should already have ended. */
const LATE_RETRY_MS = 5_000;

/**
 * The duty screen's view of the hub: `GET /api/duty` and the handover history, fetched
 * again after every batch that changes duty and when the current slot ends. A fetch
 * asked for while one is under way is made once more when it ends.
 */
class DutyDesk {
  view = $state.raw<DutyView | null>(null);
  history = $state.raw<Handover[]>([]);
  failure = $state<string | null>(null);
  /** Operator accounts for naming members; empty while the hub has none to offer. */
  operators = $state.raw<AccountView[]>([]);
  private loading = false;
  private stale = false;
  private slotTimer: ReturnType<typeof setTimeout> | undefined;
  private stopListening: (() => void) | null = null;

  /** Follows the hub while the screen is open; answers the way to stop. */
  open(): () => void {
    this.stopListening ??= live.listen((applied) => {
      if (applied.kind === 'snapshot' || applied.batch.changes.duty_changed) void this.reload();
    });
    void this.reload();
    void this.loadOperators();
    return () => {
      this.stopListening?.();
      this.stopListening = null;
      clearTimeout(this.slotTimer);
    };
  }

  async reload(): Promise<void> {
    if (this.loading) {
      this.stale = true;
      return;
    }
    this.loading = true;
    do {
      this.stale = false;
      try {
        const [view, history] = await Promise.all([getDuty(), listHandovers(HISTORY)]);
        this.view = view;
        this.history = history;
        this.failure = null;
        this.followSlot(view);
      } catch (e) {
        this.failure = refusalText(e);
      }
    } while (this.stale);
    this.loading = false;
  }

  /** The slot on duty changes at its end: the screen asks again then. */
  private followSlot(view: DutyView): void {
    clearTimeout(this.slotTimer);
    const end = view.now?.end ?? view.next?.start;
    if (end === undefined) return;
    // A slot the hub still calls current though this clock says it has ended (the clocks
    // differ a little) is asked about again shortly, not in a tight loop. Timers cannot
    // wait longer than about 24.8 days; a later change is met by a later check.
    const left = remaining(Date.now(), end);
    const wait = left > 0 ? Math.min(left + 500, 2_000_000_000) : LATE_RETRY_MS;
    this.slotTimer = setTimeout(() => void this.reload(), wait);
  }

  private async loadOperators(): Promise<void> {
    try {
      this.operators = (await listAccounts()).filter((account) => !account.disabled);
    } catch {
      // A hub without accounts yet: member names are typed freely.
      this.operators = [];
    }
  }
}

export const desk = new DutyDesk();
