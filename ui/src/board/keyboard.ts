/** What a key asks the board to do. */
export type Command =
  | 'down'
  | 'up'
  | 'first'
  | 'last'
  | 'open'
  | 'acknowledge'
  | 'comment'
  | 'identify'
  | 'escalate'
  | 'search'
  | 'toggle'
  | 'escape'
  | 'help';

/** The keys as the help overlay lists them, in that order. */
export const KEYS: readonly { keys: readonly string[]; command: Command }[] = [
  { keys: ['j', '↓'], command: 'down' },
  { keys: ['k', '↑'], command: 'up' },
  { keys: ['Home'], command: 'first' },
  { keys: ['End'], command: 'last' },
  { keys: ['Enter'], command: 'open' },
  { keys: ['a'], command: 'acknowledge' },
  { keys: ['c'], command: 'comment' },
  { keys: ['i'], command: 'identify' },
  { keys: ['e'], command: 'escalate' },
  { keys: ['x'], command: 'toggle' },
  { keys: ['/'], command: 'search' },
  { keys: ['Esc'], command: 'escape' },
  { keys: ['?'], command: 'help' },
];

/** Keys that work incidents (or pick them for the bulk bar): only for roles that may. */
const WORKING: ReadonlySet<Command> = new Set(['acknowledge', 'comment', 'identify', 'escalate', 'toggle']);

/** The keys a caller has: without `work_incidents`, only reading and moving. */
export function keysFor(mayWork: boolean): typeof KEYS {
  return mayWork ? KEYS : KEYS.filter((entry) => !WORKING.has(entry.command));
}

const BY_KEY: Record<string, Command> = {
  j: 'down',
  ArrowDown: 'down',
  k: 'up',
  ArrowUp: 'up',
  Home: 'first',
  End: 'last',
  Enter: 'open',
  a: 'acknowledge',
  c: 'comment',
  i: 'identify',
  e: 'escalate',
  x: 'toggle',
  '/': 'search',
  Escape: 'escape',
  '?': 'help',
};

/** The parts of a DOM element the keyboard needs to know where a key was typed. */
export interface KeyTarget {
  tagName?: string;
  /** An input's type: a checkbox takes no typing. */
  type?: string;
  isContentEditable?: boolean;
  closest?(selector: string): unknown;
}

export interface KeyPress {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  target: KeyTarget | null;
}

const TYPING = new Set(['INPUT', 'TEXTAREA', 'SELECT']);
const UNTYPED_INPUTS = new Set(['checkbox', 'radio', 'button', 'submit', 'reset']);
const PRESSABLE = new Set(['BUTTON', 'A', 'SUMMARY']);

/** Typing in a field, or working in a dialog: the board's keys stay out of the way. */
export function isTyping(target: KeyTarget | null): boolean {
  if (target === null) return false;
  if (target.isContentEditable === true) return true;
  const tag = target.tagName?.toUpperCase();
  if (tag === 'INPUT' && UNTYPED_INPUTS.has(target.type ?? 'text')) return Boolean(inDialog(target));
  if (tag !== undefined && TYPING.has(tag)) return true;
  return Boolean(inDialog(target));
}

function inDialog(target: KeyTarget): unknown {
  return target.closest?.('dialog, [role="dialog"], [role="alertdialog"]');
}

/**
 * The command a key press means on the board, or null to leave it to the browser
 * (browser shortcuts with Ctrl/Alt/Meta, typing, and Enter on a focused button,
 * which presses that button).
 */
export function commandFor(press: KeyPress, mayWork = true): Command | null {
  if (press.ctrlKey || press.metaKey || press.altKey) return null;
  if (isTyping(press.target)) return null;
  const command = BY_KEY[press.key] ?? null;
  if (command !== null && !mayWork && WORKING.has(command)) return null;
  const tag = press.target?.tagName?.toUpperCase();
  if (command === 'open' && tag !== undefined && PRESSABLE.has(tag)) return null;
  return command;
}

/** The row the selection moves to in a list of `count` rows. */
export function moved(index: number, count: number, command: 'down' | 'up' | 'first' | 'last'): number {
  if (count === 0) return -1;
  switch (command) {
    case 'first':
      return 0;
    case 'last':
      return count - 1;
    case 'down':
      return index < 0 ? 0 : Math.min(count - 1, index + 1);
    case 'up':
      return index < 0 ? 0 : Math.max(0, index - 1);
  }
}
