// The duty policy (1-5-10 targets, update deadline) and what each kind of source can
// take back, loaded once per page and shared by every incident shown.
import type { DutyPolicy } from '../lib/model';
import { getCapabilities, getPolicy, type SourceCapability } from '../lib/backend';
import { live } from '../lib/live/live.svelte';
import { catalog } from '../sources/catalog.svelte';

class DutyRules {
  policy = $state.raw<DutyPolicy | null>(null);
  capabilities = $state.raw<SourceCapability[]>([]);
  capabilitiesLoaded = $state(false);
  failure = $state<string | null>(null);
  #loading: Promise<void> | null = null;

  /** Loads once; a failed load is tried again on the next call. */
  load(): Promise<void> {
    this.#loading ??= (async () => {
      try {
        const [policy, capabilities] = await Promise.all([getPolicy(), getCapabilities()]);
        this.policy = policy;
        this.capabilities = capabilities;
        this.capabilitiesLoaded = true;
        this.failure = null;
      } catch (e) {
        this.failure = e instanceof Error ? e.message : String(e);
        this.#loading = null;
      }
    })();
    return this.#loading;
  }

  /** A source's kind: from its health (webhooks too), else from its definition. */
  kindOf(source: string): string | undefined {
    return live.sources.find((s) => s.source === source)?.kind ?? catalog.kindOf(source);
  }

  capabilityOf(source: string): SourceCapability | undefined {
    const kind = this.kindOf(source);
    return kind === undefined ? undefined : this.capabilities.find((c) => c.kind === kind);
  }

  /** Acknowledging can be written back to this source (natively or as a silence). */
  writesBack(source: string): boolean {
    const acknowledge = this.capabilityOf(source)?.acknowledge;
    return acknowledge === 'native' || acknowledge === 'silence';
  }
}

export const duty = new DutyRules();
