import { boardHash, emptyFilter, filterFromQuery, queryOfHash, type BoardFilter } from './filters';
import { pageOf } from '../lib/route';

export interface Notice {
  kind: 'ok' | 'refused';
  text: string;
  /** Tells repeated notices apart, so each one restarts its timer. */
  serial: number;
}

const NOTICE_MS = 8_000;

/**
 * What the operator has chosen on the board: the filter (mirrored in the address so a
 * view can be shared by link), the keyboard selection, the open incident, the bulk
 * selection, and the help overlay.
 */
class BoardState {
  filter = $state<BoardFilter>(emptyFilter());
  /** The row the keyboard is on. */
  cursor = $state<number | null>(null);
  /** The incident whose detail is open. */
  opened = $state<number | null>(null);
  /** Incidents picked for a bulk action, in the order they were picked. */
  bulk = $state<number[]>([]);
  help = $state(false);
  notice = $state<Notice | null>(null);
  #serial = 0;
  #noticeTimer: ReturnType<typeof setTimeout> | undefined;

  /** Takes the filter from the address (on load and when a link is pasted). */
  readAddress(hash: string): void {
    if (pageOf(hash) !== 'board') return;
    const query = queryOfHash(hash);
    this.filter = filterFromQuery(query);
    // A link to one incident (from a handover, say) opens its detail.
    const incident = Number(new URLSearchParams(query).get('incident') ?? '');
    if (Number.isInteger(incident) && incident > 0) this.select(incident);
  }

  setFilter(filter: BoardFilter): void {
    this.filter = filter;
    // Replacing the address does not fire `hashchange`, and does not pile up history.
    const hash = boardHash(filter);
    if (pageOf(location.hash) === 'board' && location.hash !== hash) history.replaceState(history.state, '', hash);
  }

  update(change: Partial<BoardFilter>): void {
    this.setFilter({ ...this.filter, ...change });
  }

  /** Opens the unseen queue in the alarm list (from any page). */
  showUnseen(): void {
    const filter = { ...this.filter, alarms: 'unseen' as const };
    if (pageOf(location.hash) !== 'board') location.hash = boardHash(filter);
    this.setFilter(filter);
  }

  select(id: number): void {
    this.cursor = id;
    this.opened = id;
  }

  toggleBulk(id: number): void {
    this.bulk = this.bulk.includes(id) ? this.bulk.filter((b) => b !== id) : [...this.bulk, id];
  }

  say(kind: Notice['kind'], text: string): void {
    this.#serial += 1;
    this.notice = { kind, text, serial: this.#serial };
    clearTimeout(this.#noticeTimer);
    this.#noticeTimer = setTimeout(() => (this.notice = null), NOTICE_MS);
  }
}

export const board = new BoardState();
