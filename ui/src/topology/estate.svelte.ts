import { getTopology } from '../lib/backend';
import type { Node, Topology } from '../lib/model';
import { live } from '../lib/live/live.svelte';

/**
 * The whole topology with its relations, for the node panel and the tools' dialogs:
 * loaded when first wanted, and again after every change the stream announces. A
 * request asked for while one is under way is made once more when it ends, so what is
 * shown is never older than the last change.
 */
class Estate {
  topology = $state.raw<Topology | null>(null);
  failure = $state<string | null>(null);
  private byId = new Map<string, Node>();
  private loading = false;
  private stale = false;
  private stopListening: (() => void) | null = null;

  /** Starts following the hub (once); answers when the first load is done. */
  async want(): Promise<void> {
    if (this.stopListening === null) {
      this.stopListening = live.listen((applied) => {
        if (applied.kind === 'snapshot' || applied.batch.changes.topology_changed) void this.reload();
      });
    }
    if (this.topology === null) await this.reload();
  }

  /** The node with this id, or failing that the node known by it as an alias. */
  node(id: string): Node | undefined {
    void this.topology;
    return this.byId.get(id);
  }

  async reload(): Promise<void> {
    if (this.loading) {
      this.stale = true;
      return;
    }
    this.loading = true;
    do {
      this.stale = false;
      try {
        const topology = await getTopology();
        this.byId = indexWithAliases(topology.nodes);
        this.topology = topology;
        this.failure = null;
      } catch (e) {
        this.failure = e instanceof Error ? e.message : String(e);
      }
    } while (this.stale);
    this.loading = false;
  }
}

/** Ids win over aliases, as in the hub's model: an alarm naming an id means that node. */
function indexWithAliases(nodes: readonly Node[]): Map<string, Node> {
  const index = new Map<string, Node>();
  for (const node of nodes) for (const alias of node.aliases ?? []) if (!index.has(alias)) index.set(alias, node);
  for (const node of nodes) index.set(node.id, node);
  return index;
}

export const estate = new Estate();
