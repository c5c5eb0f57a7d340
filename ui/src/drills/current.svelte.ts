// The drill running now, as the production hub scores it: asked every second while one
// runs (the scorecard counts up), less often while none does (one started elsewhere
// still shows up).
import { getCurrentDrill, type DrillView } from '../lib/backend';
import { messageOf } from '../access/refusal';

const RUNNING_EVERY_MS = 1_000;
const IDLE_EVERY_MS = 5_000;

export type DrillStatus = 'loading' | 'none' | 'running';

export class CurrentDrill {
  status = $state<DrillStatus>('loading');
  view = $state.raw<DrillView | null>(null);
  /** Why the last question went unanswered; the last answer stays on screen meanwhile. */
  failure = $state<string | null>(null);
  private followers = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private asking = false;

  /** Follows the drill while anything on screen shows it; returns the way to stop. */
  follow(): () => void {
    this.followers += 1;
    if (this.followers === 1) void this.refresh();
    return () => {
      this.followers -= 1;
      if (this.followers === 0) clearTimeout(this.timer);
    };
  }

  /** An answer of the hub to an action (start, a step checked) shows at once. */
  adopt(view: DrillView | null): void {
    this.view = view;
    this.status = view === null ? 'none' : 'running';
    this.failure = null;
  }

  async refresh(): Promise<void> {
    if (this.asking) return;
    this.asking = true;
    clearTimeout(this.timer);
    try {
      this.adopt(await getCurrentDrill());
    } catch (e) {
      this.failure = messageOf(e);
    } finally {
      this.asking = false;
      if (this.followers > 0) {
        this.timer = setTimeout(() => void this.refresh(), this.status === 'running' ? RUNNING_EVERY_MS : IDLE_EVERY_MS);
      }
    }
  }
}

export const currentDrill = new CurrentDrill();
