// What the node panel shows of one node, worked out from the topology and the live
// state: pure, so that the matching of aliases and the grouping of neighbours are tested.
import type { Alarm, ImpactPath, Incident, Node, RelationKind, SourceDefinition, Topology } from '../lib/model';
import { isOpen } from '../lib/live/board';

/** Every name an alarm or a source may use for the node: its id and its aliases. */
export function namesOf(node: Node): Set<string> {
  return new Set([node.id, ...(node.aliases ?? [])]);
}

/** Active alarms on the node, by its id or any alias; the worst and newest first. */
export function alarmsOn(node: Node, alarms: readonly Alarm[]): Alarm[] {
  const names = namesOf(node);
  return alarms.filter((a) => a.status === 'active' && a.node !== null && names.has(a.node));
}

/** Open incidents that involve the node: as their root, among their nodes, or by one of `alarms`. */
export function incidentsOn(node: Node, incidents: readonly Incident[], alarms: readonly Alarm[]): Incident[] {
  const names = namesOf(node);
  const byAlarm = new Set(alarms.map((a) => a.incident).filter((i): i is number => i !== null));
  return incidents.filter(
    (i) =>
      isOpen(i) &&
      (byAlarm.has(i.id) || (i.root_node !== null && names.has(i.root_node)) || i.nodes.some((n) => names.has(n))),
  );
}

/** Source definitions (probes among them) that put their alarms on this node. */
export function sourcesOn(node: Node, definitions: readonly SourceDefinition[]): SourceDefinition[] {
  const names = namesOf(node);
  return definitions.filter((d) => d.node !== null && names.has(d.node));
}

/**
 * Which way a relation goes from the node's side: `out` when the node is its `from`
 * ("runs on" the other), `in` when it is its `to` (the other "runs on" it); a
 * `connects_to` is symmetric and goes `both` ways.
 */
export type Direction = 'out' | 'in' | 'both';

export interface NeighbourGroup {
  kind: RelationKind;
  direction: Direction;
  /** Neighbour ids, in name order. */
  ids: string[];
}

const KIND_ORDER: readonly RelationKind[] = ['depends_on', 'runs_on', 'connects_to', 'located_in'];
const DIRECTION_ORDER: readonly Direction[] = ['out', 'in', 'both'];

export function neighbours(topology: Topology, id: string, nameOf: (id: string) => string): NeighbourGroup[] {
  const groups = new Map<string, NeighbourGroup>();
  const add = (kind: RelationKind, direction: Direction, other: string) => {
    const key = `${kind}/${direction}`;
    let group = groups.get(key);
    if (group === undefined) {
      group = { kind, direction, ids: [] };
      groups.set(key, group);
    }
    if (!group.ids.includes(other)) group.ids.push(other);
  };
  for (const r of topology.relations) {
    if (r.from === id && r.to === id) continue;
    if (r.from === id) add(r.kind, r.kind === 'connects_to' ? 'both' : 'out', r.to);
    else if (r.to === id) add(r.kind, r.kind === 'connects_to' ? 'both' : 'in', r.from);
  }
  const sorted = [...groups.values()].sort(
    (a, b) =>
      KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) ||
      DIRECTION_ORDER.indexOf(a.direction) - DIRECTION_ORDER.indexOf(b.direction),
  );
  for (const group of sorted) group.ids.sort((a, b) => nameOf(a).localeCompare(nameOf(b)) || a.localeCompare(b));
  return sorted;
}

/** How many relations go when the node is removed. */
export function relationCount(topology: Topology, id: string): number {
  return topology.relations.reduce((n, r) => n + (r.from === id || r.to === id ? 1 : 0), 0);
}

/** Where a node came from, split into what it is and its name. */
export type OriginKind = 'source' | 'import' | 'operator' | 'other';

export function originOf(origin: string): { kind: OriginKind; name: string } {
  if (origin === 'operator') return { kind: 'operator', name: '' };
  const at = origin.indexOf(':');
  const prefix = at < 0 ? '' : origin.slice(0, at);
  if (prefix === 'source' || prefix === 'import') return { kind: prefix, name: origin.slice(at + 1) };
  return { kind: 'other', name: origin };
}

/**
 * One chip of a path: a node, or the relation between two nodes with the way it points
 * as the path is read. Walking downstream (towards what needs the start) each relation
 * points back to the node before it, so it reads "←"; upstream it reads "→"; a
 * `connects_to` is symmetric either way.
 */
export type PathStep = { node: string } | { relation: RelationKind; arrow: '←' | '→' | '↔' };

export type Walk = 'upstream' | 'downstream';

export function pathSteps(path: ImpactPath, walk: Walk): PathStep[] {
  const steps: PathStep[] = [];
  path.nodes.forEach((node, i) => {
    if (i > 0) {
      const relation = path.relations[i - 1];
      if (relation !== undefined) {
        const arrow = relation === 'connects_to' ? '↔' : walk === 'downstream' ? '←' : '→';
        steps.push({ relation, arrow });
      }
    }
    steps.push({ node });
  });
  return steps;
}
