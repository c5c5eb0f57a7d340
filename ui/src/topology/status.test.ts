import { describe, expect, it } from 'vitest';
import type { Node, Topology } from '../lib/model';
import { alarm, incident } from '../test/entities';
import { aliasIndex, changedNodes, nodeStatuses, statusKey, statusKeys, worse } from './status';

const node = (id: string, aliases: string[] = []): Node => ({ id, name: id.toUpperCase(), kind: 'host', layer: 'iaas', aliases });
const topology: Topology = {
  nodes: [node('db-1', ['10.0.0.5', 'db-1.dc1']), node('web-1', ['10.0.0.6']), node('10.0.0.6')],
  relations: [],
};
const index = aliasIndex(topology);

describe('alias index', () => {
  it('finds a node by its id and by each alias', () => {
    expect(index.get('db-1')).toBe('db-1');
    expect(index.get('10.0.0.5')).toBe('db-1');
    expect(index.get('db-1.dc1')).toBe('db-1');
    expect(index.get('nowhere')).toBeUndefined();
  });

  it('lets a node’s own id win over another node’s alias', () => {
    expect(index.get('10.0.0.6')).toBe('10.0.0.6');
  });
});

describe('worst severity', () => {
  it('keeps the worse of two, null being nothing', () => {
    expect(worse(null, 'minor')).toBe('minor');
    expect(worse('major', null)).toBe('major');
    expect(worse('warning', 'critical')).toBe('critical');
    expect(worse('critical', 'info')).toBe('critical');
  });
});

describe('node statuses', () => {
  it('puts an alarm naming an alias on its node, with the worst active severity', () => {
    const statuses = nodeStatuses(
      [
        alarm(1, { node: '10.0.0.5', severity: 'minor' }),
        alarm(2, { node: 'db-1', severity: 'major' }),
        alarm(3, { node: 'db-1.dc1', severity: 'critical', status: 'cleared' }),
        alarm(4, { node: 'unknown-host', severity: 'critical' }),
      ],
      [],
      index,
    );
    expect([...statuses.keys()]).toEqual(['db-1']);
    expect(statuses.get('db-1')).toMatchObject({ severity: 'major', suppressed: false });
  });

  it('pulses an unacknowledged critical and stops once its incident is acknowledged', () => {
    const critical = alarm(1, { node: 'db-1', severity: 'critical', incident: 7 });
    const open = nodeStatuses([critical], [incident(7, { status: 'open' })], index);
    expect(open.get('db-1')?.unacknowledgedCritical).toBe(true);
    const acked = nodeStatuses([critical], [incident(7, { status: 'acknowledged' })], index);
    expect(acked.get('db-1')?.unacknowledgedCritical).toBe(false);
  });

  it('dims a node whose alarms are all suppressed, but not one with a real fault too', () => {
    const suppressed = alarm(1, { node: 'db-1', severity: 'critical', suppressed_by: 'mw-1' });
    expect(nodeStatuses([suppressed], [], index).get('db-1')).toMatchObject({ severity: 'critical', suppressed: true, unacknowledgedCritical: false });
    const both = nodeStatuses([suppressed, alarm(2, { node: 'db-1', severity: 'warning' })], [], index);
    expect(both.get('db-1')).toMatchObject({ severity: 'warning', suppressed: false });
  });

  it('rings the root of an open incident only', () => {
    const statuses = nodeStatuses(
      [],
      [incident(1, { root_node: '10.0.0.5' }), incident(2, { root_node: 'web-1', status: 'resolved' })],
      index,
    );
    expect(statuses.get('db-1')).toMatchObject({ root: true, severity: null });
    expect(statuses.has('web-1')).toBe(false);
  });
});

describe('status diff', () => {
  it('names the nodes that changed, appeared or went quiet', () => {
    const before = statusKeys(nodeStatuses([alarm(1, { node: 'db-1', severity: 'minor' }), alarm(2, { node: 'web-1' })], [], index));
    const after = statusKeys(
      nodeStatuses([alarm(1, { node: 'db-1', severity: 'critical' }), alarm(3, { node: '10.0.0.6' })], [], index),
    );
    expect(changedNodes(before, after).sort()).toEqual(['10.0.0.6', 'db-1', 'web-1']);
    expect(changedNodes(after, after)).toEqual([]);
  });

  it('tells every part of a status apart', () => {
    const base = { severity: 'major' as const, suppressed: false, unacknowledgedCritical: false, root: false };
    const keys = new Set([
      statusKey(undefined),
      statusKey(base),
      statusKey({ ...base, severity: 'minor' }),
      statusKey({ ...base, suppressed: true }),
      statusKey({ ...base, unacknowledgedCritical: true }),
      statusKey({ ...base, root: true }),
    ]);
    expect(keys.size).toBe(6);
  });
});
