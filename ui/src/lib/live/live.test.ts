import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { StreamHandlers, StreamMessage } from '../backend';
import type { Snapshot } from '../model';
import { alarm, batch, incident, node, noDuty, source, topology } from '../../test/entities';

const streams: { after: number | null; handlers: StreamHandlers; close: ReturnType<typeof vi.fn>; send: ReturnType<typeof vi.fn> }[] = [];
const getInfo = vi.fn();
const getTopology = vi.fn();

vi.mock('../backend', async (original) => {
  const actual = await original<typeof import('../backend')>();
  return {
    ...actual,
    getInfo: () => getInfo(),
    getTopology: () => getTopology(),
    openStream: (after: number | null, handlers: StreamHandlers) => {
      const close = vi.fn();
      const send = vi.fn();
      streams.push({ after, handlers, close, send });
      return { close, send };
    },
  };
});

const { LiveBoard } = await import('./live.svelte');
const { ApiError } = await import('../backend');

function send(message: StreamMessage) {
  streams.at(-1)?.handlers.onMessage(message);
}

async function frame() {
  await vi.advanceTimersByTimeAsync(20);
}

let board: InstanceType<typeof LiveBoard>;

beforeEach(async () => {
  vi.useFakeTimers();
  vi.stubGlobal('requestAnimationFrame', (cb: FrameRequestCallback) => setTimeout(() => cb(0), 16));
  streams.length = 0;
  getInfo.mockResolvedValue({ version: '1', demo: false, started_at: 0 });
  getTopology.mockReset();
  getTopology.mockResolvedValue(topology([node('sys-emall', { name: 'e-Mall' })]));
  board = new LiveBoard();
  await board.start();
});

afterEach(() => {
  board.stop();
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('live board connection', () => {
  it('starts from a snapshot and folds a burst of batches in one frame', async () => {
    expect(streams.map((s) => s.after)).toEqual([null]);
    send({ type: 'snapshot', snapshot: { seq: 5, alarms: [alarm(1)], incidents: [incident(1)], sources: [source('a', { demo: true })], maintenance: [], duty: noDuty(), drill: null } });
    send({ type: 'batch', batch: batch(6, 6, { incidents: [incident(2, { severity: 'critical' })] }) });
    send({ type: 'batch', batch: batch(7, 7, { removed_alarms: [1] }) });
    expect(board.incidents).toEqual([]);
    await frame();
    expect(board.connection).toBe('live');
    expect(board.seq).toBe(7);
    expect(board.incidents.map((i) => i.id)).toEqual([2, 1]);
    expect(board.alarms).toEqual([]);
    expect(board.counts.critical).toBe(1);
    expect(board.demo).toBe(true);
    expect(board.incident(2)?.severity).toBe('critical');
  });

  it('resumes after the last applied seq when a batch skips ahead', async () => {
    send({ type: 'snapshot', snapshot: { seq: 5, alarms: [], incidents: [], sources: [], maintenance: [], duty: noDuty(), drill: null } });
    send({ type: 'batch', batch: batch(6, 6, { alarms: [alarm(1)] }) });
    send({ type: 'batch', batch: batch(9, 9, { alarms: [alarm(2)] }) });
    send({ type: 'batch', batch: batch(10, 10, { alarms: [alarm(3)] }) });
    await frame();
    expect(streams.map((s) => s.after)).toEqual([null, 6]);
    expect(streams[0]?.close).toHaveBeenCalled();
    expect(board.alarms.map((a) => a.id)).toEqual([1]);
    send({ type: 'batch', batch: batch(7, 10, { alarms: [alarm(2), alarm(3)] }) });
    await frame();
    expect(board.seq).toBe(10);
    expect(board.alarms.map((a) => a.id).sort()).toEqual([1, 2, 3]);
  });

  it('resumes when a heartbeat shows commits not received', async () => {
    send({ type: 'snapshot', snapshot: { seq: 5, alarms: [], incidents: [], sources: [], maintenance: [], duty: noDuty(), drill: null } });
    send({ type: 'heartbeat', seq: 5, at: 0 });
    await frame();
    expect(streams).toHaveLength(1);
    send({ type: 'heartbeat', seq: 8, at: 0 });
    await frame();
    expect(streams.map((s) => s.after)).toEqual([null, 5]);
  });

  it('shows a lost connection and reconnects from where it stopped', async () => {
    send({ type: 'snapshot', snapshot: { seq: 3, alarms: [], incidents: [], sources: [], maintenance: [], duty: noDuty(), drill: null } });
    await frame();
    streams[0]?.handlers.onClose();
    expect(board.connection).toBe('reconnecting');
    await vi.advanceTimersByTimeAsync(1_000);
    expect(streams.map((s) => s.after)).toEqual([null, 3]);
    send({ type: 'heartbeat', seq: 3, at: 0 });
    expect(board.connection).toBe('live');
  });

  it('reports a hub that cannot write its event log, and its recovery', async () => {
    send({ type: 'snapshot', snapshot: { seq: 3, alarms: [], incidents: [], sources: [], maintenance: [], duty: noDuty(), drill: null } });
    await frame();
    expect(board.storeError).toBeNull();
    send({ type: 'heartbeat', seq: 3, at: 0, store_error: 'database or disk is full' });
    await frame();
    expect(board.storeError).toBe('database or disk is full');
    send({ type: 'heartbeat', seq: 3, at: 0, store_error: null });
    await frame();
    expect(board.storeError).toBeNull();
  });

  it('says so when the hub refuses the token', async () => {
    getInfo.mockRejectedValue(new ApiError(401, 'unauthorized', 'no'));
    streams[0]?.handlers.onClose();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(board.connection).toBe('unauthorized');
    expect(streams).toHaveLength(1);
  });
});

describe('live board node names', () => {
  const snapshot = (seq: number): StreamMessage => ({ type: 'snapshot', snapshot: { seq, alarms: [], incidents: [], sources: [], maintenance: [], duty: noDuty(), drill: null } });

  it('loads the topology when the connection starts and names nodes from it', async () => {
    await frame();
    expect(getTopology).toHaveBeenCalledTimes(1);
    expect(board.nodeName('sys-emall')).toBe('e-Mall');
    expect(board.nodeName('host-unknown')).toBe('host-unknown');
  });

  it('reloads after a snapshot and after a batch that changed the topology, not after others', async () => {
    await frame();
    send(snapshot(5));
    await frame();
    expect(getTopology).toHaveBeenCalledTimes(2);
    send({ type: 'batch', batch: batch(6, 6, { alarms: [alarm(1)] }) });
    await frame();
    expect(getTopology).toHaveBeenCalledTimes(2);
    getTopology.mockResolvedValue(topology([node('sys-emall', { name: 'e-Mall 电子商城' })]));
    send({ type: 'batch', batch: batch(7, 7, { topology_changed: true }) });
    await frame();
    expect(getTopology).toHaveBeenCalledTimes(3);
    expect(board.nodeName('sys-emall')).toBe('e-Mall 电子商城');
  });

  it('asks again when the topology changes during a load, so the newest answer stays', async () => {
    await frame();
    let answer: (value: unknown) => void = () => {};
    getTopology.mockImplementationOnce(() => new Promise((done) => (answer = done)));
    getTopology.mockResolvedValueOnce(topology([node('sys-emall', { name: 'new' })]));
    send(snapshot(5));
    await frame();
    send({ type: 'batch', batch: batch(6, 6, { topology_changed: true }) });
    send({ type: 'batch', batch: batch(7, 7, { topology_changed: true }) });
    await frame();
    expect(getTopology).toHaveBeenCalledTimes(2);
    answer(topology([node('sys-emall', { name: 'old' })]));
    await frame();
    expect(getTopology).toHaveBeenCalledTimes(3);
    expect(board.nodeName('sys-emall')).toBe('new');
  });

  it('keeps the names it has when a reload fails, and tries again on reconnect', async () => {
    await frame();
    getTopology.mockRejectedValueOnce(new Error('down'));
    send(snapshot(5));
    await frame();
    expect(getTopology).toHaveBeenCalledTimes(2);
    expect(board.nodeName('sys-emall')).toBe('e-Mall');
    streams[0]?.handlers.onClose();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(streams).toHaveLength(2);
    expect(getTopology).toHaveBeenCalledTimes(3);
  });
});

describe('live board presence', () => {
  const here = (screen: string, incident: number | null = null) => ({ screen, incident });

  it('tells the hub where this window is on opening, on every change, and again after a reconnect', async () => {
    streams[0]?.handlers.onOpen();
    expect(streams[0]?.send.mock.calls).toEqual([[here('board')]]);
    board.tellWhereabouts(here('board', 12));
    board.tellWhereabouts(here('board', 12));
    board.tellWhereabouts(here('topology'));
    expect(streams[0]?.send.mock.calls.slice(1)).toEqual([[here('board', 12)], [here('topology')]]);
    streams[0]?.handlers.onClose();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(streams).toHaveLength(2);
    streams[1]?.handlers.onOpen();
    expect(streams[1]?.send.mock.calls).toEqual([[here('topology')]]);
  });

  it('shows the operators the hub lists, in order with the board', async () => {
    const li = { name: 'li.wei', role: 'operator' as const, screen: 'board', incident: 3, since: 0, connections: 1, wall: false };
    send({ type: 'snapshot', snapshot: { seq: 1, alarms: [], incidents: [], sources: [], maintenance: [], duty: noDuty(), drill: null } as unknown as Snapshot });
    send({ type: 'presence', operators: [li] });
    await frame();
    expect(board.operators).toEqual([li]);
    send({ type: 'presence', operators: [] });
    await frame();
    expect(board.operators).toEqual([]);
  });
});
