import { describe, expect, it } from 'vitest';
import type { OperatorPresence } from '../lib/backend';
import { initials, others, pageNamed, viewing } from './presence';

function op(name: string, change: Partial<OperatorPresence> = {}): OperatorPresence {
  return { name, role: 'operator', screen: 'board', incident: null, since: 0, connections: 1, wall: false, ...change };
}

describe('presence', () => {
  it('makes initials from the parts of a name, or its first characters', () => {
    expect(initials('li.wei')).toBe('LW');
    expect(initials('zhang min')).toBe('ZM');
    expect(initials('admin')).toBe('AD');
    expect(initials('王小明')).toBe('王小');
    expect(initials('  ')).toBe('?');
  });

  it('names only the console’s own pages as pages', () => {
    expect(pageNamed('topology')).toBe('topology');
    expect(pageNamed('wall')).toBeNull();
    expect(pageNamed('<script>')).toBeNull();
  });

  it('leaves this operator out and puts walls last', () => {
    const list = [op('zhang'), op('lobby', { wall: true, screen: 'wall' }), op('me'), op('an')];
    expect(others(list, 'me').map((o) => o.name)).toEqual(['an', 'zhang', 'lobby']);
  });

  it('finds who else has the same incident open', () => {
    const list = [op('me', { incident: 12 }), op('li.wei', { incident: 12 }), op('zhang', { incident: 3 }), op('wall', { wall: true, incident: 12 })];
    expect(viewing(list, 12, 'me').map((o) => o.name)).toEqual(['li.wei']);
    expect(viewing(list, 7, 'me')).toEqual([]);
  });
});
