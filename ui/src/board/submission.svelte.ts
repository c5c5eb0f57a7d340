import { refusalText } from './refusal';

/**
 * The sending of one dialog's action to the hub: `tried` once the operator first submits (problems
 * show from then on), `busy` while the hub works on it, and the hub's refusal in the operator's words.
 */
export class Submission {
  busy = $state(false);
  tried = $state(false);
  refusal = $state<string | null>(null);

  /**
   * Handles the form's submit: marks the attempt, then sends unless `blocked()` (read after the mark)
   * or a send is under way. A throw from `send` becomes the refusal.
   */
  async submit(event: SubmitEvent, blocked: () => boolean, send: () => Promise<void>): Promise<void> {
    event.preventDefault();
    this.tried = true;
    if (blocked() || this.busy) return;
    this.busy = true;
    this.refusal = null;
    try {
      await send();
    } catch (e) {
      this.refusal = refusalText(e);
    } finally {
      this.busy = false;
    }
  }
}
