import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { SourceView } from '../lib/backend';

const getSources = vi.fn<() => Promise<SourceView[]>>();

vi.mock('../lib/backend', async (original) => ({
  ...(await original<typeof import('../lib/backend')>()),
  getSources: () => getSources(),
}));

const { catalog } = await import('./catalog.svelte');

const view = (name: string, kind: 'alertmanager' | 'zabbix'): SourceView => ({
  definition: {
    name,
    enabled: true,
    interval_secs: null,
    timeout_secs: null,
    node: null,
    settings:
      kind === 'alertmanager'
        ? { kind, urls: ['http://am/'], auth: null }
        : { kind, url: 'http://z/', user: null, secret: { from: 'env', name: 'Z' }, discover_topology: true },
  },
  origin: 'console',
  health: null,
});

function deferred() {
  let resolve!: (views: SourceView[]) => void;
  const promise = new Promise<SourceView[]>((done) => (resolve = done));
  return { promise, resolve };
}

beforeEach(() => getSources.mockReset());

describe('source catalog', () => {
  it('lists sources by name and tells each one’s kind', async () => {
    getSources.mockResolvedValue([view('zbx', 'zabbix'), view('am', 'alertmanager')]);
    await catalog.refresh();
    expect(catalog.views.map((v) => v.definition.name)).toEqual(['am', 'zbx']);
    expect(catalog.kindOf('zbx')).toBe('zabbix');
    expect(catalog.kindOf('am')).toBe('alertmanager');
    expect(catalog.kindOf('demo')).toBeUndefined();
  });

  it('keeps the newer answer when an older one arrives late', async () => {
    const older = deferred();
    const newer = deferred();
    getSources.mockReturnValueOnce(older.promise).mockReturnValueOnce(newer.promise);
    const first = catalog.refresh();
    const second = catalog.refresh();
    newer.resolve([view('new', 'alertmanager')]);
    await second;
    older.resolve([view('old', 'alertmanager')]);
    await first;
    expect(catalog.views.map((v) => v.definition.name)).toEqual(['new']);
  });

  it('keeps the last list and says why a refresh failed', async () => {
    getSources.mockResolvedValueOnce([view('am', 'alertmanager')]).mockRejectedValueOnce(new Error('hub down'));
    await catalog.refresh();
    await catalog.refresh();
    expect(catalog.failure).toBe('hub down');
    expect(catalog.kindOf('am')).toBe('alertmanager');
  });
});
