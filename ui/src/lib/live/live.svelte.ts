import type { Alarm, Batch, Incident, MaintenanceWindow, Snapshot, SourceHealth } from '../model';
import {
  ApiError,
  getInfo,
  getTopology,
  openStream,
  type HubInfo,
  type OperatorPresence,
  type Stream,
  type StreamMessage,
  type Whereabouts,
} from '../backend';
import { applyBatch, applySnapshot, emptyLive, heartbeatShowsGap } from './fold';
import { activeAlarms, anyDemo, boardIncidents, openCounts, unhealthySources, unseenQueue, type SeverityCounts } from './board';
import { nextDelay } from './backoff';
import { displayName, indexNodes, type NodeIndex } from './topology';

export type Connection = 'connecting' | 'live' | 'reconnecting' | 'unauthorized';

/** What a listener of `LiveBoard.listen` is told, once the board's maps hold it. */
export type Applied = { kind: 'snapshot'; snapshot: Snapshot } | { kind: 'batch'; batch: Batch };

/** Heartbeats come every 10 s; this long without any message means the stream is dead. */
const SILENCE_MS = 35_000;

/**
 * The board's view of the hub: stream messages are queued as they arrive and folded
 * once per animation frame, so hundreds of batches a second cost one re-render.
 */
export class LiveBoard {
  connection = $state<Connection>('connecting');
  info = $state.raw<HubInfo | null>(null);
  seq = $state<number | null>(null);
  incidents = $state.raw<Incident[]>([]);
  alarms = $state.raw<Alarm[]>([]);
  /** Alarms that cleared before anyone looked at them (the unseen queue). */
  unseen = $state.raw<Alarm[]>([]);
  sources = $state.raw<SourceHealth[]>([]);
  /** Maintenance windows scheduled and not cancelled (past ones included until the hub drops them). */
  maintenance = $state.raw<MaintenanceWindow[]>([]);
  troubled = $state.raw<SourceHealth[]>([]);
  counts = $state.raw<SeverityCounts>(openCounts([]));
  demo = $state(false);
  /** The hub cannot record anything new (e.g. its disk is full): the board is frozen. */
  storeError = $state<string | null>(null);
  /** The topology's nodes by id; empty until the first load, and kept when a reload fails. */
  nodes = $state.raw<NodeIndex>(new Map());
  /** Who else follows the hub and where (this window included), as the hub last said. */
  operators = $state.raw<OperatorPresence[]>([]);
  /** Bumped whenever entities change; readers of the keyed maps depend on it. */
  private revision = $state(0);

  private data = emptyLive();
  private queue: StreamMessage[] = [];
  private flushPending = false;
  private stream: Stream | null = null;
  /** Where this window is; told to the hub on every change and again on every (re)connect. */
  private whereabouts: Whereabouts = { screen: firstScreen(), incident: null };
  private attempt = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private lastHeard = 0;
  private watchdog: ReturnType<typeof setInterval> | undefined;
  private topologyLoading = false;
  private topologyStale = false;
  private listeners = new Set<(applied: Applied) => void>();

  async start(): Promise<void> {
    // The snapshot is the long pole of the first paint: ask for it at once, alongside
    // the hub's info (which, on a wrong token, stops everything again).
    this.connect();
    void this.loadTopology();
    if (!(await this.refreshInfo())) return;
    this.watchdog = setInterval(() => {
      if (this.stream !== null && this.connection === 'live' && performance.now() - this.lastHeard > SILENCE_MS) {
        this.dropAndRetry();
      }
    }, 5_000);
  }

  stop(): void {
    clearInterval(this.watchdog);
    clearTimeout(this.retryTimer);
    this.stream?.close();
    this.stream = null;
  }

  incident(id: number): Incident | undefined {
    void this.revision;
    return this.data.incidents.get(id);
  }

  alarm(id: number): Alarm | undefined {
    void this.revision;
    return this.data.alarms.get(id);
  }

  /**
   * Tells `listener` of every snapshot and batch after it is folded in (so `incident()`
   * and `alarm()` already answer the new state); returns the way to stop listening.
   */
  listen(listener: (applied: Applied) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private tell(applied: Applied): void {
    for (const listener of this.listeners) listener(applied);
  }

  /** Tells the hub (and through it every other screen) where this window is now. */
  tellWhereabouts(whereabouts: Whereabouts): void {
    if (whereabouts.screen === this.whereabouts.screen && whereabouts.incident === this.whereabouts.incident) return;
    this.whereabouts = { ...whereabouts };
    this.stream?.send(this.whereabouts);
  }

  /** A node's display name, or its id while the topology does not know it. */
  nodeName(id: string): string {
    return displayName(this.nodes, id);
  }

  /** Also tells a wrong or missing token apart from a hub that is down. */
  private async refreshInfo(): Promise<boolean> {
    try {
      this.info = await getInfo();
      this.storeError = this.info.store_error ?? null;
      this.demo = this.info.demo || anyDemo(this.data.sources.values());
      return true;
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) {
        this.stop();
        this.connection = 'unauthorized';
        return false;
      }
      return true;
    }
  }

  private connect(): void {
    this.stream?.close();
    this.lastHeard = performance.now();
    this.stream = openStream(this.data.seq, {
      onOpen: () => {
        this.lastHeard = performance.now();
        // The hub forgets a connection's place when it closes: a new one starts unknown.
        this.stream?.send(this.whereabouts);
      },
      onMessage: (message) => {
        this.lastHeard = performance.now();
        this.attempt = 0;
        if (this.connection !== 'live') this.connection = 'live';
        this.queue.push(message);
        this.scheduleFlush();
      },
      onClose: () => this.dropAndRetry(),
    });
  }

  private dropAndRetry(): void {
    this.stream?.close();
    this.stream = null;
    this.queue = [];
    this.connection = 'reconnecting';
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(async () => {
      if (await this.refreshInfo()) {
        this.connect();
        void this.loadTopology();
      }
    }, nextDelay(this.attempt++));
  }

  /** A gap: resume from the last applied seq at once; the hub replays what was missed. */
  private resume(): void {
    this.queue = [];
    this.connect();
  }

  private scheduleFlush(): void {
    if (this.flushPending) return;
    this.flushPending = true;
    // Background tabs get no animation frames; the timer keeps the queue short there.
    const timer = setTimeout(() => this.flush(), 250);
    requestAnimationFrame(() => {
      clearTimeout(timer);
      this.flush();
    });
  }

  private flush(): void {
    if (!this.flushPending) return;
    this.flushPending = false;
    const messages = this.queue;
    this.queue = [];
    let changed = false;
    let topologyChanged = false;
    for (const message of messages) {
      if (message.type === 'snapshot') {
        applySnapshot(this.data, message.snapshot);
        this.tell({ kind: 'snapshot', snapshot: message.snapshot });
        changed = true;
        topologyChanged = true;
      } else if (message.type === 'batch') {
        const outcome = applyBatch(this.data, message.batch);
        if (outcome.kind === 'gap') {
          this.resume();
          break;
        }
        this.tell({ kind: 'batch', batch: message.batch });
        changed = true;
        if (outcome.topologyChanged) topologyChanged = true;
      } else if (message.type === 'presence') {
        this.operators = message.operators;
      } else {
        this.storeError = message.store_error ?? null;
        if (heartbeatShowsGap(this.data, message.seq)) {
          this.resume();
          break;
        }
      }
    }
    if (changed) this.publish();
    if (topologyChanged) void this.loadTopology();
  }

  /**
   * Fetches the topology for node names. Asked again while a request is under way, it
   * fetches once more when that one ends, so the names are never older than the last
   * change announced. A failure keeps the names already known (ids show for the rest);
   * the next reconnect or topology change tries again.
   */
  private async loadTopology(): Promise<void> {
    if (this.topologyLoading) {
      this.topologyStale = true;
      return;
    }
    this.topologyLoading = true;
    do {
      this.topologyStale = false;
      try {
        this.nodes = indexNodes(await getTopology());
      } catch {
        // The names already known stay; see above.
      }
    } while (this.topologyStale);
    this.topologyLoading = false;
  }

  private publish(): void {
    const { incidents, alarms, sources } = this.data;
    this.seq = this.data.seq;
    this.incidents = boardIncidents(incidents.values());
    this.alarms = activeAlarms(alarms.values());
    this.unseen = unseenQueue(alarms.values());
    this.sources = [...sources.values()];
    this.maintenance = [...this.data.maintenance.values()];
    this.troubled = unhealthySources(sources.values());
    this.counts = openCounts(incidents.values());
    this.demo = (this.info?.demo ?? false) || anyDemo(sources.values());
    this.revision += 1;
  }
}

/** The wall (大屏) follows the hub without a navigation bar to say where it is. */
function firstScreen(): string {
  if (typeof location === 'undefined') return 'board';
  return /^\/wall\/?$/.test(location.pathname) || /^#\/wall(\?|$)/.test(location.hash) ? 'wall' : 'board';
}

export const live = new LiveBoard();
