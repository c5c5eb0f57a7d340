import { describe, expect, it } from 'vitest';
import type { Node, NodeKind, Relation, Topology } from '../lib/model';
import { containment, edgeId, foldedEdges, layerBands, sameTopology, searchNodes, viewElements } from './elements';
import { labelOf } from './canvas';
import { addressOf, topologyHash } from './address';

const LAYER = { business_system: 'saas', service: 'saas', middleware: 'paas', database: 'paas' } as const;
function node(id: string, kind: NodeKind, at: { x: number; y: number } | null = { x: 1, y: 2 }, aliases: string[] = []): Node {
  const layer = kind in LAYER ? LAYER[kind as keyof typeof LAYER] : 'iaas';
  const positions = at === null ? {} : { layered: at, network: { x: at.x * 2, y: at.y * 2 } };
  return { id, name: `${id} name`, kind, layer, aliases, positions };
}
const rel = (from: string, to: string, kind: Relation['kind']): Relation => ({ from, to, kind });

const estate: Topology = {
  nodes: [
    node('shop', 'business_system', { x: 0, y: 0 }),
    node('api', 'service', { x: 100, y: 0 }),
    node('db', 'database', { x: 0, y: 200 }, ['10.1.1.1']),
    node('h1', 'host', { x: 0, y: 400 }),
    node('h2', 'host', { x: 100, y: 400 }),
    node('r1', 'rack', { x: 50, y: 500 }),
    node('dc1', 'site', { x: 50, y: 600 }),
    node('new', 'host', null),
  ],
  relations: [
    rel('shop', 'api', 'depends_on'),
    rel('api', 'db', 'depends_on'),
    rel('db', 'h1', 'runs_on'),
    rel('h1', 'h2', 'connects_to'),
    rel('h2', 'h1', 'connects_to'),
    rel('h1', 'r1', 'located_in'),
    rel('h2', 'r1', 'located_in'),
    rel('r1', 'dc1', 'located_in'),
    rel('new', 'r1', 'located_in'),
  ],
};

describe('view elements', () => {
  it('draws every placed node on the layered view, at its stored position, without nesting', () => {
    const { nodes, edges } = viewElements(estate, 'layered');
    expect(nodes.map((n) => n.data.id)).toEqual(['shop', 'api', 'db', 'h1', 'h2', 'r1', 'dc1']);
    expect(nodes.find((n) => n.data.id === 'db')?.position).toEqual({ x: 0, y: 200 });
    expect(nodes.every((n) => n.data.parent === undefined)).toBe(true);
    // The symmetric link once; located_in as lines; nothing to the unplaced node.
    expect(edges.length).toBe(7);
    expect(edges.some((e) => e.data.source === 'new' || e.data.target === 'new')).toBe(false);
  });

  it('draws only the infrastructure on the network view, nested site → rack → host', () => {
    const { nodes, edges } = viewElements(estate, 'network');
    expect(nodes.map((n) => n.data.id).sort()).toEqual(['dc1', 'h1', 'h2', 'r1']);
    const parent = Object.fromEntries(nodes.map((n) => [n.data.id, n.data.parent ?? null]));
    expect(parent).toEqual({ h1: 'r1', h2: 'r1', r1: 'dc1', dc1: null });
    expect(nodes.find((n) => n.data.id === 'h2')?.position).toEqual({ x: 200, y: 800 });
    expect(edges.map((e) => e.data.kind)).toEqual(['connects_to']);
  });

  it('cuts a containment cycle instead of nesting a node in itself', () => {
    const looped: Topology = {
      nodes: [node('a', 'rack'), node('b', 'rack')],
      relations: [rel('a', 'b', 'located_in'), rel('b', 'a', 'located_in'), rel('a', 'a', 'located_in')],
    };
    const drawn = new Map(looped.nodes.map((n) => [n.id, n]));
    expect([...containment(looped, drawn)]).toEqual([['a', 'b']]);
  });

  it('names a symmetric relation the same whichever way round', () => {
    expect(edgeId(rel('x', 'y', 'connects_to'))).toBe(edgeId(rel('y', 'x', 'connects_to')));
    expect(edgeId(rel('x', 'y', 'depends_on'))).not.toBe(edgeId(rel('y', 'x', 'depends_on')));
  });
});

describe('layer bands', () => {
  it('spans each layer’s nodes, in SaaS, PaaS, IaaS order', () => {
    const bands = layerBands(viewElements(estate, 'layered').nodes);
    expect(bands.map((b) => b.layer)).toEqual(['saas', 'paas', 'iaas']);
    expect(bands[0]).toMatchObject({ x1: 0, x2: 100, y1: 0, y2: 0 });
    expect(bands[2]).toMatchObject({ x1: 0, x2: 100, y1: 400, y2: 600 });
  });
});

describe('folded lines', () => {
  it('leads lines to hidden nodes to their folded container, once per pair', () => {
    const hidden: Record<string, string> = { h1: 'r1', h2: 'r1' };
    const lines = foldedEdges(
      [
        { source: 'db', target: 'h1' },
        { source: 'api', target: 'h2' },
        { source: 'db', target: 'h2' },
        { source: 'h1', target: 'h2' },
      ],
      (id) => hidden[id] ?? id,
    );
    expect(lines).toEqual([
      { source: 'db', target: 'r1' },
      { source: 'api', target: 'r1' },
    ]);
  });
});

describe('search', () => {
  it('finds by id, name or alias, exact matches first', () => {
    expect(searchNodes(estate, '10.1.1.1').map((n) => n.id)).toEqual(['db']);
    expect(searchNodes(estate, 'H1')[0]?.id).toBe('h1');
    expect(searchNodes(estate, 'name').length).toBe(8);
    expect(searchNodes(estate, '   ')).toEqual([]);
  });
});

describe('labels', () => {
  it('marks the severity before the name and counts what a folded container holds', () => {
    expect(labelOf('db', null, null)).toBe('db');
    expect(labelOf('db', 'critical', null)).toBe('✖ db');
    expect(labelOf('rack 1', 'minor', 12)).toBe('◆ rack 1 (12)');
  });
});

describe('address', () => {
  it('reads and writes the view, node and incident', () => {
    expect(addressOf('#/topology')).toEqual({ view: 'layered', node: null, incident: null });
    const address = addressOf('#/topology?view=network&node=db%201&incident=12');
    expect(address).toEqual({ view: 'network', node: 'db 1', incident: 12 });
    expect(addressOf(topologyHash(address))).toEqual(address);
    expect(addressOf('#/topology?view=3d&incident=-1')).toEqual({ view: 'layered', node: null, incident: null });
    expect(topologyHash({ view: 'layered', node: null, incident: null })).toBe('#/topology');
  });
});

describe('sameTopology', () => {
  it('holds for an equal answer and not for a moved node, a renamed one or a changed relation', () => {
    const copy = (): Topology => JSON.parse(JSON.stringify(estate)) as Topology;
    expect(sameTopology(estate, copy())).toBe(true);
    const moved = copy();
    moved.nodes[0] = { ...moved.nodes[0]!, positions: { layered: { x: 5, y: 5 } } };
    expect(sameTopology(estate, moved)).toBe(false);
    const renamed = copy();
    renamed.nodes[1] = { ...renamed.nodes[1]!, name: 'other' };
    expect(sameTopology(estate, renamed)).toBe(false);
    const rewired = copy();
    rewired.relations[0] = rel('shop', 'db', 'depends_on');
    expect(sameTopology(estate, rewired)).toBe(false);
    expect(sameTopology(estate, { ...copy(), relations: copy().relations.slice(1) })).toBe(false);
  });
});
