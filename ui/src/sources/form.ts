import type { HttpAuth, KpiQuery, SecretRef, SourceDefinition, SourceSettings } from '../lib/model';
import type { MessageKey } from '../lib/i18n/en';

export type SourceKind = SourceSettings['kind'];

export const SOURCE_KINDS: readonly SourceKind[] = [
  'alertmanager',
  'prometheus',
  'zabbix',
  'http_probe',
  'tcp_probe',
  'dns_probe',
  'icmp_probe',
  'blackbox_probe',
];

export const HTTP_METHODS = ['GET', 'HEAD', 'POST'] as const;
export const RECORD_TYPES = ['A', 'AAAA', 'CNAME', 'MX', 'TXT', 'NS'] as const;

/**
 * Where the source's secret comes from. `keyring` keeps the entry a saved source
 * already has; `typed` sends a new value that the hub stores in the keyring.
 */
export type SecretMode = 'none' | 'env' | 'typed' | 'keyring';

export interface KpiRow {
  name: string;
  query: string;
  unit: string;
}

/** What the add/edit form holds: text as typed, for every kind at once. */
export interface SourceForm {
  kind: SourceKind;
  name: string;
  enabled: boolean;
  interval: string;
  timeout: string;
  node: string;
  urls: string[];
  url: string;
  user: string;
  targets: boolean;
  /** Prometheus and Zabbix: send the estate they know as the source's topology. */
  discoverTopology: boolean;
  kpis: KpiRow[];
  method: string;
  expectStatus: string;
  keyword: string;
  regex: string;
  jsonPath: string;
  jsonEquals: string;
  certWarnDays: string;
  host: string;
  port: string;
  dnsName: string;
  recordType: string;
  resolvers: string;
  expected: string;
  exporterUrl: string;
  module: string;
  target: string;
  secretMode: SecretMode;
  secretEnv: string;
  secretTyped: string;
  keyringEntry: string;
}

export function emptyForm(kind: SourceKind = 'alertmanager'): SourceForm {
  return {
    kind,
    name: '',
    enabled: true,
    interval: '',
    timeout: '',
    node: '',
    urls: [''],
    url: '',
    user: '',
    targets: false,
    discoverTopology: true,
    kpis: [],
    method: 'GET',
    expectStatus: '',
    keyword: '',
    regex: '',
    jsonPath: '',
    jsonEquals: '',
    certWarnDays: '',
    host: '',
    port: '',
    dnsName: '',
    recordType: 'A',
    resolvers: '',
    expected: '',
    exporterUrl: '',
    module: '',
    target: '',
    secretMode: defaultSecretMode(kind),
    secretEnv: '',
    secretTyped: '',
    keyringEntry: '',
  };
}

/** Which secret choices a kind offers; an empty list means it takes no secret. */
export function secretModes(form: Pick<SourceForm, 'kind' | 'keyringEntry'>): SecretMode[] {
  const stored: SecretMode[] = form.keyringEntry === '' ? [] : ['keyring'];
  switch (form.kind) {
    case 'zabbix':
      return [...stored, 'env', 'typed'];
    case 'alertmanager':
    case 'prometheus':
    case 'http_probe':
      return ['none', ...stored, 'env', 'typed'];
    default:
      return [];
  }
}

function defaultSecretMode(kind: SourceKind): SecretMode {
  return kind === 'zabbix' ? 'env' : 'none';
}

/** Switching kind keeps what is common and resets the secret choice to one the kind offers. */
export function withKind(form: SourceForm, kind: SourceKind): SourceForm {
  const modes = secretModes({ kind, keyringEntry: form.keyringEntry });
  return { ...form, kind, secretMode: modes.includes(form.secretMode) ? form.secretMode : defaultSecretMode(kind) };
}

const list = (text: string): string[] =>
  text
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter((s) => s !== '');

const text = (value: string | null | undefined): string => value ?? '';
const optional = (value: string): string | null => (value.trim() === '' ? null : value.trim());

/** The form showing a saved definition, for editing. Secrets are references only. */
export function formOf(definition: SourceDefinition): SourceForm {
  const form = emptyForm(definition.settings.kind);
  form.name = definition.name;
  form.enabled = definition.enabled;
  form.interval = definition.interval_secs === null ? '' : String(definition.interval_secs);
  form.timeout = definition.timeout_secs === null ? '' : String(definition.timeout_secs);
  form.node = text(definition.node);
  const s = definition.settings;
  const takeAuth = (auth: HttpAuth | null) => {
    if (auth === null) return;
    form.user = text(auth.user);
    takeSecret(auth.secret);
  };
  const takeSecret = (secret: SecretRef) => {
    if (secret.from === 'env') {
      form.secretMode = 'env';
      form.secretEnv = secret.name;
    } else {
      form.secretMode = 'keyring';
      form.keyringEntry = secret.entry;
    }
  };
  switch (s.kind) {
    case 'alertmanager':
      form.urls = s.urls.length === 0 ? [''] : [...s.urls];
      takeAuth(s.auth);
      break;
    case 'prometheus':
      form.url = s.url;
      form.targets = s.targets;
      form.discoverTopology = s.discover_topology;
      form.kpis = s.kpis.map((k) => ({ name: k.name, query: k.query, unit: text(k.unit) }));
      takeAuth(s.auth);
      break;
    case 'zabbix':
      form.url = s.url;
      form.user = text(s.user);
      form.discoverTopology = s.discover_topology;
      takeSecret(s.secret);
      break;
    case 'http_probe':
      form.url = s.url;
      form.method = s.method ?? 'GET';
      form.expectStatus = s.expect_status.join(', ');
      form.keyword = text(s.keyword);
      form.regex = text(s.regex);
      form.jsonPath = text(s.json_path);
      form.jsonEquals = text(s.json_equals);
      form.certWarnDays = s.cert_warn_days === null ? '' : String(s.cert_warn_days);
      takeAuth(s.auth);
      break;
    case 'tcp_probe':
      form.host = s.host;
      form.port = String(s.port);
      break;
    case 'dns_probe':
      form.dnsName = s.name;
      form.recordType = s.record_type ?? 'A';
      form.resolvers = s.resolvers.join(', ');
      form.expected = s.expected.join(', ');
      break;
    case 'icmp_probe':
      form.host = s.host;
      break;
    case 'blackbox_probe':
      form.exporterUrl = s.exporter_url;
      form.module = s.module;
      form.target = s.target;
      break;
  }
  return form;
}

/** One thing wrong with the form: the field's id and the message saying what. */
export interface Problem {
  field: string;
  message: MessageKey;
  params?: Record<string, string | number>;
}

export type ReadResult =
  | { ok: true; definition: SourceDefinition; secret: string | null }
  | { ok: false; problems: Problem[] };

const NAME = /^[A-Za-z0-9._-]+$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const HOST = /^[A-Za-z0-9._:[\]-]+$/;

/**
 * Checks the form and turns it into the definition the hub takes. A typed secret is
 * returned beside the definition, never inside it: the hub keeps it in the keyring.
 */
export function readForm(form: SourceForm): ReadResult {
  const problems: Problem[] = [];
  const fail = (field: string, message: MessageKey, params?: Record<string, string | number>) => {
    problems.push(params === undefined ? { field, message } : { field, message, params });
  };

  const url = (field: string, value: string): string => {
    const v = value.trim();
    if (v === '') fail(field, 'sourceForm.error.required');
    else if (!isHttpUrl(v)) fail(field, 'sourceForm.error.url');
    return v;
  };
  const required = (field: string, value: string): string => {
    const v = value.trim();
    if (v === '') fail(field, 'sourceForm.error.required');
    return v;
  };
  const host = (field: string, value: string): string => {
    const v = required(field, value);
    if (v !== '' && !HOST.test(v)) fail(field, 'sourceForm.error.host');
    return v;
  };
  const whole = (field: string, value: string, min: number, max: number): number | null => {
    const v = value.trim();
    if (v === '') return null;
    const n = Number(v);
    if (!/^\d+$/.test(v) || n < min || n > max) {
      fail(field, 'sourceForm.error.range', { min, max });
      return null;
    }
    return n;
  };

  const name = form.name.trim();
  if (name === '') fail('name', 'sourceForm.error.required');
  else if (!NAME.test(name) || name.length > 64) fail('name', 'sourceForm.error.name');
  const interval_secs = whole('interval', form.interval, 1, 86_400);
  const timeout_secs = whole('timeout', form.timeout, 1, 600);
  if (interval_secs !== null && timeout_secs !== null && timeout_secs > interval_secs) {
    fail('timeout', 'sourceForm.error.timeoutAboveInterval');
  }

  let secretRef: SecretRef | null = null;
  let secret: string | null = null;
  const modes = secretModes(form);
  if (modes.length > 0) {
    if (!modes.includes(form.secretMode)) fail('secret', 'sourceForm.error.required');
    else if (form.secretMode === 'env') {
      const envName = form.secretEnv.trim();
      if (envName === '') fail('secretEnv', 'sourceForm.error.required');
      else if (!ENV_NAME.test(envName)) fail('secretEnv', 'sourceForm.error.envName');
      secretRef = { from: 'env', name: envName };
    } else if (form.secretMode === 'keyring') {
      secretRef = { from: 'keyring', entry: form.keyringEntry };
    } else if (form.secretMode === 'typed') {
      if (form.secretTyped.trim() === '') fail('secretTyped', 'sourceForm.error.required');
      secret = form.secretTyped;
      // The entry the hub keeps a typed secret under; it sets this reference itself too.
      secretRef = { from: 'keyring', entry: `source/${name}` };
    }
  }
  const user = optional(form.user);
  const auth: HttpAuth | null = secretRef === null ? null : { user, secret: secretRef };
  if (secretRef === null && user !== null && form.kind !== 'zabbix') fail('secret', 'sourceForm.error.userWithoutSecret');

  let settings: SourceSettings;
  switch (form.kind) {
    case 'alertmanager': {
      const urls = form.urls.map((u, i) => url(`urls.${i}`, u));
      if (urls.length === 0) fail('urls.0', 'sourceForm.error.required');
      const seen = new Set<string>();
      urls.forEach((u, i) => {
        if (u !== '' && seen.has(u)) fail(`urls.${i}`, 'sourceForm.error.duplicate');
        seen.add(u);
      });
      settings = { kind: 'alertmanager', urls, auth };
      break;
    }
    case 'prometheus': {
      const kpis: KpiQuery[] = form.kpis.map((k, i) => ({
        name: required(`kpis.${i}.name`, k.name),
        query: required(`kpis.${i}.query`, k.query),
        unit: optional(k.unit),
      }));
      const names = new Set<string>();
      kpis.forEach((k, i) => {
        if (k.name !== '' && names.has(k.name)) fail(`kpis.${i}.name`, 'sourceForm.error.duplicate');
        names.add(k.name);
      });
      settings = {
        kind: 'prometheus',
        url: url('url', form.url),
        auth,
        targets: form.targets,
        kpis,
        discover_topology: form.discoverTopology,
      };
      break;
    }
    case 'zabbix':
      settings = {
        kind: 'zabbix',
        url: url('url', form.url),
        user,
        secret: secretRef ?? { from: 'env', name: '' },
        discover_topology: form.discoverTopology,
      };
      break;
    case 'http_probe': {
      const codes = list(form.expectStatus);
      const expect_status: number[] = [];
      for (const code of codes) {
        const n = Number(code);
        if (!/^\d{3}$/.test(code) || n < 100 || n > 599) {
          fail('expectStatus', 'sourceForm.error.statusCodes');
          break;
        }
        expect_status.push(n);
      }
      const regex = optional(form.regex);
      if (regex !== null && !isRegex(regex)) fail('regex', 'sourceForm.error.regex');
      const json_path = optional(form.jsonPath);
      const json_equals = optional(form.jsonEquals);
      if (json_path !== null && !json_path.startsWith('$')) fail('jsonPath', 'sourceForm.error.jsonPath');
      if (json_path === null && json_equals !== null) fail('jsonPath', 'sourceForm.error.jsonPathMissing');
      const method = form.method.trim().toUpperCase();
      settings = {
        kind: 'http_probe',
        url: url('url', form.url),
        method: method === '' || method === 'GET' ? null : method,
        expect_status,
        keyword: optional(form.keyword),
        regex,
        json_path,
        json_equals,
        cert_warn_days: whole('certWarnDays', form.certWarnDays, 1, 365),
        auth,
      };
      break;
    }
    case 'tcp_probe': {
      const port = whole('port', form.port, 1, 65_535);
      if (form.port.trim() === '') fail('port', 'sourceForm.error.required');
      settings = { kind: 'tcp_probe', host: host('host', form.host), port: port ?? 0 };
      break;
    }
    case 'dns_probe': {
      const dnsName = required('dnsName', form.dnsName);
      if (dnsName !== '' && !/^[A-Za-z0-9._-]+$/.test(dnsName)) fail('dnsName', 'sourceForm.error.host');
      const resolvers = list(form.resolvers);
      if (resolvers.some((r) => !HOST.test(r))) fail('resolvers', 'sourceForm.error.host');
      const recordType = form.recordType.trim().toUpperCase();
      settings = {
        kind: 'dns_probe',
        name: dnsName,
        record_type: recordType === '' || recordType === 'A' ? null : recordType,
        resolvers,
        expected: list(form.expected),
      };
      break;
    }
    case 'icmp_probe':
      settings = { kind: 'icmp_probe', host: host('host', form.host) };
      break;
    case 'blackbox_probe':
      settings = {
        kind: 'blackbox_probe',
        exporter_url: url('exporterUrl', form.exporterUrl),
        module: required('module', form.module),
        target: required('target', form.target),
      };
      break;
  }

  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    definition: { name, enabled: form.enabled, interval_secs, timeout_secs, node: optional(form.node), settings },
    secret,
  };
}

function isHttpUrl(value: string): boolean {
  try {
    const u = new URL(value);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname !== '';
  } catch {
    return false;
  }
}

export function isRegex(value: string): boolean {
  try {
    new RegExp(value);
    return true;
  } catch {
    return false;
  }
}
