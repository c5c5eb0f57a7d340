import type { OperatorPresence } from '../lib/backend';
import { PAGES, type Page } from '../lib/route';

/** Up to two letters for a badge: the initials of a name's parts, else its first two characters. */
export function initials(name: string): string {
  const parts = name
    .trim()
    .split(/[\s._\-@]+/u)
    .filter((p) => p !== '');
  const [first = '?', second] = parts;
  const letters = second === undefined ? [...first].slice(0, 2) : [[...first][0], [...second][0]];
  return letters.join('').toUpperCase();
}

/** The page a screen name stands for, when it is one of the console's. */
export function pageNamed(screen: string): Page | null {
  return PAGES.find((page) => page === screen) ?? null;
}

/** Everyone but this window's own operator, walls last, then by name. */
export function others(operators: readonly OperatorPresence[], me: string): OperatorPresence[] {
  return operators
    .filter((o) => o.name !== me)
    .sort((a, b) => Number(a.wall) - Number(b.wall) || a.name.localeCompare(b.name));
}

/** The other operators with `incident` open (walls do not view incidents). */
export function viewing(operators: readonly OperatorPresence[], incident: number, me: string): OperatorPresence[] {
  return others(operators, me).filter((o) => !o.wall && o.incident === incident);
}
