import { describe, expect, it } from 'vitest';
import { currentView, deleteView, loadViews, saveView, viewFilter } from './views';
import { emptyFilter } from './filters';

function memoryStore(initial: Record<string, string> = {}) {
  const data = new Map(Object.entries(initial));
  return {
    getItem: (key: string) => data.get(key) ?? null,
    setItem: (key: string, value: string) => void data.set(key, value),
  };
}

describe('saved views', () => {
  it('saves, replaces by name, lists by name and deletes', () => {
    const store = memoryStore();
    const critical = { ...emptyFilter(), severities: ['critical' as const] };
    saveView(store, '  Night shift ', critical);
    saveView(store, 'Mine', { ...emptyFilter(), owner: { kind: 'me' } });
    const views = saveView(store, 'Night shift', { ...critical, text: 'disk' });
    expect(views.map((v) => v.name)).toEqual(['Mine', 'Night shift']);
    expect(viewFilter(views[1]!).text).toBe('disk');
    expect(loadViews(store)).toEqual(views);
    expect(deleteView(store, 'Mine').map((v) => v.name)).toEqual(['Night shift']);
  });

  it('refuses an empty name', () => {
    const store = memoryStore();
    expect(saveView(store, '   ', emptyFilter())).toEqual([]);
  });

  it('reads a corrupt store as no views', () => {
    expect(loadViews(memoryStore({ 'noc.board.views': '{not json' }))).toEqual([]);
    expect(loadViews(memoryStore({ 'noc.board.views': '[{"name":1},{"name":"ok","query":""}]' }))).toEqual([
      { name: 'ok', query: '' },
    ]);
  });

  it('recognises the view the board shows', () => {
    const store = memoryStore();
    const views = saveView(store, 'Majors', { ...emptyFilter(), severities: ['major'] });
    expect(currentView(views, { ...emptyFilter(), severities: ['major'] })?.name).toBe('Majors');
    expect(currentView(views, emptyFilter())).toBeUndefined();
  });
});
