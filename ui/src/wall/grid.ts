// The wall's topology overview: one tile per business system and per site, coloured by
// the worst thing open there. A map of thousands of nodes cannot be read at 5 metres;
// a few dozen named tiles can.
import type { Alarm, Incident, Severity, Topology } from '../lib/model';
import { isOpen } from '../lib/live/board';
import { severityRank } from '../lib/severity';
import { aliasIndex, worse } from '../topology/status';

export interface HealthTile {
  id: string;
  name: string;
  kind: 'business_system' | 'site';
  /** The worst open incident (systems) or active alarm (sites) there; null when quiet. */
  severity: Severity | null;
  /** Open incidents (systems) or active alarms (sites) there. */
  count: number;
}

/** Each node's site, following `located_in` upwards (device → rack → site). */
function sitesOf(topology: Topology): Map<string, string> {
  const parent = new Map<string, string>();
  for (const r of topology.relations) if (r.kind === 'located_in') parent.set(r.from, r.to);
  const sites = new Set(topology.nodes.filter((n) => n.kind === 'site').map((n) => n.id));
  const site = new Map<string, string>();
  for (const node of topology.nodes) {
    let at: string | undefined = node.id;
    // A loop in hand-made data must not hang the wall: a chain is at most as long as the estate.
    for (let hops = 0; at !== undefined && hops <= topology.nodes.length; hops++) {
      if (sites.has(at)) {
        site.set(node.id, at);
        break;
      }
      at = parent.get(at);
    }
  }
  return site;
}

const byTrouble = (a: HealthTile, b: HealthTile): number =>
  rank(b.severity) - rank(a.severity) || b.count - a.count || a.name.localeCompare(b.name);

const rank = (s: Severity | null): number => (s === null ? -1 : severityRank(s));

/** Business systems then sites, each worst first. */
export function healthTiles(topology: Topology, incidents: readonly Incident[], alarms: readonly Alarm[]): HealthTile[] {
  const systems = new Map<string, HealthTile>();
  const siteTiles = new Map<string, HealthTile>();
  for (const node of topology.nodes) {
    const tile = { id: node.id, name: node.name.trim() === '' ? node.id : node.name, severity: null, count: 0 };
    if (node.kind === 'business_system') systems.set(node.id, { ...tile, kind: 'business_system' });
    if (node.kind === 'site') siteTiles.set(node.id, { ...tile, kind: 'site' });
  }
  const index = aliasIndex(topology);
  for (const incident of incidents) {
    if (!isOpen(incident) || incident.system === null) continue;
    const tile = systems.get(index.get(incident.system) ?? incident.system);
    if (tile === undefined) continue;
    tile.severity = worse(tile.severity, incident.severity);
    tile.count += 1;
  }
  const site = sitesOf(topology);
  for (const alarm of alarms) {
    if (alarm.status !== 'active' || alarm.node === null || alarm.suppressed_by !== null) continue;
    const node = index.get(alarm.node);
    const tile = node === undefined ? undefined : siteTiles.get(site.get(node) ?? '');
    if (tile === undefined) continue;
    tile.severity = worse(tile.severity, alarm.severity);
    tile.count += 1;
  }
  return [...[...systems.values()].sort(byTrouble), ...[...siteTiles.values()].sort(byTrouble)];
}
