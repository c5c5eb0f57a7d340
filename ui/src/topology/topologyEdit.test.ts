import { describe, expect, it } from 'vitest';
import type { Node } from '../lib/model';
import {
  attributesOf,
  change,
  emptyNodeForm,
  exportFileName,
  formOfNode,
  formatOfName,
  listOf,
  nodeOfForm,
  nodeProblems,
  relationsMatching,
  searchNodes,
  usualLayer,
} from './topologyEdit';

const node = (id: string, name: string, aliases: string[] = []): Node => ({ id, name, kind: 'host', layer: 'iaas', aliases });

describe('files', () => {
  it('take their format from the extension', () => {
    expect(formatOfName('estate.YAML')).toBe('yaml');
    expect(formatOfName('estate.yml')).toBe('yaml');
    expect(formatOfName('dc1.export.json')).toBe('json');
    expect(formatOfName('links.csv')).toBe('csv');
    expect(formatOfName('estate.txt')).toBeNull();
    expect(formatOfName('yaml')).toBeNull();
  });

  it('are exported under the day’s name', () => {
    expect(exportFileName('csv', new Date(Date.UTC(2026, 10, 23, 4, 0)))).toBe('topology-2026-11-23.csv');
  });
});

describe('the node form', () => {
  it('reads lists by line or comma, without blanks or repeats', () => {
    expect(listOf('ops-db, dba\n\n  ops-db \nnet')).toEqual(['ops-db', 'dba', 'net']);
  });

  it('reads key=value lines and names the lines that are not', () => {
    expect(attributesOf('rack = R12\n\nos=debian=12\nbroken\n=x')).toEqual({
      attributes: { rack: 'R12', os: 'debian=12' },
      badLines: [4, 5],
    });
  });

  it('round-trips a node, leaving positions and origins to the hub', () => {
    const full: Node = {
      id: 'db1',
      name: 'DB 1',
      kind: 'database',
      layer: 'paas',
      aliases: ['10.0.0.5'],
      owners: ['dba', 'ops'],
      attributes: { rack: 'R12' },
      origins: ['import:x.yaml'],
      positions: { layered: { x: 1, y: 2 } },
    };
    const form = formOfNode(full);
    expect(form.attributes).toBe('rack=R12');
    expect(nodeOfForm(form)).toEqual({
      id: 'db1',
      name: 'DB 1',
      kind: 'database',
      layer: 'paas',
      aliases: ['10.0.0.5'],
      owners: ['dba', 'ops'],
      attributes: { rack: 'R12' },
    });
  });

  it('names what stops it: missing id or name, a taken id when adding, bad attribute lines', () => {
    const taken = (id: string) => id === 'db1';
    expect(nodeProblems(emptyNodeForm(), false, taken)).toEqual(['idRequired', 'nameRequired']);
    const form = { ...emptyNodeForm(), id: ' db1 ', name: 'x', attributes: 'oops' };
    expect(nodeProblems(form, false, taken)).toEqual(['idTaken', 'attributeLines']);
    expect(nodeProblems({ ...form, attributes: '' }, true, taken)).toEqual([]);
  });

  it('puts a kind on its usual layer', () => {
    expect(usualLayer('business_system')).toBe('saas');
    expect(usualLayer('database')).toBe('paas');
    expect(usualLayer('rack')).toBe('iaas');
  });

  it('makes a change with only the parts given', () => {
    expect(change({ remove_nodes: ['a'] })).toEqual({ upsert_nodes: [], remove_nodes: ['a'], upsert_relations: [], remove_relations: [] });
  });
});

describe('finding nodes', () => {
  const nodes = [node('h-pay-01', 'payment host'), node('sw-core', 'Core switch', ['10.0.0.1']), node('pay', 'Payment')];

  it('matches every word in the name, id or aliases, those starting with the query first', () => {
    expect(searchNodes(nodes, 'pay').map((n) => n.id)).toEqual(['pay', 'h-pay-01']);
    expect(searchNodes(nodes, '10.0.0').map((n) => n.id)).toEqual(['sw-core']);
    expect(searchNodes(nodes, 'HOST pay').map((n) => n.id)).toEqual(['h-pay-01']);
    expect(searchNodes(nodes, '  ')).toEqual([]);
    expect(searchNodes(nodes, 'pay', 1)).toHaveLength(1);
  });

  it('finds relations by either end’s id or name', () => {
    const relations = [
      { from: 'pay', to: 'h-pay-01', kind: 'runs_on' as const },
      { from: 'h-pay-01', to: 'sw-core', kind: 'connects_to' as const },
    ];
    const nameOf = (id: string) => nodes.find((n) => n.id === id)?.name ?? id;
    expect(relationsMatching(relations, 'core switch', nameOf)).toEqual([relations[1]]);
    expect(relationsMatching(relations, '', nameOf)).toHaveLength(2);
    expect(relationsMatching(relations, 'PAYMENT', nameOf, 1)).toEqual([relations[0]]);
  });
});
