import { describe, expect, it } from 'vitest';
import type { SourceDefinition, SourceSettings } from '../lib/model';
import { emptyForm, formOf, readForm, secretModes, withKind, SOURCE_KINDS, type SourceForm } from './form';

const define = (settings: SourceSettings, extra: Partial<SourceDefinition> = {}): SourceDefinition => ({
  name: 'src-1',
  enabled: true,
  interval_secs: null,
  timeout_secs: null,
  node: null,
  settings,
  ...extra,
});

const env = { from: 'env', name: 'AM_TOKEN' } as const;

const everyKind: SourceDefinition[] = [
  define({ kind: 'alertmanager', urls: ['http://am-1:9093', 'http://am-2:9093'], auth: null }, { interval_secs: 15, timeout_secs: 5 }),
  define({ kind: 'alertmanager', urls: ['https://am:9093'], auth: { user: 'noc', secret: env } }),
  define({ kind: 'alertmanager', urls: ['https://am:9093'], auth: { user: null, secret: { from: 'keyring', entry: 'noc-console/am' } } }),
  define({
    kind: 'prometheus',
    url: 'http://prom:9090',
    auth: null,
    targets: true,
    discover_topology: true,
    kpis: [
      { name: 'orders', query: 'sum(rate(orders_total[5m]))', unit: '/s' },
      { name: 'up', query: 'count(up == 1)', unit: null },
    ],
  }),
  define(
    { kind: 'zabbix', url: 'https://zbx/api_jsonrpc.php', user: 'Admin', secret: { from: 'env', name: 'ZBX_PASSWORD' }, discover_topology: true },
    { node: 'dc1' },
  ),
  define({ kind: 'zabbix', url: 'https://zbx/api_jsonrpc.php', user: null, secret: { from: 'keyring', entry: 'zbx' }, discover_topology: false }),
  define({
    kind: 'http_probe',
    url: 'https://shop.example/health',
    method: 'HEAD',
    expect_status: [200, 204],
    keyword: 'ok',
    regex: '^\\{.*\\}$',
    json_path: '$.status',
    json_equals: 'UP',
    cert_warn_days: 14,
    auth: null,
  }),
  define({
    kind: 'http_probe',
    url: 'http://intranet/',
    method: null,
    expect_status: [],
    keyword: null,
    regex: null,
    json_path: null,
    json_equals: null,
    cert_warn_days: null,
    auth: { user: null, secret: env },
  }),
  define({ kind: 'tcp_probe', host: 'db-1.example', port: 5432 }, { enabled: false }),
  define({ kind: 'dns_probe', name: 'shop.example', record_type: 'AAAA', resolvers: ['10.0.0.53', '10.0.1.53:5353'], expected: ['2001:db8::1'] }),
  define({ kind: 'dns_probe', name: 'shop.example', record_type: null, resolvers: [], expected: [] }),
  define({ kind: 'icmp_probe', host: '10.1.2.3' }),
  define({ kind: 'blackbox_probe', exporter_url: 'http://probe-dc2:9115', module: 'http_2xx', target: 'https://shop.example' }),
];

function valid(form: SourceForm) {
  const result = readForm(form);
  if (!result.ok) throw new Error(`unexpected problems: ${JSON.stringify(result.problems)}`);
  return result;
}

function problems(form: SourceForm): string[] {
  const result = readForm(form);
  return result.ok ? [] : result.problems.map((p) => `${p.field}:${p.message}`);
}

function filled(kind: SourceForm['kind'], patch: Partial<SourceForm> = {}): SourceForm {
  return { ...emptyForm(kind), name: 'x', ...patch };
}

describe('form and definition', () => {
  it('covers every kind in the round trip', () => {
    expect(new Set(everyKind.map((d) => d.settings.kind))).toEqual(new Set(SOURCE_KINDS));
  });

  it.each(everyKind.map((d) => [d.settings.kind, d] as const))('round-trips a %s definition', (_kind, definition) => {
    const result = valid(formOf(definition));
    expect(result.definition).toEqual(definition);
    expect(result.secret).toBeNull();
  });

  it('trims what was typed and leaves unset numbers and the node empty', () => {
    const result = valid(filled('icmp_probe', { name: '  edge-1 ', host: ' 10.0.0.1 ', node: ' ' }));
    expect(result.definition).toEqual(define({ kind: 'icmp_probe', host: '10.0.0.1' }, { name: 'edge-1' }));
  });

  it('reads status codes, resolvers and answers separated by commas or spaces', () => {
    const http = valid(filled('http_probe', { url: 'http://h/', expectStatus: '200,  301 404' }));
    expect(http.definition.settings).toMatchObject({ expect_status: [200, 301, 404] });
    const dns = valid(filled('dns_probe', { dnsName: 'a.example', resolvers: '1.1.1.1,\n8.8.8.8', expected: '10.0.0.1 10.0.0.2' }));
    expect(dns.definition.settings).toMatchObject({ resolvers: ['1.1.1.1', '8.8.8.8'], expected: ['10.0.0.1', '10.0.0.2'] });
  });

  it('discovers the topology of a new Prometheus or Zabbix unless unticked', () => {
    const prometheus = valid(filled('prometheus', { url: 'http://p/' }));
    expect(prometheus.definition.settings).toMatchObject({ discover_topology: true });
    const zabbix = valid(filled('zabbix', { url: 'https://z/api_jsonrpc.php', secretEnv: 'Z', discoverTopology: false }));
    expect(zabbix.definition.settings).toMatchObject({ discover_topology: false });
  });

  it('keeps common fields when the kind changes and drops a secret choice the kind lacks', () => {
    const form = withKind(filled('alertmanager', { name: 'keep', secretMode: 'env', secretEnv: 'T' }), 'tcp_probe');
    expect(form.name).toBe('keep');
    expect(secretModes(form)).toEqual([]);
    expect(withKind(filled('alertmanager', { secretMode: 'none' }), 'zabbix').secretMode).toBe('env');
  });
});

describe('secrets', () => {
  it('returns a typed secret beside the definition, never inside it', () => {
    const typed = 'hunter2-very-secret';
    const result = valid(filled('zabbix', { name: 'zbx', url: 'https://zbx/api_jsonrpc.php', user: 'Admin', secretMode: 'typed', secretTyped: typed }));
    expect(result.secret).toBe(typed);
    expect(JSON.stringify(result.definition)).not.toContain(typed);
    expect(result.definition.settings).toMatchObject({ kind: 'zabbix', user: 'Admin', secret: { from: 'keyring', entry: 'source/zbx' } });
  });

  it('keeps the typed value exactly, spaces included', () => {
    const result = valid(filled('alertmanager', { urls: ['http://am/'], secretMode: 'typed', secretTyped: ' pass ' }));
    expect(result.secret).toBe(' pass ');
  });

  it('refers to an environment variable by name', () => {
    const result = valid(filled('prometheus', { url: 'http://p/', user: 'u', secretMode: 'env', secretEnv: 'PROM_PASS' }));
    expect(result.definition.settings).toMatchObject({ auth: { user: 'u', secret: { from: 'env', name: 'PROM_PASS' } } });
    expect(result.secret).toBeNull();
  });

  it('offers keeping the stored keyring entry only when the source has one', () => {
    expect(secretModes({ kind: 'zabbix', keyringEntry: '' })).toEqual(['env', 'typed']);
    expect(secretModes({ kind: 'alertmanager', keyringEntry: 'e' })).toEqual(['none', 'keyring', 'env', 'typed']);
    expect(problems(filled('zabbix', { url: 'http://z/', secretMode: 'keyring' }))).toEqual(['secret:sourceForm.error.required']);
  });

  it('asks for what the chosen secret needs', () => {
    expect(problems(filled('zabbix', { url: 'http://z/', secretMode: 'typed' }))).toEqual(['secretTyped:sourceForm.error.required']);
    expect(problems(filled('zabbix', { url: 'http://z/', secretMode: 'typed', secretTyped: '  ' }))).toEqual(['secretTyped:sourceForm.error.required']);
    expect(problems(filled('zabbix', { url: 'http://z/', secretMode: 'env', secretEnv: 'not a name' }))).toEqual([
      'secretEnv:sourceForm.error.envName',
    ]);
    expect(problems(filled('alertmanager', { urls: ['http://am/'], user: 'someone' }))).toEqual(['secret:sourceForm.error.userWithoutSecret']);
  });
});

describe('validation', () => {
  it('names every missing required field of a kind', () => {
    expect(problems({ ...emptyForm('blackbox_probe') })).toEqual([
      'name:sourceForm.error.required',
      'exporterUrl:sourceForm.error.required',
      'module:sourceForm.error.required',
      'target:sourceForm.error.required',
    ]);
    expect(problems(filled('tcp_probe'))).toEqual(['port:sourceForm.error.required', 'host:sourceForm.error.required']);
  });

  it('refuses names that cannot be part of an address', () => {
    expect(problems(filled('icmp_probe', { name: 'core/switch', host: 'h' }))).toEqual(['name:sourceForm.error.name']);
    expect(problems(filled('icmp_probe', { name: '核心', host: 'h' }))).toEqual(['name:sourceForm.error.name']);
    expect(problems(filled('icmp_probe', { name: 'n'.repeat(65), host: 'h' }))).toEqual(['name:sourceForm.error.name']);
  });

  it('refuses addresses that are not http(s) URLs, and the same member twice', () => {
    expect(problems(filled('alertmanager', { urls: ['am:9093', 'ftp://x/', 'http://a/', 'http://a/'] }))).toEqual([
      'urls.0:sourceForm.error.url',
      'urls.1:sourceForm.error.url',
      'urls.3:sourceForm.error.duplicate',
    ]);
    expect(problems(filled('alertmanager', { urls: [] }))).toEqual(['urls.0:sourceForm.error.required']);
  });

  it('checks numbers against their ranges', () => {
    expect(problems(filled('tcp_probe', { host: 'h', port: '70000' }))).toEqual(['port:sourceForm.error.range']);
    expect(problems(filled('icmp_probe', { host: 'h', interval: '1.5', timeout: '0' }))).toEqual([
      'interval:sourceForm.error.range',
      'timeout:sourceForm.error.range',
    ]);
    expect(problems(filled('icmp_probe', { host: 'h', interval: '10', timeout: '30' }))).toEqual(['timeout:sourceForm.error.timeoutAboveInterval']);
    const range = readForm(filled('tcp_probe', { host: 'h', port: '0' }));
    expect(range.ok ? null : range.problems[0]?.params).toEqual({ min: 1, max: 65535 });
  });

  it('checks probe expectations', () => {
    expect(
      problems(filled('http_probe', { url: 'http://h/', expectStatus: '200 abc', regex: '(', jsonEquals: 'UP' })),
    ).toEqual(['expectStatus:sourceForm.error.statusCodes', 'regex:sourceForm.error.regex', 'jsonPath:sourceForm.error.jsonPathMissing']);
    expect(problems(filled('http_probe', { url: 'http://h/', jsonPath: 'status' }))).toEqual(['jsonPath:sourceForm.error.jsonPath']);
  });

  it('needs a name and a query for every KPI, names unique', () => {
    const kpis = [
      { name: 'a', query: 'up', unit: '' },
      { name: '', query: '', unit: '' },
      { name: 'a', query: 'x', unit: '' },
    ];
    expect(problems(filled('prometheus', { url: 'http://p/', kpis }))).toEqual([
      'kpis.1.name:sourceForm.error.required',
      'kpis.1.query:sourceForm.error.required',
      'kpis.2.name:sourceForm.error.duplicate',
    ]);
  });

  it('refuses host names with spaces or slashes', () => {
    expect(problems(filled('icmp_probe', { host: 'a b' }))).toEqual(['host:sourceForm.error.host']);
    expect(problems(filled('dns_probe', { dnsName: 'x.example', resolvers: '1.1.1.1 http://x/' }))).toEqual(['resolvers:sourceForm.error.host']);
  });
});
