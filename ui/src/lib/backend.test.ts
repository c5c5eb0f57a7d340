import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CheckReport, SourceDefinition } from './model';
import {
  ApiError,
  acknowledgeAtSource,
  createSilence,
  createSource,
  deleteSource,
  encodeHeaderValue,
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
