import type { Node, Topology } from '../model';

/** The topology's nodes by id, for naming the nodes that alarms and incidents refer to. */
export type NodeIndex = ReadonlyMap<string, Node>;

export function indexNodes(topology: Topology): NodeIndex {
  return new Map(topology.nodes.map((node) => [node.id, node]));
}

/**
 * What the board shows for a node: its name, or the id itself while the topology does
 * not know the node (not loaded yet, or the node was removed).
 */
export function displayName(nodes: NodeIndex, id: string): string {
  const name = nodes.get(id)?.name;
  return name === undefined || name.trim() === '' ? id : name;
}
