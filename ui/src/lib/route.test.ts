import { describe, expect, it } from 'vitest';
import { pageOf } from './route';

describe('page from the address', () => {
  it('reads #/name and falls back to the board', () => {
    expect(pageOf('#/sources')).toBe('sources');
    expect(pageOf('#sources')).toBe('sources');
    expect(pageOf('#/board')).toBe('board');
    expect(pageOf('#/maintenance')).toBe('maintenance');
    expect(pageOf('')).toBe('board');
    expect(pageOf('#/nowhere')).toBe('board');
    expect(pageOf('#/sources/extra')).toBe('board');
    expect(pageOf('#/sources?x=1')).toBe('sources');
    expect(pageOf('#/board?sev=critical,major&owner=me')).toBe('board');
    expect(pageOf('#/review')).toBe('review');
    expect(pageOf('#/review/shift-2026-11-23?at=1700000000000')).toBe('review');
    expect(pageOf('#/reports?kind=incident&incident=12')).toBe('reports');
  });
});
