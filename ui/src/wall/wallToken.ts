import { takeTokenFromUrl } from '../lib/backend';
import { WALL_TOKEN_KEY } from './wall';

/**
 * A wall PC reboots into its browser on the same address without `?token=`: the token
 * it was opened with is kept on the machine (not only for the tab, as the console's
 * launch link is) and handed to the requests as the tab's token.
 */
export function adoptWallToken(): void {
  const { token, cleanUrl } = takeTokenFromUrl(window.location.href);
  if (token !== null) {
    localStorage.setItem(WALL_TOKEN_KEY, token);
    history.replaceState(history.state, '', cleanUrl);
  }
  const kept = localStorage.getItem(WALL_TOKEN_KEY);
  // The console's requests read the tab's token first (see backend.ts `token()`).
  if (kept !== null) sessionStorage.setItem('noc.token', kept);
}
