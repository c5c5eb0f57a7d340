import { describe, expect, it } from 'vitest';
import { displayName, indexNodes } from './topology';
import { node, topology } from '../../test/entities';

describe('node names', () => {
  const nodes = indexNodes(
    topology([node('sys-emall', { name: 'e-Mall 电子商城', kind: 'business_system', layer: 'saas' }), node('host-app-02')]),
  );

  it('shows the name the topology gives a node', () => {
    expect(displayName(nodes, 'sys-emall')).toBe('e-Mall 电子商城');
    expect(displayName(nodes, 'host-app-02')).toBe('Node host-app-02');
  });

  it('falls back to the id for a node the topology does not know', () => {
    expect(displayName(nodes, 'host-gone-09')).toBe('host-gone-09');
    expect(displayName(new Map(), 'sys-emall')).toBe('sys-emall');
  });

  it('falls back to the id when the name is blank', () => {
    expect(displayName(indexNodes(topology([node('db-01', { name: '  ' })])), 'db-01')).toBe('db-01');
  });

  it('keeps the last of two nodes with the same id', () => {
    const twice = indexNodes(topology([node('a', { name: 'first' }), node('a', { name: 'second' })]));
    expect(displayName(twice, 'a')).toBe('second');
  });
});
