import { afterEach, describe, expect, it, vi } from 'vitest';
import { browserPermission, inDesktopApp, show } from './deliver';
import type { Display } from './present';

const display: Display = { title: 'Critical incident #7', body: '<b>core-sw1</b> down', severity: 'critical', incident: 7 };

type Global = Record<string, unknown>;

afterEach(() => {
  delete (globalThis as Global)['__TAURI_INTERNALS__'];
  delete (globalThis as Global)['Notification'];
});

describe('in the desktop app', () => {
  it('asks the shell through its one command, with what its Rust signature takes', async () => {
    const invoke = vi.fn(async () => null);
    (globalThis as Global)['__TAURI_INTERNALS__'] = { invoke };
    expect(inDesktopApp()).toBe(true);
    expect(await show(display, () => {})).toBeNull();
    expect(invoke).toHaveBeenCalledWith('show_notification', {
      title: 'Critical incident #7',
      body: '<b>core-sw1</b> down',
      severity: 'critical',
    });
  });

  it('answers why when the shell could not show it', async () => {
    (globalThis as Global)['__TAURI_INTERNALS__'] = {
      invoke: async () => Promise.reject(new Error('org.freedesktop.DBus.Error.ServiceUnknown')),
    };
    expect(await show(display, () => {})).toMatch(/ServiceUnknown/);
  });
});

describe('in a browser', () => {
  function fakeNotification(permission: NotificationPermission) {
    const made: Fake[] = [];
    class Fake {
      static permission = permission;
      onclick: (() => void) | null = null;
      constructor(
        readonly title: string,
        readonly options: NotificationOptions,
      ) {
        made.push(this);
      }
      close() {}
    }
    (globalThis as Global)['Notification'] = Fake;
    return made;
  }

  it('shows a Web Notification per incident, tagged so that a reminder replaces it', async () => {
    const made = fakeNotification('granted');
    expect(inDesktopApp()).toBe(false);
    expect(await show(display, () => {})).toBeNull();
    expect(made).toHaveLength(1);
    expect(made[0]?.title).toBe('Critical incident #7');
    expect(made[0]?.options).toMatchObject({ body: '<b>core-sw1</b> down', tag: 'noc-incident-7', requireInteraction: true });
  });

  it('runs the click handler when the operator clicks it', async () => {
    const made = fakeNotification('granted');
    (globalThis as Global)['window'] = { focus: () => {} };
    const clicked = vi.fn();
    await show(display, clicked);
    made[0]?.onclick?.();
    expect(clicked).toHaveBeenCalledOnce();
    delete (globalThis as Global)['window'];
  });

  it('shows nothing without the permission, and says which', async () => {
    const made = fakeNotification('denied');
    expect(await show(display, () => {})).toBe('denied');
    expect(made).toHaveLength(0);
    delete (globalThis as Global)['Notification'];
    expect(browserPermission()).toBe('unsupported');
  });
});
