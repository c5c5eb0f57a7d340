import type { Layer, Node, NodeKind, Relation, Topology, TopologyView } from '../lib/model';
import { LAYERS } from './nodeKinds';

/** Kinds drawn on the network view: the infrastructure and what holds it. */
export const NETWORK_KINDS: ReadonlySet<NodeKind> = new Set(['host', 'network_device', 'link', 'site', 'rack', 'group']);
/** As the hub's `NodeKind::is_container`: what other nodes are `located_in`, and can fold. */
export const CONTAINER_KINDS: ReadonlySet<NodeKind> = new Set(['site', 'rack', 'group']);


export interface NodeElement {
  group: 'nodes';
  data: { id: string; name: string; label: string; kind: NodeKind; layer: Layer; parent?: string };
  position: { x: number; y: number };
  classes: string;
}

export interface EdgeElement {
  group: 'edges';
  data: { id: string; source: string; target: string; kind: Relation['kind'] };
  classes: string;
}

export interface ViewElements {
  nodes: NodeElement[];
  edges: EdgeElement[];
}

export function onView(node: Node, view: TopologyView): boolean {
  return view === 'layered' || NETWORK_KINDS.has(node.kind);
}

/**
 * Which container each node sits in on the network view: the target of its `located_in`
 * relation when that is a drawn container. A containment cycle (bad data) is cut where
 * it closes, so Cytoscape never sees a node inside itself.
 */
export function containment(topology: Topology, drawn: ReadonlyMap<string, Node>): Map<string, string> {
  const parent = new Map<string, string>();
  for (const relation of topology.relations) {
    if (relation.kind !== 'located_in' || parent.has(relation.from)) continue;
    const child = drawn.get(relation.from);
    const container = drawn.get(relation.to);
    if (child === undefined || container === undefined || !CONTAINER_KINDS.has(container.kind)) continue;
    if (relation.from === relation.to || holds(parent, relation.from, relation.to)) continue;
    parent.set(relation.from, relation.to);
  }
  return parent;
}

/** Whether `outer` is `inner` or holds it, through `parent` links. */
function holds(parent: ReadonlyMap<string, string>, outer: string, inner: string): boolean {
  for (let at: string | undefined = inner; at !== undefined; at = parent.get(at)) if (at === outer) return true;
  return false;
}

/** Symmetric relations are one line whichever way round they were recorded. */
export function edgeId(relation: Relation): string {
  const [a, b] =
    relation.kind === 'connects_to' && relation.to < relation.from ? [relation.to, relation.from] : [relation.from, relation.to];
  return `${relation.kind}|${a}|${b}`;
}

/**
 * The Cytoscape elements of one view, at their stored positions. A node the hub has not
 * placed on this view yet is left out (it appears once placed), and so are its relations.
 * On the network view `located_in` becomes nesting instead of a line.
 */
export function viewElements(topology: Topology, view: TopologyView): ViewElements {
  const drawn = new Map<string, Node>();
  for (const node of topology.nodes) if (onView(node, view) && node.positions?.[view] !== undefined) drawn.set(node.id, node);
  const parent = view === 'network' ? containment(topology, drawn) : new Map<string, string>();
  const nodes: NodeElement[] = [];
  for (const node of drawn.values()) {
    const at = node.positions?.[view] ?? { x: 0, y: 0 };
    const data: NodeElement['data'] = { id: node.id, name: node.name, label: node.name, kind: node.kind, layer: node.layer };
    const container = parent.get(node.id);
    if (container !== undefined) data.parent = container;
    nodes.push({ group: 'nodes', data, position: { x: at.x, y: at.y }, classes: `kind-${node.kind}` });
  }
  const edges: EdgeElement[] = [];
  const seen = new Set<string>();
  for (const relation of topology.relations) {
    if (!drawn.has(relation.from) || !drawn.has(relation.to) || relation.from === relation.to) continue;
    if (relation.kind === 'located_in' && parent.get(relation.from) === relation.to) continue;
    const id = edgeId(relation);
    if (seen.has(id)) continue;
    seen.add(id);
    edges.push({
      group: 'edges',
      data: { id, source: relation.from, target: relation.to, kind: relation.kind },
      classes: `rel-${relation.kind}`,
    });
  }
  return { nodes, edges };
}

export interface Band {
  layer: Layer;
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

/** The extent of each layer's nodes on the layered view, for the SaaS/PaaS/IaaS bands behind them. */
export function layerBands(nodes: readonly NodeElement[]): Band[] {
  const bands = new Map<Layer, Band>();
  for (const node of nodes) {
    const { x, y } = node.position;
    const band = bands.get(node.data.layer);
    if (band === undefined) bands.set(node.data.layer, { layer: node.data.layer, x1: x, y1: y, x2: x, y2: y });
    else {
      band.x1 = Math.min(band.x1, x);
      band.y1 = Math.min(band.y1, y);
      band.x2 = Math.max(band.x2, x);
      band.y2 = Math.max(band.y2, y);
    }
  }
  return LAYERS.flatMap((layer) => bands.get(layer) ?? []);
}

/**
 * The lines to draw while some containers are folded: `shownAs` names the node an end is
 * drawn as (its outermost folded container, else itself). Each pair of drawn ends gets one
 * line, and a line folded into a single container disappears.
 */
export function foldedEdges(
  edges: readonly { source: string; target: string }[],
  shownAs: (id: string) => string,
): { source: string; target: string }[] {
  const folded = new Map<string, { source: string; target: string }>();
  for (const edge of edges) {
    const source = shownAs(edge.source);
    const target = shownAs(edge.target);
    if (source === target || (source === edge.source && target === edge.target)) continue;
    const key = source < target ? `${source}|${target}` : `${target}|${source}`;
    if (!folded.has(key)) folded.set(key, { source, target });
  }
  return [...folded.values()];
}

/** Nodes whose id, name or an alias contains `text` (case-insensitive), exact id or alias first. */
export function searchNodes(topology: Topology, text: string, limit = 12): Node[] {
  const needle = text.trim().toLowerCase();
  if (needle === '') return [];
  const exact: Node[] = [];
  const partial: Node[] = [];
  for (const node of topology.nodes) {
    const names = [node.id, node.name, ...(node.aliases ?? [])].map((n) => n.toLowerCase());
    if (names.includes(needle)) exact.push(node);
    else if (names.some((n) => n.includes(needle))) partial.push(node);
    if (exact.length >= limit) break;
  }
  return [...exact, ...partial].slice(0, limit);
}

/** Whether two answers of the hub are the same topology (same order, as it serialises them). */
export function sameTopology(a: Topology, b: Topology): boolean {
  if (a.nodes.length !== b.nodes.length || a.relations.length !== b.relations.length) return false;
  const same = <T>(xs: readonly T[], ys: readonly T[]) => xs.every((x, i) => JSON.stringify(x) === JSON.stringify(ys[i]));
  return same(a.relations, b.relations) && same(a.nodes, b.nodes);
}
