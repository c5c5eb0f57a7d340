// The board's keyboard and its incident detail are separate components: a key asks for
// a dialog here, and the detail (which owns the dialogs) opens it.

export type IntentKind = 'comment' | 'identify' | 'escalate' | 'mitigate' | 'resolve' | 'merge' | 'split' | 'review';

export interface Intent {
  kind: IntentKind;
  incident: number;
  /** Distinguishes two requests of the same kind for the same incident. */
  serial: number;
}

class Intents {
  pending = $state<Intent | null>(null);
  #serial = 0;

  request(kind: IntentKind, incident: number): void {
    this.#serial += 1;
    this.pending = { kind, incident, serial: this.#serial };
  }

  /** The detail took the request (or it no longer applies). */
  done(): void {
    this.pending = null;
  }

  /**
   * The other way round: the detail asks the board to select an incident (the one a
   * split just made, the other side of a merge). The board selects it and calls `shown()`.
   */
  showing = $state<{ incident: number; serial: number } | null>(null);

  show(incident: number): void {
    this.#serial += 1;
    this.showing = { incident, serial: this.#serial };
  }

  shown(): void {
    this.showing = null;
  }
}

export const intents = new Intents();
