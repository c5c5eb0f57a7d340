import { describe, expect, it } from 'vitest';
import type { Event, EventBody } from '../lib/model';
import { describeEvent, eventName } from './timeline';
import { language } from '../lib/i18n/i18n.svelte';

const event = (body: EventBody): Event => ({ seq: 1, at: 0, actor: 'li', subject: 'incident:7', body });

describe('timeline entries', () => {
  language.current = 'en';

  it('show what the operator wrote', () => {
    expect(describeEvent(event({ kind: 'incident_commented', incident: 7, text: '<b>x</b>' }), 7).text).toBe('<b>x</b>');
    expect(describeEvent(event({ kind: 'incident_identified', incident: 7, cause: 'disk full', layer: 'iaas', root_node: 'db1' }), 7).text).toBe(
      'disk full · IaaS · root node db1',
    );
  });

  it('show escalation level, reason and the channels told', () => {
    const view = describeEvent(event({ kind: 'incident_escalated', incident: 7, level: 2, reason: 'no answer', notify: ['wecom', 'sms'] }), 7);
    expect(view.text).toBe('level 2 · no answer · notified wecom, sms');
  });

  it('mark deliveries and write-backs as worked or failed', () => {
    const failed = describeEvent(
      event({ kind: 'notification_sent', incident: 7, channel: 'wecom', trigger: 'opened', ok: false, detail: 'HTTP 500' }),
      7,
    );
    expect(failed).toEqual({ text: 'wecom (opened) not delivered: HTTP 500', other: null, ok: false });
    expect(describeEvent(event({ kind: 'write_back_failed', incident: 7, alarm: 3, source: 'zbx', reason: 'auth' }), 7).ok).toBe(false);
    expect(describeEvent(event({ kind: 'alarm_acknowledged_at_source', alarm: 3, source: 'zbx', message: 'ok', incident: 7 }), 7).ok).toBe(true);
  });

  it('link merges and splits to the other incident, seen from either side', () => {
    const merged = event({ kind: 'incidents_merged', incident: 7, from: 9 });
    expect(describeEvent(merged, 7).other).toBe(9);
    expect(describeEvent(merged, 9)).toMatchObject({ other: 7, text: 'Merged into' });
    const split = event({ kind: 'incident_split', incident: 7, into: 12, alarms: [3, 4], root: 3, title: 'x' });
    expect(describeEvent(split, 7)).toEqual({ text: '#3 #4 split off into', other: 12, ok: null });
    expect(describeEvent(split, 12)).toMatchObject({ text: '#3 #4 split off from', other: 7 });
  });

  it('name a kind newer than the catalogue by its code', () => {
    expect(eventName('incident_escalated')).toBe('Escalated');
    expect(eventName('something_new')).toBe('something_new');
  });
});
