// The forms of the topology tools: files to import, nodes and relations as an operator
// types them, and the search that picks a node for a relation.
import type { Layer, Node, NodeKind, Relation, RelationKind, TopologyChange } from '../lib/model';
import type { TopologyFormat } from '../lib/backend';

export { LAYERS, NODE_KINDS } from './nodeKinds';

export const RELATION_KINDS: readonly RelationKind[] = ['depends_on', 'runs_on', 'connects_to', 'located_in'];

export const FORMATS: readonly TopologyFormat[] = ['yaml', 'json', 'csv'];

/** The layer a kind usually sits on (as the hub's model has it). */
export function usualLayer(kind: NodeKind): Layer {
  switch (kind) {
    case 'business_system':
    case 'service':
      return 'saas';
    case 'middleware':
    case 'database':
      return 'paas';
    default:
      return 'iaas';
  }
}

/** The format a file's extension names, if it names one. */
export function formatOfName(name: string): TopologyFormat | null {
  const at = name.lastIndexOf('.');
  const extension = at < 0 ? '' : name.slice(at + 1).toLowerCase();
  if (extension === 'yaml' || extension === 'yml') return 'yaml';
  if (extension === 'json') return 'json';
  if (extension === 'csv') return 'csv';
  return null;
}

export function exportFileName(format: TopologyFormat, now: Date): string {
  const day = now.toISOString().slice(0, 10);
  return `topology-${day}.${format}`;
}

/** The node form as the operator types it. */
export interface NodeForm {
  id: string;
  name: string;
  kind: NodeKind;
  layer: Layer;
  /** One per line or comma-separated. */
  owners: string;
  aliases: string;
  /** `key=value`, one per line. */
  attributes: string;
}

export function emptyNodeForm(): NodeForm {
  return { id: '', name: '', kind: 'host', layer: 'iaas', owners: '', aliases: '', attributes: '' };
}

export function formOfNode(node: Node): NodeForm {
  return {
    id: node.id,
    name: node.name,
    kind: node.kind,
    layer: node.layer,
    owners: (node.owners ?? []).join('\n'),
    aliases: (node.aliases ?? []).join('\n'),
    attributes: Object.entries(node.attributes ?? {})
      .map(([k, v]) => `${k}=${v}`)
      .join('\n'),
  };
}

/** Names separated by new lines or commas; blanks and repeats dropped. */
export function listOf(text: string): string[] {
  return [...new Set(text.split(/[\n,]/).map((s) => s.trim()).filter((s) => s !== ''))];
}

/** `key=value` lines; the numbers (from 1) of lines that are neither blank nor a pair. */
export function attributesOf(text: string): { attributes: Record<string, string>; badLines: number[] } {
  const attributes: Record<string, string> = {};
  const badLines: number[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    const at = line.indexOf('=');
    const key = at < 0 ? '' : line.slice(0, at).trim();
    if (key === '') badLines.push(i + 1);
    else attributes[key] = line.slice(at + 1).trim();
  });
  return { attributes, badLines };
}

export type NodeProblem = 'idRequired' | 'idTaken' | 'nameRequired' | 'attributeLines';

/** What stops the form from being sent; `taken` tells whether an id is already a node's. */
export function nodeProblems(form: NodeForm, editing: boolean, taken: (id: string) => boolean): NodeProblem[] {
  const problems: NodeProblem[] = [];
  const id = form.id.trim();
  if (id === '') problems.push('idRequired');
  else if (!editing && taken(id)) problems.push('idTaken');
  if (form.name.trim() === '') problems.push('nameRequired');
  if (attributesOf(form.attributes).badLines.length > 0) problems.push('attributeLines');
  return problems;
}

/** The node as the hub takes it; positions and origins are the hub's to keep. */
export function nodeOfForm(form: NodeForm): Node {
  return {
    id: form.id.trim(),
    name: form.name.trim(),
    kind: form.kind,
    layer: form.layer,
    aliases: listOf(form.aliases),
    owners: listOf(form.owners),
    attributes: attributesOf(form.attributes).attributes,
  };
}

export function change(part: Partial<TopologyChange>): TopologyChange {
  return { upsert_nodes: [], remove_nodes: [], upsert_relations: [], remove_relations: [], ...part };
}

export function relation(from: string, to: string, kind: RelationKind): Relation {
  return { from, to, kind };
}

/**
 * Nodes whose name, id or alias contains every word of `query` (case ignored), those
 * whose name or id starts with the query first; at most `limit`.
 */
export function searchNodes(nodes: readonly Node[], query: string, limit = 20): Node[] {
  const words = query.toLowerCase().split(/\s+/).filter((w) => w !== '');
  if (words.length === 0) return [];
  const whole = query.trim().toLowerCase();
  const hits: { node: Node; starts: boolean }[] = [];
  for (const node of nodes) {
    const name = node.name.toLowerCase();
    const id = node.id.toLowerCase();
    const text = [name, id, ...(node.aliases ?? []).map((a) => a.toLowerCase())].join('\n');
    if (words.every((w) => text.includes(w))) hits.push({ node, starts: name.startsWith(whole) || id.startsWith(whole) });
  }
  hits.sort((a, b) => Number(b.starts) - Number(a.starts) || a.node.name.localeCompare(b.node.name));
  return hits.slice(0, limit).map((h) => h.node);
}

/** Relations with an end whose name or id contains `query` (case ignored); at most `limit`. */
export function relationsMatching(
  relations: readonly Relation[],
  query: string,
  nameOf: (id: string) => string,
  limit = 50,
): Relation[] {
  const q = query.trim().toLowerCase();
  const found: Relation[] = [];
  for (const r of relations) {
    if (found.length >= limit) break;
    const ends = [r.from, r.to, nameOf(r.from), nameOf(r.to)].map((s) => s.toLowerCase());
    if (q === '' || ends.some((s) => s.includes(q))) found.push(r);
  }
  return found;
}

export const relationKey = (r: Relation): string => `${r.kind}\u0000${r.from}\u0000${r.to}`;
