import { filterFromQuery, filterToQuery, type BoardFilter } from './filters';

/** A named filter set, kept on this workstation. */
export interface SavedView {
  name: string;
  /** The filter in its address form, so a view and a shared link read the same way. */
  query: string;
}

const KEY = 'noc.board.views';
const MAX_NAME = 40;

type Store = Pick<Storage, 'getItem' | 'setItem'>;

function isView(value: unknown): value is SavedView {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as SavedView).name === 'string' &&
    typeof (value as SavedView).query === 'string'
  );
}

/** The saved views; a corrupt entry (edited by hand, older format) reads as none. */
export function loadViews(store: Store): SavedView[] {
  try {
    const parsed: unknown = JSON.parse(store.getItem(KEY) ?? '[]');
    return Array.isArray(parsed) ? parsed.filter(isView) : [];
  } catch {
    return [];
  }
}

export function cleanViewName(name: string): string {
  return name.trim().slice(0, MAX_NAME);
}

/** Saves (or replaces, by name) a view; answers the new list, sorted by name. */
export function saveView(store: Store, name: string, filter: BoardFilter): SavedView[] {
  const clean = cleanViewName(name);
  if (clean === '') return loadViews(store);
  const views = loadViews(store).filter((v) => v.name !== clean);
  views.push({ name: clean, query: filterToQuery(filter) });
  views.sort((a, b) => a.name.localeCompare(b.name));
  store.setItem(KEY, JSON.stringify(views));
  return views;
}

export function deleteView(store: Store, name: string): SavedView[] {
  const views = loadViews(store).filter((v) => v.name !== name);
  store.setItem(KEY, JSON.stringify(views));
  return views;
}

export function viewFilter(view: SavedView): BoardFilter {
  return filterFromQuery(view.query);
}

/** The saved view the current filter is exactly, if any (to show it as chosen). */
export function currentView(views: readonly SavedView[], filter: BoardFilter): SavedView | undefined {
  const query = filterToQuery(filter);
  return views.find((v) => filterToQuery(viewFilter(v)) === query);
}
