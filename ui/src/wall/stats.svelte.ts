import { getStats } from '../lib/backend';
import type { DutyStats } from './dutyStats';
import { localMidnight, STATS_REFRESH_MS } from './wall';

/** Today's numbers from the hub, polled; kept (and marked stale) while the hub is away. */
export class TodayStats {
  stats = $state.raw<DutyStats | null>(null);
  /** The last poll failed: what is shown is older than it looks. */
  stale = $state(false);
  private timer: ReturnType<typeof setInterval> | undefined;
  private inFlight = false;

  start(): void {
    void this.refresh();
    this.timer = setInterval(() => void this.refresh(), STATS_REFRESH_MS);
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Asks again now (after a reconnect); a poll under way is not doubled. */
  async refresh(): Promise<void> {
    if (this.inFlight) return;
    this.inFlight = true;
    try {
      this.stats = await getStats(localMidnight(Date.now()));
      this.stale = false;
    } catch {
      this.stale = true;
    } finally {
      this.inFlight = false;
    }
  }
}
