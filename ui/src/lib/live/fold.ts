import type { Alarm, Batch, Incident, MaintenanceWindow, Snapshot, SourceHealth } from '../model';

/**
 * The client's copy of the hub's live state. Keyed maps so that a batch touching a few
 * entities costs a few map writes, whatever the size of the estate.
 */
export interface LiveData {
  /** The last `seq` applied; `null` until the first snapshot. */
  seq: number | null;
  alarms: Map<number, Alarm>;
  incidents: Map<number, Incident>;
  sources: Map<string, SourceHealth>;
  /** Maintenance windows scheduled and not cancelled, by id. */
  maintenance: Map<string, MaintenanceWindow>;
}

/** What applying one stream message did, so the connection knows whether to resume. */
export type Outcome =
  | { kind: 'applied'; touchedIncidents: number[]; topologyChanged: boolean }
  | { kind: 'gap'; expected: number | null; got: number };

export function emptyLive(): LiveData {
  return { seq: null, alarms: new Map(), incidents: new Map(), sources: new Map(), maintenance: new Map() };
}

/** A snapshot replaces everything: entities absent from it are gone. */
export function applySnapshot(live: LiveData, snapshot: Snapshot): void {
  live.seq = snapshot.seq;
  live.alarms = new Map(snapshot.alarms.map((a) => [a.id, a]));
  live.incidents = new Map(snapshot.incidents.map((i) => [i.id, i]));
  live.sources = new Map(snapshot.sources.map((s) => [s.source, s]));
  live.maintenance = new Map(snapshot.maintenance.map((w) => [w.id, w]));
}

/**
 * Upserts a batch's changes and drops what it removed. A batch that does not follow
 * the last applied `seq` exactly is a gap and is not applied: the caller resumes the
 * stream from `live.seq`, so nothing is lost or applied twice.
 */
export function applyBatch(live: LiveData, batch: Batch): Outcome {
  if (live.seq === null || batch.first_seq !== live.seq + 1) {
    return { kind: 'gap', expected: live.seq === null ? null : live.seq + 1, got: batch.first_seq };
  }
  const { changes } = batch;
  for (const alarm of changes.alarms) live.alarms.set(alarm.id, alarm);
  for (const incident of changes.incidents) live.incidents.set(incident.id, incident);
  for (const source of changes.sources) live.sources.set(source.source, source);
  for (const id of changes.removed_alarms) live.alarms.delete(id);
  for (const id of changes.removed_incidents) live.incidents.delete(id);
  for (const name of changes.removed_sources) live.sources.delete(name);
  for (const window of changes.maintenance) live.maintenance.set(window.id, window);
  for (const id of changes.removed_maintenance) live.maintenance.delete(id);
  live.seq = batch.last_seq;
  return {
    kind: 'applied',
    touchedIncidents: [...changes.incidents.map((i) => i.id), ...changes.removed_incidents],
    topologyChanged: changes.topology_changed,
  };
}

/** A heartbeat announcing a `seq` the client has not applied means something was missed. */
export function heartbeatShowsGap(live: LiveData, seq: number): boolean {
  return live.seq === null || seq > live.seq;
}
