import { describe, expect, it } from 'vitest';
import type { PhaseScore, StepScore } from '../lib/model';
import { checkable, checklist, consoleAddress, inLanguage, phaseTime, reviewAddress, stepTime } from './score';
import { apiAddress, apiBaseOf } from './place';

const phase = (change: Partial<PhaseScore>): PhaseScore => ({
  phase: 'acknowledge',
  target_ms: 60_000,
  at: null,
  took_ms: null,
  by: null,
  verdict: 'pending',
  ...change,
});

const step = (change: Partial<StepScore>): StepScore => ({
  id: 'switch-traffic',
  title: 'Switch traffic',
  title_zh: '切换流量',
  within_ms: 480_000,
  done_at: null,
  took_ms: null,
  by: null,
  verdict: 'pending',
  ...change,
});

describe('scorecard times', () => {
  it('counts a pending phase up from the first fault', () => {
    expect(phaseTime(phase({}), 1_000, 31_000)).toEqual({ ms: 30_000, running: true, overdue: false });
    expect(phaseTime(phase({}), 1_000, 91_000)).toEqual({ ms: 90_000, running: true, overdue: true });
  });

  it('shows nothing before the first fault', () => {
    expect(phaseTime(phase({}), null, 5_000)).toEqual({ ms: null, running: false, overdue: false });
  });

  it('shows what a decided phase took, however late it is now', () => {
    expect(phaseTime(phase({ verdict: 'met', took_ms: 12_000, at: 13_000 }), 1_000, 999_000)).toEqual({
      ms: 12_000,
      running: false,
      overdue: false,
    });
    expect(phaseTime(phase({ verdict: 'missed' }), 1_000, 999_000).ms).toBeNull();
  });

  it('a step without a deadline is never overdue', () => {
    expect(stepTime(step({ within_ms: null }), 0, 10_000_000).overdue).toBe(false);
    expect(stepTime(step({}), 0, 500_000).overdue).toBe(true);
  });
});

describe('runbook checklist', () => {
  it('takes each step’s way of completion from the scenario, a hand check by default', () => {
    const drill = {
      scenario: { expect: { steps: [{ id: 'ack', done_by: 'acknowledge' }] } },
    } as unknown as Parameters<typeof checklist>[1];
    const steps = checklist([step({ id: 'ack' }), step({ id: 'switch-traffic', done_at: 5 })], drill);
    expect(steps.map((s) => [s.id, s.doneBy, s.done])).toEqual([
      ['ack', 'acknowledge', false],
      ['switch-traffic', 'check', true],
    ]);
    expect(steps.map(checkable)).toEqual([false, false]);
    expect(checklist([step({})], null).map(checkable)).toEqual([true]);
  });
});

describe('words and addresses', () => {
  it('uses the Chinese title when there is one', () => {
    expect(inLanguage('Core down', '核心宕机', 'zh')).toBe('核心宕机');
    expect(inLanguage('Core down', ' ', 'zh')).toBe('Core down');
    expect(inLanguage('Core down', '核心宕机', 'en')).toBe('Core down');
  });

  it('links the review and the drill console', () => {
    expect(reviewAddress('drill-2026 11')).toBe('#/review/drill-2026%2011');
    expect(consoleAddress('/drill/')).toBe('/drill/#/board');
    expect(consoleAddress('/drill')).toBe('/drill/#/board');
  });
});

describe('the drill console’s API', () => {
  it('is the drill console when loaded from /drill/', () => {
    expect(apiBaseOf('/drill/')).toBe('/drill');
    expect(apiBaseOf('/drill')).toBe('/drill');
    expect(apiBaseOf('/')).toBe('');
    expect(apiBaseOf('/drilling/')).toBe('');
    expect(apiBaseOf('/wall')).toBe('');
  });

  it('sends the drill database’s calls to /drill/api and the drill’s control to the hub', () => {
    expect(apiAddress('/drill', '/api/incidents/7/acknowledge')).toBe('/drill/api/incidents/7/acknowledge');
    expect(apiAddress('/drill', '/api/topology?at=5')).toBe('/drill/api/topology?at=5');
    expect(apiAddress('/drill', '/api/drills/current')).toBe('/api/drills/current');
    expect(apiAddress('/drill', '/api/drills/current/steps/notify')).toBe('/api/drills/current/steps/notify');
    expect(apiAddress('/drill', '/api/drills/current/end')).toBe('/api/drills/current/end');
    expect(apiAddress('/drill', '/api/session')).toBe('/api/session');
    expect(apiAddress('/drill', '/api/logout')).toBe('/api/logout');
    expect(apiAddress('/drill', '/api/sessions')).toBe('/drill/api/sessions');
    expect(apiAddress('', '/api/incidents/7/acknowledge')).toBe('/api/incidents/7/acknowledge');
  });
});

describe('the drill console’s stream', () => {
  it('follows /drill/api/stream', async () => {
    const { streamUrl } = await import('../lib/backend');
    expect(streamUrl({ protocol: 'http:', host: 'h:1' }, 3, null, '', '/drill')).toBe('ws://h:1/drill/api/stream?after=3');
  });
});

describe('notifications of the drill console', () => {
  it('say DRILL in their title', async () => {
    const { markDrill } = await import('./place');
    expect(markDrill('Incident #3 opened', true)).toBe('[DRILL 演练] Incident #3 opened');
    expect(markDrill('Incident #3 opened', false)).toBe('Incident #3 opened');
  });
});
