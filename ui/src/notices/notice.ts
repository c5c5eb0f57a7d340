// The notice dialog's rules and the timeline's words for a sent notice. The hub
// renders the notice itself; this only checks what the operator typed and says
// what happened to it.
import type { EventBody, NoticeDelivery, NoticeDraft, NoticeKind, NoticeLanguage } from '../lib/model';
import { t } from '../lib/i18n/i18n.svelte';

/** The hub refuses a longer field (422 `notice_too_long`). */
export const MAX_FIELD_CHARS = 2000;

export const FIELDS = ['what', 'impact', 'actions'] as const;
export type NoticeField = (typeof FIELDS)[number];

export const KINDS: readonly NoticeKind[] = ['initial', 'update', 'final'];
export const NOTICE_LANGUAGES: readonly NoticeLanguage[] = ['zh', 'en'];

const MINUTE = 60_000;

/** The offset from UTC of this workstation now, as the hub wants it (480 in Beijing). */
export function workstationOffset(at: Date = new Date()): number {
  const offset = -at.getTimezoneOffset();
  return offset === 0 ? 0 : offset;
}

/** Characters as the hub counts them (Unicode scalar values, not UTF-16 units). */
export function charCount(text: string): number {
  return [...text].length;
}

/** The fields over the limit, with their length. */
export function tooLong(draft: NoticeDraft): Map<NoticeField, number> {
  const over = new Map<NoticeField, number>();
  for (const field of FIELDS) {
    const n = charCount(draft[field]);
    if (n > MAX_FIELD_CHARS) over.set(field, n);
  }
  return over;
}

/** Minutes from `now` to the draft's next update, at least 1; `null` when none is promised. */
export function minutesUntil(nextUpdateAt: number | null, now: number): number | null {
  if (nextUpdateAt === null) return null;
  return Math.max(1, Math.round((nextUpdateAt - now) / MINUTE));
}

/**
 * The draft with another kind: a final notice promises no next update; leaving
 * final promises one `fallbackMinutes` from now.
 */
export function withKind(draft: NoticeDraft, kind: NoticeKind, fallbackMinutes: number, now: number): NoticeDraft {
  if (kind === 'final') return { ...draft, kind, next_update_at: null };
  const next = draft.next_update_at ?? now + fallbackMinutes * MINUTE;
  return { ...draft, kind, next_update_at: next };
}

/** The next update `minutes` from `now`; a blank or bad entry promises none. */
export function withNextUpdate(draft: NoticeDraft, minutes: string, now: number): NoticeDraft {
  const n = Number(minutes.trim());
  const valid = minutes.trim() !== '' && Number.isInteger(n) && n > 0 && n <= 24 * 60;
  return { ...draft, next_update_at: valid ? now + n * MINUTE : null };
}

/** In the order the hub sends them (Chinese first), once each. */
export function orderedLanguages(chosen: readonly NoticeLanguage[]): NoticeLanguage[] {
  return NOTICE_LANGUAGES.filter((l) => chosen.includes(l));
}

export function kindName(kind: NoticeKind): string {
  return t(`notice.kind.${kind}`);
}

/** One channel's outcome in words. */
export function deliveryText(delivery: NoticeDelivery): string {
  return delivery.ok
    ? `${delivery.channel} ${t('notice.delivered')}`
    : `${delivery.channel} ${t('notice.failed', { error: delivery.error ?? '' })}`;
}

export interface NoticeView {
  text: string;
  /** Every channel took it (`true`), one did not (`false`), or none was chosen (`null`). */
  ok: boolean | null;
}

type NoticeSent = Extract<EventBody, { kind: 'notice_sent' }>;

/** A sent notice on the timeline: its kind, languages and each channel's outcome. */
export function describeNotice(body: NoticeSent): NoticeView {
  const languages = orderedLanguages(body.languages)
    .map((l) => t(`notice.lang.${l}`))
    .join(' + ');
  const channels =
    body.deliveries.length === 0 ? t('timeline.noticeRecordedOnly') : body.deliveries.map(deliveryText).join('; ');
  const ok = body.deliveries.length === 0 ? null : body.deliveries.every((d) => d.ok);
  return { text: `${kindName(body.notice_kind)} · ${languages} · ${channels}`, ok };
}

/** The rendering a reader of `language` wants first, the other if it was not sent. */
export function noticeTextFor(body: NoticeSent, language: 'en' | 'zh'): string {
  const preferred: NoticeLanguage = language === 'zh' ? 'zh' : 'en';
  const chosen = body.languages.includes(preferred) ? preferred : (body.languages[0] ?? preferred);
  return chosen === 'zh' ? body.text_zh : body.text_en;
}
