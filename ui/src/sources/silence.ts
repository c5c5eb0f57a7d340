import type { Matcher, Silence } from '../lib/model';
import type { MessageKey } from '../lib/i18n/en';
import type { SilenceRequest } from '../lib/backend';
import { isRegex } from './form';

/**
 * Labels the console adds to an Alertmanager alarm about the alert (its link, state and
 * start): they are not alert labels, so a silence matching on them would match nothing.
 */
const ADDED_LABELS = new Set(['generator_url', 'alertmanager_state', 'starts_at']);

/** One exact matcher per alert label, in name order. */
export function matchersFromLabels(labels: Record<string, string>): Matcher[] {
  return Object.keys(labels)
    .filter((name) => !ADDED_LABELS.has(name))
    .sort()
    .map((name) => ({ name, value: labels[name] ?? '', is_regex: false, is_equal: true }));
}

/** Alertmanager's four matcher operators, as written in its own syntax. */
export const OPERATORS = [
  { op: '=', is_equal: true, is_regex: false },
  { op: '!=', is_equal: false, is_regex: false },
  { op: '=~', is_equal: true, is_regex: true },
  { op: '!~', is_equal: false, is_regex: true },
] as const;
export type Operator = (typeof OPERATORS)[number]['op'];

export function operatorOf(m: Pick<Matcher, 'is_equal' | 'is_regex'>): Operator {
  return OPERATORS.find((o) => o.is_equal === m.is_equal && o.is_regex === m.is_regex)?.op ?? '=';
}

/** The matcher with the operator's flags; an unknown operator changes nothing. */
export function withOperator(m: Matcher, op: string): Matcher {
  const chosen = OPERATORS.find((o) => o.op === op);
  return chosen === undefined ? m : { ...m, is_equal: chosen.is_equal, is_regex: chosen.is_regex };
}

/** Preset lengths in minutes; `custom` takes the minutes typed. */
export const DURATIONS = [60, 240, 1440, 'custom'] as const;
export type DurationChoice = (typeof DURATIONS)[number];

/** Thirty days: longer silences hide problems instead of bridging maintenance. */
export const MAX_MINUTES = 43_200;

export interface SilenceForm {
  matchers: Matcher[];
  duration: DurationChoice;
  customMinutes: string;
  comment: string;
}

export interface SilenceProblem {
  field: string;
  message: MessageKey;
}

const LABEL_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The request the hub takes, or what is wrong with the form. */
export function readSilence(
  form: SilenceForm,
  alarm: number,
): { ok: true; request: SilenceRequest } | { ok: false; problems: SilenceProblem[] } {
  const problems: SilenceProblem[] = [];
  const matchers = form.matchers.map((m) => ({ ...m, name: m.name.trim() }));
  matchers.forEach((m, i) => {
    if (!LABEL_NAME.test(m.name)) problems.push({ field: `matchers.${i}.name`, message: 'silence.error.labelName' });
    if (m.is_regex && !isRegex(m.value)) problems.push({ field: `matchers.${i}.value`, message: 'sourceForm.error.regex' });
  });
  // Alertmanager refuses a silence whose matchers all match an absent (empty) label.
  if (!matchers.some((m) => m.is_equal && !matchesEmpty(m))) {
    problems.push({ field: 'matchers', message: 'silence.error.noMatcher' });
  }
  let minutes: number;
  if (form.duration === 'custom') {
    const typed = form.customMinutes.trim();
    minutes = Number(typed);
    if (!/^\d+$/.test(typed) || minutes < 1 || minutes > MAX_MINUTES) {
      problems.push({ field: 'customMinutes', message: 'silence.error.minutes' });
    }
  } else {
    minutes = form.duration;
  }
  const comment = form.comment.trim();
  if (comment === '') problems.push({ field: 'comment', message: 'sourceForm.error.required' });
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, request: { matchers, duration_minutes: minutes, comment, alarm } };
}

function matchesEmpty(m: Matcher): boolean {
  return m.is_regex ? isRegex(m.value) && new RegExp(`^(?:${m.value})$`).test('') : m.value === '';
}

/** A matcher in Alertmanager's own syntax: `name="value"`, `name!~"regex"`. */
export function matcherText(m: Matcher): string {
  return `${m.name}${operatorOf(m)}${JSON.stringify(m.value)}`;
}

export type SilenceState = 'active' | 'pending' | 'expired';

/** The hub passes Alertmanager's word through; anything else is treated as over. */
export function stateOf(silence: Silence): SilenceState {
  return silence.state === 'active' || silence.state === 'pending' ? silence.state : 'expired';
}

const STATE_RANK: Record<SilenceState, number> = { active: 0, pending: 1, expired: 2 };

/**
 * What still mutes alerts comes first, the one ending soonest on top; then what will
 * start, soonest first; then the expired, the most recently ended first.
 */
export function orderSilences(silences: readonly Silence[]): Silence[] {
  const key = (s: Silence): number => {
    const state = stateOf(s);
    return state === 'active' ? s.ends_at : state === 'pending' ? s.starts_at : -s.ends_at;
  };
  return [...silences].sort(
    (a, b) => STATE_RANK[stateOf(a)] - STATE_RANK[stateOf(b)] || key(a) - key(b) || a.id.localeCompare(b.id),
  );
}
