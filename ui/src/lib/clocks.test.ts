import { describe, expect, it } from 'vitest';
import { clockState, incidentClocks, DEFAULT_TARGETS } from './clocks';
import { incident } from '../test/entities';

describe('clock state', () => {
  it('runs, turns amber at 80 % of the target, then is missed', () => {
    expect(clockState(0, null, 100, 50)).toBe('running');
    expect(clockState(0, null, 100, 79)).toBe('running');
    expect(clockState(0, null, 100, 80)).toBe('amber');
    expect(clockState(0, null, 100, 100)).toBe('amber');
    expect(clockState(0, null, 100, 101)).toBe('missed');
  });

  it('is met when stopped within the target and missed when stopped after it', () => {
    expect(clockState(0, 100, 100, 5_000)).toBe('met');
    expect(clockState(0, 150, 100, 5_000)).toBe('missed');
  });
});

describe('incident clocks', () => {
  const start = 1_000_000;

  it('stop at acknowledgement, identification and the earlier of mitigation and resolution', () => {
    const inc = incident(1, {
      started_at: start,
      acknowledged: { by: 'li', at: start + 30_000 },
      identified: { by: 'li', at: start + 400_000, cause: 'disk', layer: 'iaas' },
      mitigated: { by: 'li', at: start + 500_000 },
      resolved_at: start + 900_000,
    });
    const clocks = incidentClocks(inc, DEFAULT_TARGETS, start + 2_000_000);
    expect(clocks.map((c) => [c.name, c.state, c.elapsedMs])).toEqual([
      ['detect', 'met', 30_000],
      ['identify', 'missed', 400_000],
      ['recover', 'met', 500_000],
    ]);
  });

  it('keep running from the first alarm while nothing happened', () => {
    const inc = incident(1, { started_at: start, opened_at: start + 5_000 });
    const clocks = incidentClocks(inc, DEFAULT_TARGETS, start + 250_000);
    expect(clocks.map((c) => c.state)).toEqual(['missed', 'amber', 'running']);
    expect(clocks.every((c) => c.stoppedAt === null && c.elapsedMs === 250_000)).toBe(true);
  });

  it('count recovery from a resolution without mitigation', () => {
    const inc = incident(1, { started_at: start, resolved_at: start + 700_000 });
    expect(incidentClocks(inc, DEFAULT_TARGETS, start + 800_000)[2]).toMatchObject({ state: 'missed', stoppedAt: start + 700_000 });
  });

  it('do not run on after the incident closed without the milestone', () => {
    const inc = incident(1, { started_at: start, acknowledged: { by: 'li', at: start + 10_000 }, resolved_at: start + 200_000 });
    const clocks = incidentClocks(inc, DEFAULT_TARGETS, start + 5_000_000);
    expect(clocks.map((c) => [c.state, c.elapsedMs])).toEqual([
      ['met', 10_000],
      ['skipped', 200_000],
      ['met', 200_000],
    ]);
  });
});
