import { describe, expect, it } from 'vitest';
import type { Alarm, Incident, Node, Topology } from '../lib/model';
import { healthTiles } from './grid';
import { alarm as testAlarm, incident as testIncident, node as testNode } from '../test/entities';

const node = (id: string, kind: Node['kind'], name = id): Node => testNode(id, { kind, name });

const topology: Topology = {
  nodes: [
    node('pay', 'business_system', 'Payments'),
    node('mail', 'business_system', 'Mail'),
    node('bj', 'site', 'Beijing'),
    node('sh', 'site', 'Shanghai'),
    node('rack-1', 'rack'),
    node('db-1', 'database'),
    node('sw-1', 'network_device'),
  ],
  relations: [
    { from: 'rack-1', to: 'bj', kind: 'located_in' },
    { from: 'db-1', to: 'rack-1', kind: 'located_in' },
    { from: 'sw-1', to: 'sh', kind: 'located_in' },
  ],
} as unknown as Topology;

describe('health tiles', () => {
  it('colours systems by their open incidents and sites by the active alarms inside them, worst first', () => {
    const incidents: Incident[] = [
      testIncident(1, { system: 'mail', severity: 'minor', status: 'open' }),
      testIncident(2, { system: 'mail', severity: 'critical', status: 'acknowledged' }),
      testIncident(3, { system: 'pay', severity: 'critical', status: 'resolved' }),
    ];
    const alarms: Alarm[] = [
      testAlarm(1, { node: 'db-1', severity: 'major', status: 'active' }),
      testAlarm(2, { node: 'db-1', severity: 'warning', status: 'active' }),
      testAlarm(3, { node: 'sw-1', severity: 'critical', status: 'cleared' }),
      testAlarm(4, { node: 'sw-1', severity: 'critical', status: 'active', suppressed_by: 'window' }),
    ];
    const tiles = healthTiles(topology, incidents, alarms);
    expect(tiles.map((t) => [t.name, t.severity, t.count])).toEqual([
      ['Mail', 'critical', 2],
      ['Payments', null, 0],
      ['Beijing', 'major', 2],
      ['Shanghai', null, 0],
    ]);
  });

  it('survives a loop of located_in relations', () => {
    const looped = {
      ...topology,
      relations: [
        { from: 'a', to: 'b', kind: 'located_in' },
        { from: 'b', to: 'a', kind: 'located_in' },
      ],
      nodes: [...topology.nodes, node('a', 'rack'), node('b', 'rack')],
    } as unknown as Topology;
    expect(healthTiles(looped, [], []).length).toBe(4);
  });
});
