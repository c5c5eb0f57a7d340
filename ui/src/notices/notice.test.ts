import { describe, expect, it } from 'vitest';
import type { EventBody, NoticeDraft } from '../lib/model';
import { language } from '../lib/i18n/i18n.svelte';
import { describeEvent, eventName } from '../board/timeline';
import {
  MAX_FIELD_CHARS,
  charCount,
  describeNotice,
  minutesUntil,
  noticeTextFor,
  orderedLanguages,
  tooLong,
  withKind,
  withNextUpdate,
  workstationOffset,
} from './notice';

const NOW = 1_795_413_600_000;
const MIN = 60_000;

const draft = (over: Partial<NoticeDraft> = {}): NoticeDraft => ({
  incident: 7,
  kind: 'update',
  what: 'BGP down on core-1',
  impact: 'billing',
  actions: 'rerouted',
  next_update_at: NOW + 30 * MIN,
  channels: ['ops'],
  utc_offset_minutes: 480,
  ...over,
});

type NoticeSent = Extract<EventBody, { kind: 'notice_sent' }>;
const sent = (over: Partial<NoticeSent> = {}): NoticeSent => ({
  kind: 'notice_sent',
  incident: 7,
  notice_kind: 'initial',
  languages: ['zh', 'en'],
  text_zh: '[NOC] 【首报】',
  text_en: '[NOC] [Initial notice]',
  channels: ['ops', 'pager'],
  deliveries: [
    { channel: 'ops', ok: true, error: null },
    { channel: 'pager', ok: false, error: 'HTTP 500' },
  ],
  next_update_at: NOW,
  ...over,
});

describe('notice fields', () => {
  it('are too long past 2,000 characters, counted as the hub counts them', () => {
    expect(charCount('影'.repeat(3))).toBe(3);
    expect(charCount('😀')).toBe(1);
    expect(tooLong(draft({ impact: '影'.repeat(MAX_FIELD_CHARS) })).size).toBe(0);
    const over = tooLong(draft({ impact: '影'.repeat(MAX_FIELD_CHARS + 1), actions: 'x'.repeat(2500) }));
    expect([...over]).toEqual([
      ['impact', 2001],
      ['actions', 2500],
    ]);
  });
});

describe('the next update', () => {
  it('is shown in minutes from now, never below one', () => {
    expect(minutesUntil(NOW + 30 * MIN, NOW)).toBe(30);
    expect(minutesUntil(NOW + 10_000, NOW)).toBe(1);
    expect(minutesUntil(null, NOW)).toBeNull();
  });

  it('is set from the minutes typed; a blank or bad entry promises none', () => {
    expect(withNextUpdate(draft(), '45', NOW).next_update_at).toBe(NOW + 45 * MIN);
    expect(withNextUpdate(draft(), '', NOW).next_update_at).toBeNull();
    expect(withNextUpdate(draft(), '0', NOW).next_update_at).toBeNull();
    expect(withNextUpdate(draft(), '2.5', NOW).next_update_at).toBeNull();
  });

  it('goes with a final notice and comes back with another kind', () => {
    const final = withKind(draft(), 'final', 30, NOW);
    expect(final).toMatchObject({ kind: 'final', next_update_at: null });
    expect(withKind(final, 'update', 30, NOW)).toMatchObject({ kind: 'update', next_update_at: NOW + 30 * MIN });
    expect(withKind(draft({ next_update_at: NOW + 5 * MIN }), 'initial', 30, NOW).next_update_at).toBe(NOW + 5 * MIN);
  });
});

describe('languages and offsets', () => {
  it('keep the order the hub sends them in, once each', () => {
    expect(orderedLanguages(['en', 'zh', 'en'])).toEqual(['zh', 'en']);
    expect(orderedLanguages([])).toEqual([]);
  });

  it('take the workstation offset east of UTC as positive', () => {
    const date = { getTimezoneOffset: () => -480 } as Date;
    expect(workstationOffset(date)).toBe(480);
    expect(workstationOffset({ getTimezoneOffset: () => 0 } as Date)).toBe(0);
  });
});

describe('a sent notice on the timeline', () => {
  it('names its kind, languages and each channel, and fails if one channel failed', () => {
    language.current = 'en';
    expect(describeNotice(sent())).toEqual({
      text: 'Initial notice · Chinese + English · ops delivered; pager failed: HTTP 500',
      ok: false,
    });
    language.current = 'zh';
    expect(describeNotice(sent({ notice_kind: 'final', languages: ['zh'], deliveries: [{ channel: 'ops', ok: true, error: null }] }))).toEqual({
      text: '终报 · 中文 · ops 已送达',
      ok: true,
    });
    expect(describeNotice(sent({ deliveries: [] })).ok).toBeNull();
    expect(describeNotice(sent({ deliveries: [] })).text).toContain('仅记录');
    language.current = 'en';
  });

  it('shows the reader the rendering in their language when it was sent', () => {
    expect(noticeTextFor(sent(), 'zh')).toBe('[NOC] 【首报】');
    expect(noticeTextFor(sent(), 'en')).toBe('[NOC] [Initial notice]');
    expect(noticeTextFor(sent({ languages: ['zh'] }), 'en')).toBe('[NOC] 【首报】');
  });
});

describe('the incident timeline', () => {
  it('shows a sent notice as a notice with its kind and outcome', () => {
    language.current = 'zh';
    expect(eventName('notice_sent')).toBe('通报');
    const view = describeEvent({ seq: 9, at: NOW, actor: '王芳', subject: 'incident:7', body: sent() }, 7);
    expect(view).toEqual({ text: '首报 · 中文 + 英文 · ops 已送达; pager 失败:HTTP 500', other: null, ok: false });
    language.current = 'en';
  });
});
