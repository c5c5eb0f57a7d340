import { describe, expect, it } from 'vitest';
import type { Silence } from '../lib/model';
import { OPERATORS, matcherText, matchersFromLabels, operatorOf, orderSilences, readSilence, stateOf, withOperator, type SilenceForm } from './silence';

const labels = {
  severity: 'critical',
  alertname: 'NodeDown',
  instance: 'core-sw1:9100',
  generator_url: 'http://prom/graph?g0.expr=up',
  alertmanager_state: 'active',
  starts_at: '2026-11-22T22:00:00Z',
};

const form = (patch: Partial<SilenceForm> = {}): SilenceForm => ({
  matchers: matchersFromLabels(labels),
  duration: 60,
  customMinutes: '',
  comment: 'switch replaced tonight',
  ...patch,
});

const fields = (f: SilenceForm) => {
  const result = readSilence(f, 7);
  return result.ok ? [] : result.problems.map((p) => `${p.field}:${p.message}`);
};

describe('silence matchers from an alarm', () => {
  it('match every alert label exactly, without the labels the console adds', () => {
    expect(matchersFromLabels(labels)).toEqual([
      { name: 'alertname', value: 'NodeDown', is_regex: false, is_equal: true },
      { name: 'instance', value: 'core-sw1:9100', is_regex: false, is_equal: true },
      { name: 'severity', value: 'critical', is_regex: false, is_equal: true },
    ]);
  });
});

describe('silence form', () => {
  it('becomes the request with the alarm, preset minutes and the trimmed comment', () => {
    const result = readSilence(form({ duration: 240, comment: '  maintenance ' }), 7);
    expect(result).toEqual({
      ok: true,
      request: { matchers: matchersFromLabels(labels), duration_minutes: 240, comment: 'maintenance', alarm: 7 },
    });
  });

  it('takes custom minutes within thirty days', () => {
    const custom = readSilence(form({ duration: 'custom', customMinutes: '90' }), 7);
    expect(custom.ok && custom.request.duration_minutes).toBe(90);
    expect(fields(form({ duration: 'custom', customMinutes: '0' }))).toEqual(['customMinutes:silence.error.minutes']);
    expect(fields(form({ duration: 'custom', customMinutes: '1.5' }))).toEqual(['customMinutes:silence.error.minutes']);
    expect(fields(form({ duration: 'custom', customMinutes: '43201' }))).toEqual(['customMinutes:silence.error.minutes']);
  });

  it('needs a comment', () => {
    expect(fields(form({ comment: '   ' }))).toEqual(['comment:sourceForm.error.required']);
  });

  it('needs one matcher that selects a non-empty value', () => {
    expect(fields(form({ matchers: [] }))).toEqual(['matchers:silence.error.noMatcher']);
    expect(fields(form({ matchers: [{ name: 'job', value: 'node', is_regex: false, is_equal: false }] }))).toEqual([
      'matchers:silence.error.noMatcher',
    ]);
    expect(fields(form({ matchers: [{ name: 'job', value: '.*', is_regex: true, is_equal: true }] }))).toEqual([
      'matchers:silence.error.noMatcher',
    ]);
    expect(fields(form({ matchers: [{ name: 'job', value: 'node|db', is_regex: true, is_equal: true }] }))).toEqual([]);
  });

  it('checks label names and regular expressions', () => {
    const matchers = [
      { name: 'alertname', value: 'NodeDown', is_regex: false, is_equal: true },
      { name: 'bad-name', value: 'x', is_regex: false, is_equal: true },
      { name: 'job', value: '(', is_regex: true, is_equal: true },
    ];
    expect(fields(form({ matchers }))).toEqual(['matchers.1.name:silence.error.labelName', 'matchers.2.value:sourceForm.error.regex']);
  });
});

describe('matcher operators', () => {
  it('map to Alertmanager’s equal and regex flags and back', () => {
    const base = { name: 'job', value: 'node', is_regex: false, is_equal: true };
    expect(OPERATORS.map((o) => withOperator(base, o.op)).map((m) => [m.is_equal, m.is_regex])).toEqual([
      [true, false],
      [false, false],
      [true, true],
      [false, true],
    ]);
    for (const { op } of OPERATORS) expect(operatorOf(withOperator(base, op))).toBe(op);
    expect(withOperator(base, '~=')).toBe(base);
  });
});

describe('silence list', () => {
  it('writes matchers in Alertmanager’s syntax, quoting the value as text', () => {
    const m = (is_equal: boolean, is_regex: boolean, value = 'db-1') => matcherText({ name: 'instance', value, is_equal, is_regex });
    expect([m(true, false), m(false, false), m(true, true, 'db-.*'), m(false, true, 'db-.*')]).toEqual([
      'instance="db-1"',
      'instance!="db-1"',
      'instance=~"db-.*"',
      'instance!~"db-.*"',
    ]);
    expect(m(true, false, 'say "hi" \\ <b>')).toBe('instance="say \\"hi\\" \\\\ <b>"');
  });

  const silence = (id: string, state: string, starts_at: number, ends_at: number): Silence => ({
    id,
    matchers: [],
    starts_at,
    ends_at,
    created_by: 'Alex',
    comment: '',
    state,
  });

  it('puts active ones first (ending soonest on top), then pending, then expired (newest first)', () => {
    const list = [
      silence('old', 'expired', 0, 100),
      silence('later', 'pending', 900, 2000),
      silence('long', 'active', 0, 5000),
      silence('recent', 'expired', 0, 300),
      silence('short', 'active', 0, 1000),
      silence('soon', 'pending', 600, 9000),
    ];
    expect(orderSilences(list).map((s) => s.id)).toEqual(['short', 'long', 'soon', 'later', 'recent', 'old']);
    expect(list[0]?.id).toBe('old');
  });

  it('treats a state it does not know as over, so it offers no expiry', () => {
    expect(stateOf(silence('x', 'active', 0, 1))).toBe('active');
    expect(stateOf(silence('x', 'pending', 0, 1))).toBe('pending');
    expect(stateOf(silence('x', 'gone', 0, 1))).toBe('expired');
  });
});
