// What one timeline entry says beyond its kind: details, a link to another incident,
// and whether a delivery or write-back worked. Source text stays plain text.
import type { Event } from '../lib/model';
import { t } from '../lib/i18n/i18n.svelte';
import { en, type MessageKey } from '../lib/i18n/en';
import { describeNotice } from '../notices/notice';

/** The kind's name; a kind newer than this page's catalogue shows as its code. */
export function eventName(kind: string): string {
  const key = `event.${kind}`;
  return key in en ? t(key as MessageKey) : kind;
}

export interface EventView {
  text: string;
  /** Another incident the entry is about (merge, split). */
  other: number | null;
  /** A delivery or write-back: did it work? `null` for everything else. */
  ok: boolean | null;
}

const plain = (text: string): EventView => ({ text, other: null, ok: null });

export function describeEvent(event: Event, incident: number): EventView {
  const body = event.body;
  switch (body.kind) {
    case 'incident_commented':
      return plain(body.text);
    case 'incident_opened':
      return plain(body.reason === '' ? body.title : `${body.title} — ${body.reason}`);
    case 'alarm_grouped':
      return plain(`#${body.alarm}${body.root ? ` (${t('detail.root')})` : ''} ${body.reason}`);
    case 'alarm_raised':
      return plain(`#${body.alarm.id} ${body.alarm.title}`);
    case 'alarm_updated':
      return plain(`#${body.alarm} ${body.title} ×${body.count}`);
    case 'alarm_cleared':
    case 'alarm_retired':
      return plain(`#${body.alarm}`);
    case 'incident_identified': {
      const layer = body.layer === null ? '' : ` · ${t(`layer.${body.layer}`)}`;
      const root = body.root_node === null ? '' : ` · ${t('timeline.rootNode', { node: body.root_node })}`;
      return plain(`${body.cause}${layer}${root}`);
    }
    case 'incident_mitigated':
      return plain(body.note);
    case 'incident_reviewed':
      return plain(body.summary);
    case 'incident_escalated': {
      const notified = body.notify.length === 0 ? '' : ` · ${t('timeline.notified', { channels: body.notify.join(', ') })}`;
      return plain(`${t('timeline.level', { level: body.level })} · ${body.reason}${notified}`);
    }
    case 'incident_update_overdue':
      return plain(t('timeline.dueAt', { at: new Date(body.due_at).toLocaleTimeString() }));
    case 'incidents_merged':
      // `incident` remains; `from` was merged into it. Both timelines show the entry.
      return body.from === incident
        ? { text: t('timeline.mergedInto'), other: body.incident, ok: null }
        : { text: t('timeline.mergedFrom'), other: body.from, ok: null };
    case 'incident_split':
      return body.into === incident
        ? { text: t('timeline.splitFrom', { alarms: body.alarms.map((a) => `#${a}`).join(' ') }), other: body.incident, ok: null }
        : { text: t('timeline.splitInto', { alarms: body.alarms.map((a) => `#${a}`).join(' ') }), other: body.into, ok: null };
    case 'alarm_flapping':
      return plain(`#${body.alarm} ${body.flapping ? t('timeline.flapping') : t('timeline.settled')}`);
    case 'alarm_suppressed':
      return plain(`#${body.alarm} ${body.window === null ? t('timeline.unsuppressed') : t('timeline.suppressedBy', { window: body.window })}`);
    case 'notification_sent':
      return {
        text: `${body.channel} (${body.trigger}) ${body.ok ? t('timeline.delivered') : t('timeline.notDelivered')}${body.detail === '' ? '' : `: ${body.detail}`}`,
        other: null,
        ok: body.ok,
      };
    case 'notice_sent':
      return { ...describeNotice(body), other: null };
    case 'silence_created':
      return { text: `${body.source} ${body.silence_id}: ${body.comment}`, other: null, ok: true };
    case 'silence_expired':
      return plain(`${body.source} ${body.silence_id}`);
    case 'alarm_acknowledged_at_source':
      return { text: `#${body.alarm} ${body.source}: ${body.message}`, other: null, ok: true };
    case 'write_back_failed':
      return { text: `#${body.alarm} ${body.source}: ${body.reason}`, other: null, ok: false };
    case 'maintenance_scheduled':
      return plain(body.window.title);
    case 'maintenance_cancelled':
      return plain(body.id);
    case 'alarms_seen':
      return plain(body.alarms.map((a) => `#${a}`).join(' '));
    default:
      return plain('');
  }
}
