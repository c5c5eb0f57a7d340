import { describe, expect, it } from 'vitest';
import {
  DEFAULT_ROTATE_SECONDS,
  PANELS,
  clockText,
  durationText,
  grade,
  isWallAddress,
  localMidnight,
  nextPanel,
  overall,
  percent,
  sourceClass,
  statsOutdated,
  wallOptions,
  wallQuery,
} from './wall';
import type { DutyStats } from './dutyStats';

describe('wall options', () => {
  it('rotates every 20 s through every panel by default', () => {
    expect(wallOptions('')).toEqual({ rotateSeconds: DEFAULT_ROTATE_SECONDS, panels: PANELS });
  });

  it('takes the rotation and the panels from the address, leaving out unknown and repeated ones', () => {
    expect(wallOptions('rotate=45&panels=kpis,nonsense,board,kpis')).toEqual({ rotateSeconds: 45, panels: ['kpis', 'board'] });
  });

  it('never rotates faster than a panel can be read, and ignores a rotation that is no number', () => {
    expect(wallOptions('rotate=0.1').rotateSeconds).toBe(2);
    expect(wallOptions('rotate=soon').rotateSeconds).toBe(DEFAULT_ROTATE_SECONDS);
    expect(wallOptions('rotate=-5').rotateSeconds).toBe(DEFAULT_ROTATE_SECONDS);
    expect(wallOptions('panels=nothing').panels).toEqual(PANELS);
  });

  it('reads the query whether the wall is /wall?… or #/wall?…', () => {
    expect(wallQuery({ search: '?rotate=2', hash: '' })).toBe('rotate=2');
    expect(wallQuery({ search: '', hash: '#/wall?panels=kpis' })).toBe('panels=kpis');
    expect(isWallAddress({ pathname: '/wall', hash: '' })).toBe(true);
    expect(isWallAddress({ pathname: '/wall/', hash: '' })).toBe(true);
    expect(isWallAddress({ pathname: '/', hash: '#/wall?rotate=5' })).toBe(true);
    expect(isWallAddress({ pathname: '/', hash: '#/wallet' })).toBe(false);
    expect(isWallAddress({ pathname: '/walls', hash: '#/board' })).toBe(false);
  });
});

describe('rotation', () => {
  it('goes round the chosen panels and starts again', () => {
    const panels = ['board', 'kpis', 'sources'] as const;
    const seen = [];
    let at: (typeof PANELS)[number] = 'board';
    for (let i = 0; i < 4; i++) {
      at = nextPanel(panels, at);
      seen.push(at);
    }
    expect(seen).toEqual(['kpis', 'sources', 'board', 'kpis']);
  });

  it('stays on a single panel, and recovers from one no longer chosen', () => {
    expect(nextPanel(['kpis'], 'kpis')).toBe('kpis');
    expect(nextPanel(['kpis', 'board'], 'probes')).toBe('kpis');
  });
});

describe('formatting', () => {
  it('writes mean times as m:ss, or h:mm:ss beyond an hour', () => {
    expect(durationText(null)).toBe('—');
    expect(durationText(0)).toBe('0:00');
    expect(durationText(90_500)).toBe('1:31');
    expect(durationText(3_600_000 + 5 * 60_000 + 7_000)).toBe('1:05:07');
  });

  it('never shows one miss as 100 %, and nothing when no clock stopped', () => {
    expect(percent({ met: 0, total: 0 })).toBeNull();
    expect(percent({ met: 199, total: 200 })).toBe(99);
    expect(percent({ met: 3, total: 3 })).toBe(100);
    expect(grade({ met: 0, total: 0 })).toBe('none');
    expect(grade({ met: 9, total: 10 })).toBe('good');
    expect(grade({ met: 7, total: 10 })).toBe('fair');
    expect(grade({ met: 1, total: 3 })).toBe('poor');
  });

  it('shows the local time as HH:MM:SS and starts today at local midnight', () => {
    const at = new Date(2026, 10, 23, 7, 4, 9, 500).getTime();
    expect(clockText(at)).toBe('07:04:09');
    expect(localMidnight(at)).toBe(new Date(2026, 10, 23).getTime());
    expect(localMidnight(localMidnight(at))).toBe(localMidnight(at));
  });

  it('counts sources as the hub does', () => {
    expect(sourceClass('ok')).toBe('ok');
    expect(sourceClass('slow')).toBe('degraded');
    expect(sourceClass('unmapped_severity')).toBe('degraded');
    expect(sourceClass('stale')).toBe('down');
    expect(sourceClass('auth_failed')).toBe('down');
  });
});

describe("today's numbers", () => {
  const stats = (since: number): DutyStats => ({
    since,
    until: since + 1,
    open_by_severity: { critical: 0, major: 0, minor: 0, warning: 0, unknown: 0, info: 0 },
    opened: 3,
    acknowledged: 3,
    mtta_ms: 1,
    resolved: 1,
    mttr_ms: 1,
    compliance: { detect: { met: 2, total: 3 }, identify: { met: 1, total: 1 }, recover: { met: 0, total: 1 } },
    sources: { ok: 1, degraded: 0, down: 0 },
  });

  it('adds every stopped clock for the header', () => {
    expect(overall(stats(0))).toEqual({ met: 3, total: 5 });
  });

  it('are fetched again when the wall runs past midnight', () => {
    const evening = new Date(2026, 10, 23, 23, 59, 59).getTime();
    const today = stats(localMidnight(evening));
    expect(statsOutdated(today, evening)).toBe(false);
    expect(statsOutdated(today, evening + 2_000)).toBe(true);
    expect(statsOutdated(null, evening)).toBe(true);
  });
});
