import { getTopology } from '../lib/backend';
import type { Node, Topology } from '../lib/model';
import { sameTopology } from './elements';
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
  /** A snapshot came while loading: one more load once the first drawing is done (`drawn`). */
  private recheck = false;
  private recheckWaiting = false;
  private stopListening: (() => void) | null = null;

  /** Starts following the hub (once); answers when the first load is done. */
  async want(): Promise<void> {
    if (this.stopListening === null) {
      this.stopListening = live.listen((applied) => {
        if (applied.kind === 'batch' && !applied.batch.changes.topology_changed) return;
        // The stream's first snapshot lands while the first load is still under way: the
        // check it asks for (a change between that load and the stream) is made once the
        // first drawing is done, not fetched, parsed and compared while it is being made.
        if (applied.kind === 'snapshot' && this.loading) this.recheck = true;
        else void this.reload();
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
      // A load started after the snapshot is the check it asked for.
      if (this.stale) this.recheck = false;
      this.stale = false;
      try {
        const topology = await getTopology();
        // An answer equal to what is held changes nothing: the canvas is not walked again.
        if (this.topology === null || !sameTopology(this.topology, topology)) {
          this.byId = indexWithAliases(topology.nodes);
          this.topology = topology;
        }
        this.failure = null;
      } catch (e) {
        this.failure = e instanceof Error ? e.message : String(e);
      }
    } while (this.stale);
    this.loading = false;
    if (this.recheck) {
      this.recheck = false;
      this.recheckWaiting = true;
      // Whoever draws says when (`drawn`); without a drawing, a little later anyway.
      setTimeout(() => this.drawn(), RECHECK_AT_LATEST_MS);
    }
  }

  /** The first drawing of the topology is on screen: the check a snapshot asked for may run. */
  drawn(): void {
    if (!this.recheckWaiting) return;
    this.recheckWaiting = false;
    whenIdle(() => void this.reload());
  }
}

const RECHECK_AT_LATEST_MS = 5_000;

function whenIdle(run: () => void): void {
  if (typeof requestIdleCallback === 'function') requestIdleCallback(run, { timeout: 5_000 });
  else setTimeout(run, 0);
}

/** Ids win over aliases, as in the hub's model: an alarm naming an id means that node. */
function indexWithAliases(nodes: readonly Node[]): Map<string, Node> {
  const index = new Map<string, Node>();
  for (const node of nodes) for (const alias of node.aliases ?? []) if (!index.has(alias)) index.set(alias, node);
  for (const node of nodes) index.set(node.id, node);
  return index;
}

export const estate = new Estate();
