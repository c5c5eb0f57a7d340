export type Theme = 'dark' | 'light';

const STORAGE_KEY = 'noc.theme';

function initialTheme(): Theme {
  // Dark by default: a NOC room is dim, and the wall is read from across it.
  return globalThis.localStorage?.getItem(STORAGE_KEY) === 'light' ? 'light' : 'dark';
}

export const theme = $state({ current: initialTheme() });

export function applyTheme(next: Theme): void {
  theme.current = next;
  localStorage.setItem(STORAGE_KEY, next);
  document.documentElement.dataset['theme'] = next;
}
