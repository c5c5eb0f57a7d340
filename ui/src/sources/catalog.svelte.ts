import { getSources, type SourceView } from '../lib/backend';
import type { SourceKind } from './form';

/** The hub's source definitions, shared by the Sources page and the board's per-alarm actions. */
class SourceCatalog {
  views = $state.raw<SourceView[]>([]);
  loaded = $state(false);
  failure = $state<string | null>(null);
  private ticket = 0;

  async refresh(): Promise<void> {
    const ticket = ++this.ticket;
    try {
      const views = await getSources();
      // A slower, older answer must not overwrite a newer one.
      if (ticket !== this.ticket) return;
      this.views = [...views].sort((a, b) => a.definition.name.localeCompare(b.definition.name));
      this.loaded = true;
      this.failure = null;
    } catch (e) {
      if (ticket === this.ticket) this.failure = e instanceof Error ? e.message : String(e);
    }
  }

  kindOf(name: string): SourceKind | undefined {
    return this.views.find((v) => v.definition.name === name)?.definition.settings.kind;
  }
}

export const catalog = new SourceCatalog();
