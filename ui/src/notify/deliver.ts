// Shows a notification where the console runs: through the desktop app's one Tauri
// command (notify-rust), or with the Web Notification API in a browser.
import type { Display } from './present';
import { IN_DRILL_CONSOLE, markDrill } from '../drills/place';

interface TauriInternals {
  invoke(command: string, args: Record<string, unknown>): Promise<unknown>;
}

/** The window of the desktop app: Tauri injects its IPC bridge into the page. */
function tauri(): TauriInternals | null {
  const internals = (globalThis as { __TAURI_INTERNALS__?: TauriInternals }).__TAURI_INTERNALS__;
  return internals !== undefined && typeof internals.invoke === 'function' ? internals : null;
}

export function inDesktopApp(): boolean {
  return tauri() !== null;
}

/** `granted`, `denied`, `default` (not asked yet), or `unsupported` (no API, e.g. plain HTTP on a remote host). */
export type Permission = NotificationPermission | 'unsupported';

export function browserPermission(): Permission {
  return typeof Notification === 'undefined' ? 'unsupported' : Notification.permission;
}

/** Must run from a click: browsers ignore a request the operator did not make. */
export async function askBrowserPermission(): Promise<Permission> {
  if (typeof Notification === 'undefined') return 'unsupported';
  return Notification.requestPermission();
}

/**
 * Shows one notification; answers why it was not shown, or `null` when it was.
 * `onClick` runs when the operator clicks it (browser only: the desktop app brings its
 * window forward itself).
 */
export async function show(display: Display, onClick: () => void): Promise<string | null> {
  const desktop = tauri();
  if (desktop !== null) {
    try {
      await desktop.invoke('show_notification', {
        title: markDrill(display.title),
        body: display.body,
        severity: display.severity,
      });
      return null;
    } catch (error) {
      return String(error);
    }
  }
  const permission = browserPermission();
  if (permission !== 'granted') return permission;
  // One notification per incident on screen: a reminder replaces the last one, and
  // `renotify` (not in TypeScript's DOM types) makes the replacement pop up again.
  const options: NotificationOptions & { renotify: boolean } = {
    body: display.body,
    // The drill's incidents are numbered in their own database: their own tags.
    tag: `${IN_DRILL_CONSOLE ? 'noc-drill-' : 'noc-'}${display.incident === null ? 'summary' : `incident-${display.incident}`}`,
    renotify: true,
    requireInteraction: display.severity === 'critical',
  };
  const notification = new Notification(markDrill(display.title), options);
  notification.onclick = () => {
    window.focus();
    onClick();
    notification.close();
  };
  return null;
}
