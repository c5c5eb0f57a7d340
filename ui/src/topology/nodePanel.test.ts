import { describe, expect, it } from 'vitest';
import type { Alarm, Node, SourceDefinition, Topology } from '../lib/model';
import { alarm as anAlarm, incident } from '../test/entities';
import { alarmsOn, incidentsOn, neighbours, originOf, pathSteps, relationCount, sourcesOn } from './nodePanel';

const node = (id: string, name = id, extra: Partial<Node> = {}): Node => ({ id, name, kind: 'host', layer: 'iaas', ...extra });

const db = node('db-orders-01', 'db-orders-01', { kind: 'database', layer: 'paas', aliases: ['10.0.0.5', 'db1.dc1'] });

/** An alarm on `on` (an id, an alias, or no node). */
const alarm = (id: number, on: string | null, extra: Partial<Alarm> = {}): Alarm => anAlarm(id, { node: on, ...extra });

describe('alarms and incidents on a node', () => {
  it('match the node by its id and by any alias, active alarms only', () => {
    const alarms = [alarm(1, 'db-orders-01'), alarm(2, '10.0.0.5'), alarm(3, 'db1.dc1', { status: 'cleared' }), alarm(4, 'other'), alarm(5, null)];
    expect(alarmsOn(db, alarms).map((a) => a.id)).toEqual([1, 2]);
  });

  it('are the open incidents rooted there, holding the node, or holding one of its alarms', () => {
    const onNode = [alarm(2, '10.0.0.5', { incident: 14 })];
    const incidents = [
      incident(11, { root_node: 'db1.dc1' }),
      incident(12, { nodes: ['x', 'db-orders-01'] }),
      incident(13, { nodes: ['db-orders-01'], status: 'resolved' }),
      incident(14, {}),
      incident(15, { nodes: ['elsewhere'] }),
    ];
    expect(incidentsOn(db, incidents, onNode).map((i) => i.id)).toEqual([11, 12, 14]);
  });

  it('lists the sources (probes included) that name the node or an alias', () => {
    const def = (name: string, on: string | null) => ({ name, node: on }) as SourceDefinition;
    expect(sourcesOn(db, [def('ping-db', '10.0.0.5'), def('zbx', null), def('http', 'svc')]).map((d) => d.name)).toEqual(['ping-db']);
  });
});

describe('neighbours', () => {
  const topology: Topology = {
    nodes: [db, node('svc-pay', 'Payment'), node('svc-ord', 'Orders'), node('h1', 'host 1'), node('sw1', 'switch'), node('dc1', 'DC 1')],
    relations: [
      { from: 'svc-pay', to: 'db-orders-01', kind: 'depends_on' },
      { from: 'svc-ord', to: 'db-orders-01', kind: 'depends_on' },
      { from: 'db-orders-01', to: 'h1', kind: 'runs_on' },
      { from: 'sw1', to: 'db-orders-01', kind: 'connects_to' },
      { from: 'db-orders-01', to: 'dc1', kind: 'located_in' },
      { from: 'svc-pay', to: 'h1', kind: 'runs_on' },
    ],
  };
  const nameOf = (id: string) => topology.nodes.find((n) => n.id === id)?.name ?? id;

  it('are grouped by relation kind and the way it points, names in order', () => {
    expect(neighbours(topology, 'db-orders-01', nameOf)).toEqual([
      { kind: 'depends_on', direction: 'in', ids: ['svc-ord', 'svc-pay'] },
      { kind: 'runs_on', direction: 'out', ids: ['h1'] },
      { kind: 'connects_to', direction: 'both', ids: ['sw1'] },
      { kind: 'located_in', direction: 'out', ids: ['dc1'] },
    ]);
    expect(neighbours(topology, 'h1', nameOf)).toEqual([{ kind: 'runs_on', direction: 'in', ids: ['db-orders-01', 'svc-pay'] }]);
  });

  it('count the relations that go with a removed node', () => {
    expect(relationCount(topology, 'db-orders-01')).toBe(5);
    expect(relationCount(topology, 'dc1')).toBe(1);
    expect(relationCount(topology, 'nowhere')).toBe(0);
  });
});

describe('origins', () => {
  it('tell discovery, a file and an operator apart', () => {
    expect(originOf('source:zbx-dc1')).toEqual({ kind: 'source', name: 'zbx-dc1' });
    expect(originOf('import:estate:v2.yaml')).toEqual({ kind: 'import', name: 'estate:v2.yaml' });
    expect(originOf('operator')).toEqual({ kind: 'operator', name: '' });
    expect(originOf('cmdb')).toEqual({ kind: 'other', name: 'cmdb' });
  });
});

describe('path steps', () => {
  const path = { nodes: ['db-orders-01', 'svc-payment', 'sw1', 'sys-banking'], relations: ['depends_on', 'connects_to', 'depends_on'] as const };

  it('point back along a downstream walk, forward along an upstream one, both ways on links', () => {
    expect(pathSteps({ ...path, relations: [...path.relations] }, 'downstream')).toEqual([
      { node: 'db-orders-01' },
      { relation: 'depends_on', arrow: '←' },
      { node: 'svc-payment' },
      { relation: 'connects_to', arrow: '↔' },
      { node: 'sw1' },
      { relation: 'depends_on', arrow: '←' },
      { node: 'sys-banking' },
    ]);
    expect(pathSteps({ nodes: ['a', 'b'], relations: ['runs_on'] }, 'upstream')).toEqual([
      { node: 'a' },
      { relation: 'runs_on', arrow: '→' },
      { node: 'b' },
    ]);
  });

  it('is the node alone for a path of no hops', () => {
    expect(pathSteps({ nodes: ['sys'], relations: [] }, 'downstream')).toEqual([{ node: 'sys' }]);
  });
});
