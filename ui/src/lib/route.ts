import type { Action } from './model';

/** The console's pages, addressed as `#/name` so that the hub serves one document for all. */
export const PAGES = ['board', 'topology', 'probes', 'sources', 'maintenance', 'notify', 'duty', 'admin', 'review', 'drills', 'reports'] as const;
export type Page = (typeof PAGES)[number];

/** An unknown or empty address shows the board, the screen a wall opens on. */
export function pageOf(hash: string): Page {
  // A page may carry a query (`#/board?sev=critical`): it is the page's own state.
  const name = hash.replace(/^#\/?/, '').split('?')[0] ?? '';
  // The review page addresses one recording below itself: `#/review/<id>`.
  if (name.startsWith('review/')) return 'review';
  return PAGES.find((page) => page === name) ?? 'board';
}

/** Pages only some roles see, with the actions of which any one opens them. */
const RESTRICTED: Partial<Record<Page, readonly Action[]>> = {
  admin: ['manage_accounts', 'read_audit'],
};

/** Whether the caller may see `page`, asked through `can` (the session's). */
export function pageOpen(page: Page, can: (action: Action) => boolean): boolean {
  const needs = RESTRICTED[page];
  return needs === undefined || needs.some(can);
}
