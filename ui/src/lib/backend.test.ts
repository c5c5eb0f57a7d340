import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CheckReport, SourceDefinition } from './model';
import {
  ApiError,
  acknowledgeAtSource,
  createSilence,
  createSource,
  deleteSource,
  editTopology,
  encodeHeaderValue,
  exportTopology,
  getTopology,
  importTopology,
  incidentImpact,
  nodeImpact,
  placeNodes,
  relayout,
  expireSilence,
  getSources,
  listSilences,
  streamUrl,
  takeTokenFromUrl,
  testSavedSource,
  testSource,
  updateSource,
} from './backend';

describe('token in the address', () => {
  it('is taken out, keeping the rest of the address', () => {
    expect(takeTokenFromUrl('http://127.0.0.1:7878/?token=s3cret&view=wall#x')).toEqual({
      token: 's3cret',
      cleanUrl: '/?view=wall#x',
    });
  });

  it('is absent when not given or empty', () => {
    expect(takeTokenFromUrl('http://h/').token).toBeNull();
    expect(takeTokenFromUrl('http://h/?token=').token).toBeNull();
  });
});

describe('stream address', () => {
  it('matches the page scheme and resumes after a seq', () => {
    expect(streamUrl({ protocol: 'http:', host: 'h:1' }, 42, 't k')).toBe('ws://h:1/api/stream?after=42&token=t+k');
    expect(streamUrl({ protocol: 'https:', host: 'h' }, null, 'x')).toBe('wss://h/api/stream?token=x');
    expect(streamUrl({ protocol: 'http:', host: 'h' }, 0, null)).toBe('ws://h/api/stream?after=0');
  });
});

describe('operator header', () => {
  it('keeps ASCII names and percent-encodes others', () => {
    expect(encodeHeaderValue('Li Wei')).toBe('Li Wei');
    expect(encodeHeaderValue('王伟')).toBe('%E7%8E%8B%E4%BC%9F');
  });
});

describe('source and silence requests', () => {
  const definition: SourceDefinition = {
    name: 'am/dc 1',
    enabled: true,
    interval_secs: null,
    timeout_secs: null,
    node: null,
    settings: { kind: 'alertmanager', urls: ['http://127.0.0.1:1'], auth: null },
  };
  const report: CheckReport = { status: 'unreachable', detail: 'connection refused', took_ms: 3, version: null };
  let requests: { url: string; method: string; headers: Record<string, string>; body: unknown }[];

  function answer(status: number, body?: unknown) {
    vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
      requests.push({
        url,
        method: init.method ?? 'GET',
        headers: init.headers as Record<string, string>,
        body: typeof init.body === 'string' ? JSON.parse(init.body) : undefined,
      });
      return new Response(body === undefined ? null : JSON.stringify(body), { status });
    });
  }

  beforeEach(() => {
    requests = [];
    const store = (values: Record<string, string>) => ({ getItem: (k: string) => values[k] ?? null });
    vi.stubGlobal('sessionStorage', store({ 'noc.token': 'tok' }));
    vi.stubGlobal('localStorage', store({ 'noc.operator': '王伟' }));
  });

  afterEach(() => vi.unstubAllGlobals());

  it('sends a typed secret beside the definition, with the token and the operator', async () => {
    answer(201, { definition, origin: 'console', health: null });
    await createSource(definition, 's3cret');
    expect(requests).toEqual([
      {
        url: '/api/sources',
        method: 'POST',
        headers: expect.objectContaining({
          Authorization: 'Bearer tok',
          'X-Noc-Operator': '%E7%8E%8B%E4%BC%9F',
          'Content-Type': 'application/json',
        }),
        body: { definition, secret: 's3cret' },
      },
    ]);
  });

  it('leaves the secret out when none was typed, and escapes the name in paths', async () => {
    answer(200, { definition, origin: 'console', health: null });
    await updateSource(definition, null);
    answer(200, report);
    expect(await testSource(definition, null)).toEqual(report);
    expect(await testSavedSource(definition.name)).toEqual(report);
    expect(requests.map((r) => [r.method, r.url, r.body])).toEqual([
      ['PUT', '/api/sources/am%2Fdc%201', { definition }],
      ['POST', '/api/sources/test', { definition }],
      ['POST', '/api/sources/am%2Fdc%201/test', undefined],
    ]);
  });

  it('accepts answers without a body', async () => {
    answer(204);
    await expect(deleteSource('am')).resolves.toBeUndefined();
    await expect(acknowledgeAtSource(12, 'on it')).resolves.toBeUndefined();
    expect(requests.map((r) => [r.method, r.url, r.body])).toEqual([
      ['DELETE', '/api/sources/am', undefined],
      ['POST', '/api/alarms/12/acknowledge-at-source', { message: 'on it' }],
    ]);
  });

  it('posts a silence for an alarm to its source', async () => {
    const request = { matchers: [{ name: 'alertname', value: 'NodeDown', is_regex: false, is_equal: true }], duration_minutes: 60, comment: 'c', alarm: 4 };
    answer(200, { id: 'abc', matchers: request.matchers, starts_at: 1, ends_at: 2, created_by: 'x', comment: 'c', state: 'active' });
    expect((await createSilence('am', request)).id).toBe('abc');
    expect(requests[0]).toMatchObject({ method: 'POST', url: '/api/sources/am/silences', body: request });
  });

  it('lists a source’s silences and expires one by id, as the operator', async () => {
    const silence = { id: 'a/b', matchers: [], starts_at: 1, ends_at: 2, created_by: 'x', comment: 'c', state: 'active' };
    answer(200, [silence]);
    expect(await listSilences('am/dc 1')).toEqual([silence]);
    answer(204);
    await expect(expireSilence('am/dc 1', 'a/b')).resolves.toBeUndefined();
    expect(requests.map((r) => [r.method, r.url, r.body])).toEqual([
      ['GET', '/api/sources/am%2Fdc%201/silences', undefined],
      ['DELETE', '/api/sources/am%2Fdc%201/silences/a%2Fb', undefined],
    ]);
    expect(requests[1]?.headers).toMatchObject({ Authorization: 'Bearer tok', 'X-Noc-Operator': '%E7%8E%8B%E4%BC%9F' });
  });

  it('gives Alertmanager’s refusal of a silence list or expiry as the hub’s code and message', async () => {
    answer(404, { code: 'silence_not_found', message: 'no silence 7f3 in am' });
    await expect(expireSilence('am', '7f3')).rejects.toMatchObject({ status: 404, code: 'silence_not_found', message: 'no silence 7f3 in am' });
    answer(400, { code: 'silences_unsupported', message: 'prom is not an Alertmanager' });
    const refused = listSilences('prom');
    await expect(refused).rejects.toBeInstanceOf(ApiError);
    await expect(refused).rejects.toMatchObject({ status: 400, code: 'silences_unsupported' });
    answer(502);
    await expect(listSilences('am')).rejects.toMatchObject({ status: 502, code: 'http_error' });
  });

  it('turns refusals into errors with the hub’s code and message', async () => {
    answer(422, { code: 'keyring_unavailable', message: 'use an environment variable' });
    const refused = createSource(definition, 'x');
    await expect(refused).rejects.toBeInstanceOf(ApiError);
    await expect(refused).rejects.toMatchObject({ status: 422, code: 'keyring_unavailable', message: 'use an environment variable' });
    answer(403, { code: 'defined_in_file', message: 'change it there' });
    await expect(deleteSource('file-src')).rejects.toMatchObject({ status: 403, code: 'defined_in_file' });
    vi.stubGlobal('fetch', async () => new Response('<html>', { status: 502, statusText: 'Bad Gateway' }));
    await expect(getSources()).rejects.toMatchObject({ status: 502, code: 'http_error', message: 'Bad Gateway' });
  });
});

describe('topology requests', () => {
  let requests: { url: string; method: string; headers: Record<string, string>; body: BodyInit | null | undefined }[];

  function answer(status: number, body: string | null, type = 'application/json') {
    vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
      requests.push({ url, method: init.method ?? 'GET', headers: init.headers as Record<string, string>, body: init.body });
      return new Response(body, { status, headers: { 'Content-Type': type } });
    });
  }

  beforeEach(() => {
    requests = [];
    const store = (values: Record<string, string>) => ({ getItem: (k: string) => values[k] ?? null });
    vi.stubGlobal('sessionStorage', store({ 'noc.token': 'tok' }));
    vi.stubGlobal('localStorage', store({ 'noc.operator': 'Li' }));
  });

  afterEach(() => vi.unstubAllGlobals());

  it('asks for the topology now, after a seq, or at a time', async () => {
    answer(200, JSON.stringify({ nodes: [], relations: [] }));
    await getTopology();
    await getTopology({ seq: 42 });
    await getTopology({ at: 1_700_000_000_000.4 });
    await getTopology({ seq: 7, at: 5 });
    expect(requests.map((r) => r.url)).toEqual([
      '/api/topology',
      '/api/topology?at_seq=42',
      '/api/topology?at=1700000000000',
      '/api/topology?at_seq=7',
    ]);
  });

  it('sends an imported file as it is, named and with its format', async () => {
    answer(200, JSON.stringify({ nodes: 3, relations: 2, seq: 9 }));
    const file = 'nodes:\n  - id: a\n';
    expect(await importTopology('estate dc1.yaml', 'yaml', file)).toEqual({ nodes: 3, relations: 2, seq: 9 });
    expect(requests[0]).toMatchObject({
      method: 'POST',
      url: '/api/topology/import?name=estate%20dc1.yaml&format=yaml',
      body: file,
      headers: expect.objectContaining({ 'Content-Type': 'application/yaml', Authorization: 'Bearer tok', 'X-Noc-Operator': 'Li' }),
    });
  });

  it('gives a refused file’s line as the hub wrote it', async () => {
    answer(422, JSON.stringify({ code: 'invalid_topology', message: 'bad.csv line 4: unknown kind "hots"' }));
    await expect(importTopology('bad.csv', 'csv', 'x')).rejects.toMatchObject({
      status: 422,
      code: 'invalid_topology',
      message: 'bad.csv line 4: unknown kind "hots"',
    });
    answer(413, JSON.stringify({ code: 'too_large', message: 'over 16 MiB' }));
    await expect(importTopology('big.json', 'json', 'x')).rejects.toMatchObject({ status: 413, code: 'too_large' });
  });

  it('downloads an export as a file', async () => {
    answer(200, 'id,name\n', 'text/csv');
    const file = await exportTopology('csv');
    expect(await file.text()).toBe('id,name\n');
    expect(requests[0]).toMatchObject({ method: 'GET', url: '/api/topology/export?format=csv' });
  });

  it('edits, places and lays out as the operator, answering the recorded seq', async () => {
    answer(200, JSON.stringify({ seq: 11 }));
    const change = { upsert_nodes: [], remove_nodes: ['a'], upsert_relations: [], remove_relations: [] };
    expect(await editTopology(change)).toEqual({ seq: 11 });
    await placeNodes('network', [{ id: 'a', x: 1, y: 2 }]);
    await relayout('layered');
    expect(requests.map((r) => [r.method, r.url, JSON.parse(String(r.body))])).toEqual([
      ['POST', '/api/topology/edit', change],
      ['PUT', '/api/topology/positions', { view: 'network', positions: [{ id: 'a', x: 1, y: 2 }] }],
      ['POST', '/api/topology/layout', { view: 'layered' }],
    ]);
    expect(requests[2]?.headers).toMatchObject({ 'Content-Type': 'application/json', 'X-Noc-Operator': 'Li' });
  });

  it('asks for the impact of a node (id escaped) and of an incident', async () => {
    answer(200, JSON.stringify({ node: 'a/b', upstream: [], downstream: [], business_systems: [] }));
    await nodeImpact('a/b');
    await incidentImpact(7);
    expect(requests.map((r) => r.url)).toEqual(['/api/topology/nodes/a%2Fb/impact', '/api/incidents/7/impact']);
    answer(404, JSON.stringify({ code: 'node_not_found', message: 'no node x' }));
    await expect(nodeImpact('x')).rejects.toMatchObject({ status: 404, code: 'node_not_found' });
  });
});
