/** The console's pages, addressed as `#/name` so that the hub serves one document for all. */
export const PAGES = ['board', 'topology', 'probes', 'sources', 'maintenance', 'notify'] as const;
export type Page = (typeof PAGES)[number];

/** An unknown or empty address shows the board, the screen a wall opens on. */
export function pageOf(hash: string): Page {
  // A page may carry a query (`#/board?sev=critical`): it is the page's own state.
  const name = hash.replace(/^#\/?/, '').split('?')[0];
  return PAGES.find((page) => page === name) ?? 'board';
}
