import { describe, expect, it } from 'vitest';
import { commandFor, isTyping, KEYS, moved, type KeyTarget } from './keyboard';

const press = (key: string, target: KeyTarget | null = { tagName: 'BODY' }, mods: Partial<{ ctrlKey: boolean; metaKey: boolean; altKey: boolean }> = {}) =>
  commandFor({ key, ctrlKey: false, metaKey: false, altKey: false, target, ...mods });

const inDialog: KeyTarget = { tagName: 'BUTTON', closest: (s) => (s.includes('dialog') ? {} : null) };

describe('board keys', () => {
  it('maps every key the help lists', () => {
    expect(press('j')).toBe('down');
    expect(press('ArrowDown')).toBe('down');
    expect(press('k')).toBe('up');
    expect(press('ArrowUp')).toBe('up');
    expect(press('Enter')).toBe('open');
    expect(press('a')).toBe('acknowledge');
    expect(press('c')).toBe('comment');
    expect(press('i')).toBe('identify');
    expect(press('e')).toBe('escalate');
    expect(press('x')).toBe('toggle');
    expect(press('/')).toBe('search');
    expect(press('Escape')).toBe('escape');
    expect(press('?')).toBe('help');
    expect(press('q')).toBeNull();
    expect(new Set(KEYS.map((k) => k.command)).size).toBe(KEYS.length);
  });

  it('stays out of the way while typing, in dialogs and for browser shortcuts', () => {
    expect(press('a', { tagName: 'INPUT', type: 'text' })).toBeNull();
    expect(press('j', { tagName: 'textarea' })).toBeNull();
    expect(press('j', { tagName: 'SELECT' })).toBeNull();
    expect(press('j', { tagName: 'DIV', isContentEditable: true })).toBeNull();
    expect(press('a', inDialog)).toBeNull();
    expect(press('Escape', inDialog)).toBeNull();
    expect(press('a', { tagName: 'BODY' }, { ctrlKey: true })).toBeNull();
    expect(press('k', { tagName: 'BODY' }, { metaKey: true })).toBeNull();
    expect(isTyping(null)).toBe(false);
  });

  it('works from a ticked checkbox, and leaves Enter on a button to the button', () => {
    expect(press('j', { tagName: 'INPUT', type: 'checkbox' })).toBe('down');
    expect(press('Enter', { tagName: 'BUTTON' })).toBeNull();
    expect(press('a', { tagName: 'BUTTON' })).toBe('acknowledge');
  });
});

describe('moving the selection', () => {
  it('starts at the top and stops at the ends', () => {
    expect(moved(-1, 5, 'down')).toBe(0);
    expect(moved(-1, 5, 'up')).toBe(0);
    expect(moved(3, 5, 'down')).toBe(4);
    expect(moved(4, 5, 'down')).toBe(4);
    expect(moved(0, 5, 'up')).toBe(0);
    expect(moved(2, 5, 'first')).toBe(0);
    expect(moved(2, 5, 'last')).toBe(4);
    expect(moved(0, 0, 'down')).toBe(-1);
  });
});
