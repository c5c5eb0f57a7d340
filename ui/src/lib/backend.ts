import type { NoticeDelivery, NoticeDraft, NoticeKind, NoticeLanguage, NoticeTexts } from './model';
import type {
  Action,
  Batch,
  DutyPolicy,
  IncidentImpact,
  Layer,
  MaintenanceWindow,
  NodeImpact,
  NodePosition,
  Severity,
  CheckReport,
  Event,
  Incident,
  Matcher,
  ProbeResult,
  Silence,
  Snapshot,
  SourceDefinition,
  SourceHealth,
  SourceOrigin,
  Topology,
  TopologyChange,
  TopologyView,
  Role,
  DutyOverride,
  Handover,
  HandoverSummary,
  PatrolResult,
  Roster,
  ShiftLogEntry,
  ShiftSlot,
  SwapSide,
} from './model';
import type { DrillState, RecordingInfo, Scorecard } from './model';
import { API_BASE, apiAddress } from '../drills/place';

/** `GET /api/info`. */
export interface HubInfo {
  version: string;
  demo: boolean;
  started_at: number;
  stream_clients?: number;
  /** Why the hub cannot write its event log right now; absent or null when it can. */
  store_error?: string | null;
}

export type StreamMessage =
  | { type: 'snapshot'; snapshot: Snapshot }
  | { type: 'batch'; batch: Batch }
  | { type: 'heartbeat'; seq: number; at: number; store_error?: string | null }
  | { type: 'presence'; operators: OperatorPresence[] };

/** Where this window is, as it tells the hub (`screen` is a page, or `wall`). */
export interface Whereabouts {
  screen: string;
  incident: number | null;
}

/** One operator following the hub, merged over their windows (the hub's presence list). */
export interface OperatorPresence extends Whereabouts {
  name: string;
  role: Role;
  /** Since when their most recently active window has been on this screen and incident (unix ms). */
  since: number;
  connections: number;
  /** A registered wall screen rather than a person. */
  wall: boolean;
}

/** An answer of the hub that is not a success, with its stable machine code. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Who got there first, when the refusal is a collision with another operator's action. */
    readonly by: string | null = null,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

const TOKEN_KEY = 'noc.token';
const OPERATOR_KEY = 'noc.operator';

/**
 * Splits `?token=` off a page address: the token is kept for the session, and the
 * address without it is what stays visible (and in history, and on screenshots).
 */
export function takeTokenFromUrl(href: string): { token: string | null; cleanUrl: string } {
  const url = new URL(href);
  const token = url.searchParams.get('token');
  url.searchParams.delete('token');
  return { token: token === '' ? null : token, cleanUrl: url.pathname + url.search + url.hash };
}

/** Called once at start-up, before any request. */
export function adoptTokenFromAddress(): void {
  const { token, cleanUrl } = takeTokenFromUrl(window.location.href);
  if (token === null) return;
  sessionStorage.setItem(TOKEN_KEY, token);
  history.replaceState(history.state, '', cleanUrl);
}

/** The tab's own token (a launch link, a sign-in) wins over one kept on the workstation. */
function token(): string | null {
  return sessionStorage.getItem(TOKEN_KEY) ?? localStorage.getItem(TOKEN_KEY);
}

export function operatorName(): string {
  return localStorage.getItem(OPERATOR_KEY) ?? '';
}

export function setOperatorName(name: string): void {
  const trimmed = name.trim();
  if (trimmed === '') localStorage.removeItem(OPERATOR_KEY);
  else localStorage.setItem(OPERATOR_KEY, trimmed);
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

async function call<T>(method: Method, path: string, body?: unknown): Promise<T> {
  return (await request(method, path, body)).json() as Promise<T>;
}

/** For answers without a body (`204 No Content`). */
async function callForNothing(method: Method, path: string, body?: unknown): Promise<void> {
  await request(method, path, body);
}

/** A body sent as it is (a file being imported) rather than as JSON. */
class RawBody {
  constructor(
    readonly content: Blob | string,
    readonly type: string,
  ) {}
}

async function request(method: Method, path: string, body?: unknown): Promise<Response> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  const bearer = token();
  if (bearer !== null) headers['Authorization'] = `Bearer ${bearer}`;
  const operator = operatorName();
  // Header values must be ISO-8859-1; a Chinese name is sent percent-encoded.
  if (operator !== '') headers['X-Noc-Operator'] = encodeHeaderValue(operator);
  let sent: BodyInit | undefined;
  if (body instanceof RawBody) {
    headers['Content-Type'] = body.type;
    sent = body.content;
  } else if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    sent = JSON.stringify(body);
  }
  const response = await fetch(apiAddress(API_BASE, path), { method, headers, body: sent });
  if (!response.ok) {
    const error = await errorOf(response);
    if (response.status === 401 && bearer !== null) sessionLost(error);
    throw error;
  }
  return response;
}

export function encodeHeaderValue(value: string): string {
  return /^[\x20-\x7e]*$/.test(value) ? value : encodeURIComponent(value);
}

async function errorOf(response: Response): Promise<ApiError> {
  try {
    const body = (await response.json()) as { code?: unknown; message?: unknown; by?: unknown };
    return new ApiError(
      response.status,
      typeof body.code === 'string' ? body.code : 'http_error',
      typeof body.message === 'string' ? body.message : response.statusText,
      typeof body.by === 'string' ? body.by : null,
    );
  } catch {
    return new ApiError(response.status, 'http_error', response.statusText);
  }
}

export const getInfo = (): Promise<HubInfo> => call('GET', '/api/info');

// The topology: the estate's nodes and relations, their import and export, operator
// edits, placement on the two views, and impact.

/** The moment to see the topology as it was: after the event `seq`, or at unix ms `at`. */
export interface TopologyMoment {
  seq?: number;
  at?: number;
}

export type TopologyFormat = 'yaml' | 'json' | 'csv';

/** What an import changed, and the event that recorded it. */
export interface ImportResult {
  nodes: number;
  relations: number;
  seq: number;
}

/** The event that recorded an edit, a placement or a re-layout. */
export interface Recorded {
  seq: number;
}

const FORMAT_TYPES: Record<TopologyFormat, string> = {
  yaml: 'application/yaml',
  json: 'application/json',
  csv: 'text/csv',
};

/** Now, unless a moment is given (a seq wins over a time, being exact). */
export function topologyPath(moment: TopologyMoment = {}): string {
  if (moment.seq !== undefined) return `/api/topology?at_seq=${Math.floor(moment.seq)}`;
  if (moment.at !== undefined) return `/api/topology?at=${Math.floor(moment.at)}`;
  return '/api/topology';
}

export const getTopology = (moment?: TopologyMoment): Promise<Topology> => call('GET', topologyPath(moment));

/**
 * Sends a topology file as it is; the hub replaces what an earlier import of the same
 * `name` contributed. A bad file is refused (422 `invalid_topology`) naming its line.
 */
export const importTopology = (name: string, format: TopologyFormat, body: Blob | string): Promise<ImportResult> =>
  call(
    'POST',
    `/api/topology/import?name=${encodeURIComponent(name)}&format=${format}`,
    new RawBody(body, FORMAT_TYPES[format]),
  );

export const exportTopology = async (format: TopologyFormat): Promise<Blob> =>
  (await request('GET', `/api/topology/export?format=${format}`)).blob();

export const editTopology = (change: TopologyChange): Promise<Recorded> => call('POST', '/api/topology/edit', change);

export const placeNodes = (view: TopologyView, positions: NodePosition[]): Promise<Recorded> =>
  call('PUT', '/api/topology/positions', { view, positions });

/** Lays out every node of `view` again. */
export const relayout = (view: TopologyView): Promise<Recorded> => call('POST', '/api/topology/layout', { view });

export const nodeImpact = (id: string): Promise<NodeImpact> =>
  call('GET', `/api/topology/nodes/${encodeURIComponent(id)}/impact`);

export const incidentImpact = (incident: number): Promise<IncidentImpact> =>
  call('GET', `/api/incidents/${incident}/impact`);

export const getTimeline = (incident: number): Promise<Event[]> =>
  call('GET', `/api/incidents/${incident}/timeline`);

export const acknowledge = (incident: number): Promise<Incident> =>
  call('POST', `/api/incidents/${incident}/acknowledge`);

export const addComment = (incident: number, text: string): Promise<Incident> =>
  call('POST', `/api/incidents/${incident}/comments`, { text });

// Sources, silences and acknowledgement at the source.

/** `GET /api/sources`: a source's definition (secrets as references only), where it is defined, how it is doing. */
export interface SourceView {
  definition: SourceDefinition;
  origin: SourceOrigin;
  health: SourceHealth | null;
}

export interface SilenceRequest {
  matchers: Matcher[];
  duration_minutes: number;
  comment: string;
  /** The alarm being silenced, so that its incident's timeline records the silence. */
  alarm?: number;
}

/** A typed-in secret travels beside the definition, and only when there is one. */
function sourceRequest(definition: SourceDefinition, secret: string | null): { definition: SourceDefinition; secret?: string } {
  return secret === null ? { definition } : { definition, secret };
}

const sourcePath = (name: string) => `/api/sources/${encodeURIComponent(name)}`;

export const getSources = (): Promise<SourceView[]> => call('GET', '/api/sources');

export const createSource = (definition: SourceDefinition, secret: string | null): Promise<SourceView> =>
  call('POST', '/api/sources', sourceRequest(definition, secret));

export const updateSource = (definition: SourceDefinition, secret: string | null): Promise<SourceView> =>
  call('PUT', sourcePath(definition.name), sourceRequest(definition, secret));

export const deleteSource = (name: string): Promise<void> => callForNothing('DELETE', sourcePath(name));

/** One real attempt with what the form holds, before saving. */
export const testSource = (definition: SourceDefinition, secret: string | null): Promise<CheckReport> =>
  call('POST', '/api/sources/test', sourceRequest(definition, secret));

export const testSavedSource = (name: string): Promise<CheckReport> => call('POST', `${sourcePath(name)}/test`);

export const createSilence = (source: string, request: SilenceRequest): Promise<Silence> =>
  call('POST', `${sourcePath(source)}/silences`, request);

/** Every silence the Alertmanager holds, expired ones included, in its own order. */
export const listSilences = (source: string): Promise<Silence[]> => call('GET', `${sourcePath(source)}/silences`);

export const expireSilence = (source: string, id: string): Promise<void> =>
  callForNothing('DELETE', `${sourcePath(source)}/silences/${encodeURIComponent(id)}`);

export const acknowledgeAtSource = (alarm: number, message: string): Promise<void> =>
  callForNothing('POST', `/api/alarms/${alarm}/acknowledge-at-source`, { message });

/** The stream's address on the page's own origin, `ws:` or `wss:` to match it. */
export function streamUrl(
  page: { protocol: string; host: string },
  after: number | null,
  bearer: string | null,
  operator = '',
  base = API_BASE,
): string {
  const params = new URLSearchParams();
  if (after !== null) params.set('after', String(after));
  if (bearer !== null) params.set('token', bearer);
  // A WebSocket cannot carry the operator header: the name the launch token's screen goes by.
  if (operator !== '') params.set('operator', operator);
  const scheme = page.protocol === 'https:' ? 'wss:' : 'ws:';
  const query = params.toString();
  return `${scheme}//${page.host}${base}/api/stream${query === '' ? '' : `?${query}`}`;
}

export interface StreamHandlers {
  onOpen(): void;
  onMessage(message: StreamMessage): void;
  onClose(): void;
}

/** The open event stream: what the console tells the hub goes the same way. */
export interface Stream {
  close(): void;
  /** Tells the hub where this window is; dropped while the socket is not open. */
  send(whereabouts: Whereabouts): void;
}

/** Follows the event stream from `after` (or from a fresh snapshot when `null`). */
export function openStream(after: number | null, handlers: StreamHandlers): Stream {
  const socket = new WebSocket(streamUrl(window.location, after, token(), operatorName()));
  let closed = false;
  const finish = () => {
    if (closed) return;
    closed = true;
    handlers.onClose();
  };
  socket.onopen = () => handlers.onOpen();
  socket.onmessage = (e: MessageEvent) => {
    if (closed || typeof e.data !== 'string') return;
    handlers.onMessage(JSON.parse(e.data) as StreamMessage);
  };
  socket.onclose = finish;
  socket.onerror = finish;
  return {
    close() {
      closed = true;
      socket.close();
    },
    send(whereabouts) {
      if (closed || socket.readyState !== WebSocket.OPEN) return;
      socket.send(JSON.stringify({ type: 'presence', ...whereabouts }));
    },
  };
}

// Probe list and history: shapes of the hub's API answers written here by hand, as
// they are API views rather than model types (those are generated into model.ts).

/** Results and successes in a window. */
export interface Uptime {
  count: number;
  ok: number;
}

export interface FailureNote {
  vantage: string;
  at: number;
  /** Untrusted text from the probe. */
  detail: string;
}

/** `GET /api/probes`: one probe source with its newest results and uptimes. */
export interface ProbeView {
  name: string;
  kind: string;
  target: string;
  enabled: boolean;
  interval_secs: number | null;
  health: SourceHealth | null;
  /** The newest result of each vantage, ordered by vantage. */
  latest: ProbeResult[];
  last_failure: FailureNote | null;
  uptime_24h: Uptime;
  uptime_7d: Uptime;
  uptime_30d: Uptime;
}

export interface HistoryPoint {
  vantage: string;
  at: number;
  count: number;
  ok: number;
  avg_ms: number | null;
  min_ms: number | null;
  max_ms: number | null;
  dns_ms: number | null;
  connect_ms: number | null;
  tls_ms: number | null;
  first_byte_ms: number | null;
  failure: string | null;
}

/** `GET /api/probes/{name}/history`. */
export interface ProbeHistory {
  resolution: 'raw' | 'minute' | 'hour' | 'day';
  bucket_ms: number;
  points: HistoryPoint[];
}

export const getProbes = (): Promise<ProbeView[]> => call('GET', '/api/probes');

export const getProbeHistory = (name: string, from: number, to: number): Promise<ProbeHistory> =>
  call('GET', `/api/probes/${encodeURIComponent(name)}/history?from=${Math.floor(from)}&to=${Math.ceil(to)}`);

// The duty loop: milestones, escalation, merge/split, the unseen queue, maintenance,
// the duty policy, source capabilities and notification channels.

export const acknowledgeWithWriteBack = (incident: number, writeBack: boolean): Promise<Incident> =>
  call('POST', `/api/incidents/${incident}/acknowledge`, { write_back: writeBack });

export const identify = (
  incident: number,
  cause: string,
  layer: Layer | null,
  rootNode: string | null,
): Promise<Incident> =>
  call('POST', `/api/incidents/${incident}/identify`, { cause, layer, root_node: rootNode });

export const mitigate = (incident: number, note: string): Promise<Incident> =>
  call('POST', `/api/incidents/${incident}/mitigate`, { note });

export const resolveIncident = (incident: number): Promise<Incident> =>
  call('POST', `/api/incidents/${incident}/resolve`, {});

export const review = (incident: number, summary: string): Promise<Incident> =>
  call('POST', `/api/incidents/${incident}/review`, { summary });

export const escalate = (incident: number, reason: string): Promise<Incident> =>
  call('POST', `/api/incidents/${incident}/escalate`, { reason });

/** Moves the alarms of `from` into `incident`; answers the incident that remains. */
export const mergeIncidents = (incident: number, from: number[]): Promise<Incident> =>
  call('POST', `/api/incidents/${incident}/merge`, { from });

/** Moves `alarms` out of `incident`; answers the new incident. */
export const splitIncident = (incident: number, alarms: number[]): Promise<Incident> =>
  call('POST', `/api/incidents/${incident}/split`, { alarms });

export type BulkAction = 'acknowledge' | 'resolve' | 'escalate' | 'comment';

export interface BulkResult {
  incident: number;
  ok: boolean;
  error: { code: string; message: string; by?: string } | null;
}

/** One action on many incidents; each gets its own result (one refusal stops nothing). */
export const bulkAction = (action: BulkAction, incidents: number[], text?: string): Promise<{ results: BulkResult[] }> =>
  call('POST', '/api/incidents/bulk', { action, incidents, text: text ?? null });

export const markSeen = (alarms: number[]): Promise<{ seen: number }> =>
  call('POST', '/api/alarms/seen', { alarms });

export const listMaintenance = (): Promise<MaintenanceWindow[]> => call('GET', '/api/maintenance');

/** `created_by` is filled in by the hub from the operator. */
export const scheduleMaintenance = (window: Omit<MaintenanceWindow, 'created_by'>): Promise<MaintenanceWindow> =>
  call('POST', '/api/maintenance', window);

export const cancelMaintenance = (id: string): Promise<void> =>
  callForNothing('DELETE', `/api/maintenance/${encodeURIComponent(id)}`);

export const getPolicy = (): Promise<DutyPolicy> => call('GET', '/api/policy');

/** What the console can do in each kind of source system. */
export interface SourceCapability {
  kind: string;
  /** Acknowledging an incident writes back to the source: `native` (e.g. Zabbix), `silence` (Alertmanager), `none`. */
  acknowledge: 'native' | 'silence' | 'none';
  /** The source reads back what was written, so the console can show it confirmed. */
  confirms: boolean;
  silence: boolean;
  /** A short explanation in English for the table's tooltip. */
  detail: string;
}

export const getCapabilities = (): Promise<SourceCapability[]> => call('GET', '/api/capabilities');

export interface ChannelView {
  name: string;
  kind: 'wecom' | 'dingtalk' | 'feishu' | 'slack' | 'webhook';
  min_severity: Severity;
  /** `opened`, `escalated`, `overdue`. */
  triggers: string[];
  rate_per_minute: number;
  /** The latest delivery, if any since the hub started. */
  last: { at: number; ok: boolean; detail: string } | null;
}

export const listChannels = (): Promise<ChannelView[]> => call('GET', '/api/notify/channels');

export const testChannel = (name: string): Promise<{ ok: boolean; detail: string }> =>
  call('POST', `/api/notify/channels/${encodeURIComponent(name)}/test`, {});

// Accounts: signing in and out, the caller's session, operator accounts, wall screens
// and the audit trail. Shapes of API views, written by hand like the ones above.

/** An operator as a sign-in answers it. */
export interface SignedInOperator {
  name: string;
  display_name: string;
  role: Role;
}

/** `POST /api/login`. */
export interface LoginAnswer {
  token: string;
  expires_at: number;
  operator: SignedInOperator;
  actions: Action[];
}

/** How the caller proved who they are. */
export interface CallerCredential {
  kind: 'launch_token' | 'session' | 'device';
  device?: string;
}

/** `GET /api/session`: who the caller is and what their role lets them do. */
export interface SessionView {
  name: string;
  display_name: string;
  role: Role;
  actions: Action[];
  credential: CallerCredential;
  /** Unix ms; null for a credential that does not expire (the launch token). */
  expires_at: number | null;
}

/** `GET /api/operators`, as the admin screen manages them. */
export interface AccountView {
  name: string;
  display_name: string;
  role: Role;
  disabled: boolean;
  created_at: number;
  last_login_at: number | null;
}

export interface NewOperator {
  name: string;
  display_name?: string;
  role: Role;
  password: string;
}

export interface OperatorChange {
  display_name?: string;
  role?: Role;
  password?: string;
  disabled?: boolean;
}

/** A wall screen registered to follow the hub with its own device token. */
export interface WallDevice {
  id: number;
  name: string;
  created_at: number;
  last_seen_at: number | null;
  revoked: boolean;
}

/** `POST /api/devices`: the device token is in `url` and `token` this once only. */
export interface DeviceRegistration {
  device: WallDevice;
  token: string;
  url: string;
}

export interface AuditEntry {
  id: number;
  at: number;
  /** For a refused sign-in, the name that was tried. */
  actor: string;
  /** Absent when no credential was accepted. */
  role: Role | null;
  credential: 'launch_token' | 'session' | 'device' | null;
  address: string | null;
  method: string;
  path: string;
  status: number;
}

export interface AuditQuery {
  before?: number;
  limit?: number;
  actor?: string;
}

/** Where the sign-in token is kept: for this tab only, or on this workstation. */
export type TokenKeeping = 'tab' | 'workstation';

export function keepToken(value: string, keeping: TokenKeeping): void {
  forgetToken();
  (keeping === 'workstation' ? localStorage : sessionStorage).setItem(TOKEN_KEY, value);
}

export function forgetToken(): void {
  sessionStorage.removeItem(TOKEN_KEY);
  localStorage.removeItem(TOKEN_KEY);
}

export function hasToken(): boolean {
  return token() !== null;
}

let onSessionLost: ((error: ApiError) => void) | null = null;

/** Told when the hub stops accepting the token the console sends (expired, signed out elsewhere). */
export function watchSessionLoss(listener: ((error: ApiError) => void) | null): void {
  onSessionLost = listener;
}

function sessionLost(error: ApiError): void {
  onSessionLost?.(error);
}

/**
 * Sent without the stored token, so a wrong password never reads as the session
 * being lost; the password goes in the body and is kept nowhere.
 */
export async function login(name: string, password: string): Promise<LoginAnswer> {
  const response = await fetch('/api/login', {
    method: 'POST',
    headers: { Accept: 'application/json', 'Content-Type': 'application/json' },
    body: JSON.stringify({ name, password }),
  });
  if (!response.ok) throw await loginRefusal(response);
  return (await response.json()) as LoginAnswer;
}

/** A refusal of a sign-in; `retryAfter` (seconds) when there were too many attempts. */
export class LoginRefusal extends ApiError {
  constructor(
    status: number,
    code: string,
    message: string,
    readonly retryAfter: number | null,
  ) {
    super(status, code, message);
    this.name = 'LoginRefusal';
  }
}

async function loginRefusal(response: Response): Promise<LoginRefusal> {
  const error = await errorOf(response);
  const header = Number(response.headers.get('Retry-After'));
  const retryAfter = Number.isFinite(header) && header > 0 ? Math.ceil(header) : null;
  return new LoginRefusal(error.status, error.code, error.message, retryAfter);
}

export const logout = (): Promise<void> => callForNothing('POST', '/api/logout');

export const getSession = (): Promise<SessionView> => call('GET', '/api/session');

export const changeOwnPassword = (current: string, next: string): Promise<void> =>
  callForNothing('PUT', '/api/session/password', { current, new: next });

const operatorPath = (name: string) => `/api/operators/${encodeURIComponent(name)}`;

export const listAccounts = (): Promise<AccountView[]> => call('GET', '/api/operators');

export const createOperator = (account: NewOperator): Promise<AccountView> =>
  call('POST', '/api/operators', account);

export const changeOperator = (name: string, change: OperatorChange): Promise<AccountView> =>
  call('PATCH', operatorPath(name), change);

export const removeOperator = (name: string): Promise<void> => callForNothing('DELETE', operatorPath(name));

export const listDevices = (): Promise<WallDevice[]> => call('GET', '/api/devices');

export const registerDevice = (name: string): Promise<DeviceRegistration> => call('POST', '/api/devices', { name });

export const revokeDevice = (id: number): Promise<void> => callForNothing('DELETE', `/api/devices/${id}`);

export function auditPath(query: AuditQuery): string {
  const params = new URLSearchParams();
  if (query.before !== undefined) params.set('before', String(query.before));
  if (query.limit !== undefined) params.set('limit', String(query.limit));
  if (query.actor !== undefined && query.actor.trim() !== '') params.set('actor', query.actor.trim());
  const text = params.toString();
  return text === '' ? '/api/audit' : `/api/audit?${text}`;
}

export const getAudit = (query: AuditQuery = {}): Promise<AuditEntry[]> => call('GET', auditPath(query));

// Duty: the roster, overrides and swaps, the handover, the shift log and the patrol.

/** `GET /api/duty`: who is on duty now and next, and the current slot's record. */
export interface DutyView {
  now: ShiftSlot | null;
  next: ShiftSlot | null;
  /** The next 14 slots, the current one first. */
  upcoming: ShiftSlot[];
  roster: Roster | null;
  overrides: DutyOverride[];
  /** The latest handover of the current or the previous slot. */
  handover: Handover | null;
  patrol: PatrolResult[];
  log: ShiftLogEntry[];
}

export const getDuty = (): Promise<DutyView> => call('GET', '/api/duty');

/** A roster with gaps or overlaps is refused (422 `invalid_roster`) with the reason. */
export const defineRoster = (roster: Roster): Promise<Recorded> => call('PUT', '/api/duty/roster', roster);

export const overrideDuty = (override: DutyOverride): Promise<Recorded> => call('POST', '/api/duty/overrides', override);

export const swapShifts = (first: SwapSide, second: SwapSide): Promise<Recorded> =>
  call('POST', '/api/duty/swaps', { first, second });

/** What the current slot hands over, worked out now (409 `no_roster` without a roster). */
export const handoverDraft = (): Promise<HandoverSummary> => call('GET', '/api/duty/handover/draft');

export const signHandover = (notes: string): Promise<Handover> => call('POST', '/api/duty/handover', { notes });

export const acceptHandover = (shift: string, remarks: string): Promise<Handover> =>
  call('POST', '/api/duty/handover/accept', { shift, remarks });

export const listHandovers = (limit: number): Promise<Handover[]> =>
  call('GET', `/api/duty/handovers?limit=${Math.floor(limit)}`);

export const writeShiftLog = (text: string): Promise<ShiftLogEntry> => call('POST', '/api/duty/log', { text });

export const recordPatrol = (item: string, ok: boolean, note: string): Promise<PatrolResult> =>
  call('POST', '/api/duty/patrol', { item, ok, note });

// Duty statistics (the wall's KPIs): declared in ui/src/wall/dutyStats.ts, generated
// from crates/noc-report.

/** `GET /api/stats`: the numbers for `since..=until` (unix ms; `until` defaults to the hub's now). */
export const getStats = (since: number, until?: number): Promise<import('../wall/dutyStats').DutyStats> =>
  call('GET', `/api/stats?since=${Math.floor(since)}${until === undefined ? '' : `&until=${Math.floor(until)}`}`);

// Incident status notices (通报): the hub drafts, renders and sends them.

/** `POST …/notices/draft`: without a kind, the hub picks it from the incident's state. */
export interface NoticeDraftRequest {
  kind?: NoticeKind;
  /** The offset the notice's times are written in: this workstation's. */
  utc_offset_minutes: number;
}

export interface NoticeReceipt {
  seq: number;
  deliveries: NoticeDelivery[];
}

export const draftNotice = (incident: number, request: NoticeDraftRequest): Promise<NoticeDraft> =>
  call('POST', `/api/incidents/${incident}/notices/draft`, request);

export const previewNotice = (draft: NoticeDraft): Promise<NoticeTexts> =>
  call('POST', `/api/incidents/${draft.incident}/notices/preview`, draft);

export const sendNotice = (draft: NoticeDraft, languages: NoticeLanguage[], channels: string[]): Promise<NoticeReceipt> =>
  call('POST', `/api/incidents/${draft.incident}/notices`, { draft, languages, channels });

// Offline review (复盘): the hub's recordings folder, a recording's timeline and the
// board as it was at one moment of it.

/** A file in the recordings folder that does not open, with why. */
export interface DamagedRecording {
  file: string;
  error: string;
}

/** `GET /api/recordings`. */
export interface RecordingLibrary {
  recordings: import('./model').RecordingInfo[];
  damaged: DamagedRecording[];
}

/** `GET /api/recordings/{id}`: what the player draws along its track. */
export interface ReviewTimeline {
  info: import('./model').RecordingInfo;
  /** Events per equal slice of `[from_at, to_at]`. */
  density: number[];
  /** The operators' own actions, oldest first. */
  actions: Event[];
  annotations: import('./model').Annotation[];
  /** The final scorecard of a drill recording. */
  scorecard: import('./model').Scorecard | null;
}

/** `GET /api/recordings/{id}/frame?at=`: the console as it was at `at`. */
export interface ReviewFrame {
  at: number;
  /** The last event at or before `at`. */
  seq: number;
  snapshot: Snapshot;
  topology: Topology;
  scorecard: import('./model').Scorecard | null;
}

const recordingPath = (id: string) => `/api/recordings/${encodeURIComponent(id)}`;

export const listRecordings = (): Promise<RecordingLibrary> => call('GET', '/api/recordings');

/** Writes the log's `[from, to]` into a new recording (unix ms). */
export const exportRecording = (from: number, to: number, title: string): Promise<import('./model').RecordingInfo> =>
  call('POST', '/api/recordings', { from: Math.floor(from), to: Math.ceil(to), title });

/** A `.nocrec` file from elsewhere; refused (422 `not_a_recording`, `recording_damaged`) with the reason. */
export const importRecording = (file: Blob): Promise<import('./model').RecordingInfo> =>
  call(
    'POST',
    // A downloaded recording is named `<id>.nocrec`: the name keeps its id.
    file instanceof File ? `/api/recordings/import?name=${encodeURIComponent(file.name)}` : '/api/recordings/import',
    new RawBody(file, 'application/octet-stream'),
  );

export const getReviewTimeline = (id: string): Promise<ReviewTimeline> => call('GET', recordingPath(id));

export const getReviewFrame = (id: string, at: number): Promise<ReviewFrame> =>
  call('GET', `${recordingPath(id)}/frame?at=${Math.floor(at)}`);

export const downloadRecording = async (id: string): Promise<Blob> =>
  (await request('GET', `${recordingPath(id)}/file`)).blob();

export const annotateRecording = (id: string, at: number, text: string): Promise<import('./model').Annotation> =>
  call('POST', `${recordingPath(id)}/annotations`, { at: Math.floor(at), text });

export const deleteRecording = (id: string): Promise<void> => callForNothing('DELETE', recordingPath(id));

// Reports (shift, daily, weekly, incident, drill), written by the hub as HTML, PDF or JSON.

/** `GET /api/reports?…` as the hub answered it: the caller reads it as text, a blob or JSON. */
export const fetchReport = (path: string): Promise<Response> => request('GET', path);

// Emergency drills (应急演练): the catalogue, the drill running now and its live score.
// These always go to the production hub, the one that runs the drill (see drills/place.ts).

/** `GET /api/drills/scenarios`: a scenario as the catalogue lists it. */
export interface ScenarioSummary {
  name: string;
  title: string;
  title_zh: string;
  description: string;
  description_zh: string;
  faults: number;
  steps: number;
  /** Seconds from the drill's start to its last fault starting or clearing. */
  duration_secs: number;
}

/** `GET /api/drills/current`: the drill's run and its score at this moment. */
export interface DrillView {
  drill: DrillState;
  scorecard: Scorecard;
  /** Where the drill's console is opened. */
  console_path: string;
}

/** `POST /api/drills/current/end`: the final score and the recording kept for the review. */
export interface DrillEnd {
  scorecard: Scorecard;
  recording: RecordingInfo;
}

export const getScenarios = (): Promise<ScenarioSummary[]> => call('GET', '/api/drills/scenarios');

/** A built-in scenario by name; 409 `drill_running` while another drill runs. */
export const startDrill = (scenario: string): Promise<DrillView> => call('POST', '/api/drills', { scenario });

/** A scenario file's text; 422 `bad_scenario` names the line or field that is wrong. */
export const startDrillFromFile = (text: string): Promise<DrillView> =>
  call('POST', '/api/drills', { scenario_toml: text });

/** The drill running now, or `null` when none runs (404 `no_drill`). */
export async function getCurrentDrill(): Promise<DrillView | null> {
  try {
    return await call<DrillView>('GET', '/api/drills/current');
  } catch (e) {
    if (e instanceof ApiError && e.code === 'no_drill') return null;
    throw e;
  }
}

export const checkDrillStep = (step: string): Promise<DrillView> =>
  call('POST', `/api/drills/current/steps/${encodeURIComponent(step)}`);

export const endDrill = (reason?: string): Promise<DrillEnd> =>
  call('POST', '/api/drills/current/end', reason === undefined ? {} : { reason });
