// The drill console is the same UI loaded from `/drill/`: everything the drill's own
// database holds is asked of `/drill/api/…`, while who the operator is and the drill's
// control stay with the production hub.

/** Where the hub serves the drill's console (and, below it, the drill's API). */
export const DRILL_PATH = '/drill';

/** The prefix of the API this page talks to: `/drill` in the drill console, `''` otherwise. */
export function apiBaseOf(pathname: string): string {
  return pathname === DRILL_PATH || pathname.startsWith(`${DRILL_PATH}/`) ? DRILL_PATH : '';
}

/**
 * Calls that always go to the production hub: signing in and out and the session are
 * the person's, not the database's (a sign-out in the drill tab must end the session
 * everywhere), and the drill is started, scored and ended by the hub that runs it.
 */
const PRODUCTION_ONLY = [/^\/api\/login$/, /^\/api\/logout$/, /^\/api\/session(\/|$)/, /^\/api\/drills(\/|\?|$)/];

/** The address of an API `path` (`/api/…`) for a page whose API prefix is `base`. */
export function apiAddress(base: string, path: string): string {
  if (base === '' || !path.startsWith('/api/')) return path;
  return PRODUCTION_ONLY.some((pattern) => pattern.test(path)) ? path : `${base}${path}`;
}

/** This page's API prefix, decided once at start-up from its address. */
export const API_BASE = apiBaseOf(globalThis.location?.pathname ?? '/');

/** Whether this page is the drill console. */
export const IN_DRILL_CONSOLE = API_BASE === DRILL_PATH;

/** Pages of the production console only: the drill is run and ended from there. */
export function pageInDrillConsole(page: string): boolean {
  return page !== 'drills';
}

/** A notification raised by the drill console says so, whatever else it says. */
export function markDrill(title: string, drillConsole = IN_DRILL_CONSOLE): string {
  return drillConsole ? `[DRILL 演练] ${title}` : title;
}
