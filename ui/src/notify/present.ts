// Turns notices into what the desktop shows: a few notifications at most, however
// many incidents an alarm storm opens at once.
import type { MessageKey } from '../lib/i18n/en';
import type { Severity } from '../lib/model';
import { severityRank } from '../lib/severity';
import type { Notice } from './alerting';

export interface Display {
  title: string;
  /** Untrusted source text (the incident's title): shown as text only. */
  body: string;
  severity: Severity;
  /** The incident to show on a click; `null` for a summary of several. */
  incident: number | null;
}

export type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

/** More than this many at once become this many less one, and a summary of the rest. */
export const MAX_SHOWN = 3;

/** Lines of a summary's body: enough to recognise the storm, short enough to read. */
const SUMMARY_LINES = 5;

const TITLE_KEY: Record<Notice['kind'], MessageKey> = {
  opened: 'notify.notice.opened',
  escalated: 'notify.notice.escalated',
  overdue: 'notify.notice.overdue',
  repeat: 'notify.notice.repeat',
};

export function worst(notices: readonly Notice[]): Severity | null {
  let found: Severity | null = null;
  for (const n of notices) if (found === null || severityRank(n.severity) > severityRank(found)) found = n.severity;
  return found;
}

export function present(notices: readonly Notice[], t: Translate): Display[] {
  const ordered = [...notices].sort((a, b) => severityRank(b.severity) - severityRank(a.severity));
  const one = (n: Notice): Display => ({
    title: t(TITLE_KEY[n.kind], {
      id: n.incident,
      severity: t(`severity.${n.severity}`),
      level: n.level ?? 0,
    }),
    body: n.title,
    severity: n.severity,
    incident: n.incident,
  });
  if (ordered.length <= MAX_SHOWN) return ordered.map(one);
  const shown = ordered.slice(0, MAX_SHOWN - 1);
  const rest = ordered.slice(MAX_SHOWN - 1);
  return [
    ...shown.map(one),
    {
      title: t('notify.notice.more', { count: rest.length }),
      body: [
        ...rest.slice(0, SUMMARY_LINES).map((n) => `#${n.incident} ${n.title}`),
        ...(rest.length > SUMMARY_LINES ? ['…'] : []),
      ].join('\n'),
      severity: worst(rest) ?? 'info',
      incident: null,
    },
  ];
}
