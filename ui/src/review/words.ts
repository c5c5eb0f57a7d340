// An operator's action or a note, said in words for the track's tooltips and the lists.
import type { Event } from '../lib/model';
import { t } from '../lib/i18n/i18n.svelte';
import { en, type MessageKey } from '../lib/i18n/en';

/** The kind's name from the board's catalogue, or the review's own for kinds the board never shows. */
export function kindName(kind: string): string {
  for (const key of [`event.${kind}`, `review.event.${kind}`]) {
    if (key in en) return t(key as MessageKey);
  }
  return kind;
}

/** What the action was about, beyond its kind (untrusted text stays plain text). */
export function actionDetail(event: Event): string {
  const body = event.body;
  const about = event.subject.startsWith('incident:') ? `INC-${event.subject.slice('incident:'.length)}` : event.subject;
  switch (body.kind) {
    case 'incident_commented':
      return `${about}: ${body.text}`;
    case 'incident_identified':
      return `${about}: ${body.cause}${body.root_node === null ? '' : ` (${body.root_node})`}`;
    case 'incident_mitigated':
      return `${about}: ${body.note}`;
    case 'incident_reviewed':
      return `${about}: ${body.summary}`;
    case 'incident_escalated':
      return `${about}: ${body.reason}`;
    case 'shift_logged':
      return body.entry.text;
    case 'drill_step_checked':
      return body.step;
    case 'drill_ended':
      return body.reason;
    default:
      return about;
  }
}
