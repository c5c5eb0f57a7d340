import type { Alarm, Incident, IncidentStatus, Layer, Severity } from '../lib/model';
import { SEVERITIES } from '../lib/severity';

export const STATES: readonly IncidentStatus[] = [
  'open',
  'acknowledged',
  'identified',
  'mitigated',
  'resolved',
  'reviewed',
  'merged',
];
export const LAYERS: readonly Layer[] = ['saas', 'paas', 'iaas'];

/**
 * Whose incidents: anyone's (`any`), the viewer's own (`me`, read as the operator name
 * of whoever opens a shared link), nobody's yet (`none`), or one operator's.
 */
export type OwnerFilter = { kind: 'any' } | { kind: 'me' } | { kind: 'none' } | { kind: 'by'; name: string };

/** Which alarms the alarm list shows: the active ones, or the unseen queue. */
export type AlarmView = 'active' | 'unseen';

/** What the board shows. Empty lists mean "any". */
export interface BoardFilter {
  severities: Severity[];
  systems: string[];
  layers: Layer[];
  owner: OwnerFilter;
  states: IncidentStatus[];
  text: string;
  /** Alarms suppressed by a maintenance window are hidden unless this is on. */
  suppressed: boolean;
  alarms: AlarmView;
}

export function emptyFilter(): BoardFilter {
  return {
    severities: [],
    systems: [],
    layers: [],
    owner: { kind: 'any' },
    states: [],
    text: '',
    suppressed: false,
    alarms: 'active',
  };
}

/** Whether anything narrows the lists (the alarm view is not a narrowing). */
export function isNarrowed(f: BoardFilter): boolean {
  return (
    f.severities.length > 0 ||
    f.systems.length > 0 ||
    f.layers.length > 0 ||
    f.owner.kind !== 'any' ||
    f.states.length > 0 ||
    f.text.trim() !== '' ||
    f.suppressed
  );
}

// The address form: `sev=critical,major&owner=me&q=disk`; each value percent-encoded,
// so a comma inside a node id cannot split it.

const list = (values: readonly string[]) => values.map(encodeURIComponent).join(',');

export function filterToQuery(f: BoardFilter): string {
  const parts: string[] = [];
  if (f.severities.length > 0) parts.push(`sev=${list(f.severities)}`);
  if (f.systems.length > 0) parts.push(`sys=${list(f.systems)}`);
  if (f.layers.length > 0) parts.push(`layer=${list(f.layers)}`);
  if (f.owner.kind === 'me' || f.owner.kind === 'none') parts.push(`owner=${f.owner.kind}`);
  if (f.owner.kind === 'by') parts.push(`owner=by:${encodeURIComponent(f.owner.name)}`);
  if (f.states.length > 0) parts.push(`state=${list(f.states)}`);
  if (f.text.trim() !== '') parts.push(`q=${encodeURIComponent(f.text.trim())}`);
  if (f.suppressed) parts.push('supp=1');
  if (f.alarms === 'unseen') parts.push('alarms=unseen');
  return parts.join('&');
}

function decode(value: string): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    return value;
  }
}

function known<T extends string>(raw: string | undefined, allowed: readonly T[]): T[] {
  if (raw === undefined || raw === '') return [];
  const wanted = raw.split(',').map(decode);
  // In the canonical order, once each, whatever the link said.
  return allowed.filter((value) => wanted.includes(value));
}

/** Reads a filter from a query; unknown keys and values are ignored, never guessed. */
export function filterFromQuery(query: string): BoardFilter {
  const fields = new Map<string, string>();
  for (const pair of query.replace(/^\?/, '').split('&')) {
    if (pair === '') continue;
    const at = pair.indexOf('=');
    const key = at < 0 ? pair : pair.slice(0, at);
    fields.set(decode(key), at < 0 ? '' : pair.slice(at + 1));
  }
  const f = emptyFilter();
  f.severities = known(fields.get('sev'), SEVERITIES);
  f.layers = known(fields.get('layer'), LAYERS);
  f.states = known(fields.get('state'), STATES);
  const systems = fields.get('sys');
  if (systems !== undefined && systems !== '') {
    f.systems = [...new Set(systems.split(',').map(decode).filter((s) => s !== ''))];
  }
  const owner = fields.get('owner');
  if (owner === 'me' || owner === 'none') f.owner = { kind: owner };
  else if (owner?.startsWith('by:') && owner.length > 3) f.owner = { kind: 'by', name: decode(owner.slice(3)) };
  f.text = decode(fields.get('q') ?? '').trim();
  f.suppressed = fields.get('supp') === '1';
  f.alarms = fields.get('alarms') === 'unseen' ? 'unseen' : 'active';
  return f;
}

/** The query part of a page address such as `#/board?sev=critical`. */
export function queryOfHash(hash: string): string {
  const at = hash.indexOf('?');
  return at < 0 ? '' : hash.slice(at + 1);
}

export function boardHash(f: BoardFilter): string {
  const query = filterToQuery(f);
  return query === '' ? '#/board' : `#/board?${query}`;
}

/** What filtering needs from the live state and the workstation. */
export interface FilterContext {
  /** This workstation's operator name ('' when not set: then nothing is "mine"). */
  me: string;
  nodeName(id: string): string;
  alarm(id: number): Alarm | undefined;
  incident(id: number): Incident | undefined;
}

function ownerMatches(incident: Incident, owner: OwnerFilter, me: string): boolean {
  const by = incident.acknowledged?.by ?? null;
  switch (owner.kind) {
    case 'any':
      return true;
    case 'none':
      return by === null;
    case 'me':
      return me !== '' && by === me;
    case 'by':
      return by === owner.name;
  }
}

/** The filters that concern an incident as a whole (not its text or severity). */
function incidentFacetsMatch(incident: Incident, f: BoardFilter, ctx: FilterContext): boolean {
  return (
    (f.systems.length === 0 || (incident.system !== null && f.systems.includes(incident.system))) &&
    (f.layers.length === 0 || (incident.layer !== null && f.layers.includes(incident.layer))) &&
    (f.states.length === 0 || f.states.includes(incident.status)) &&
    ownerMatches(incident, f.owner, ctx.me)
  );
}

function contains(haystack: string | null, needle: string): boolean {
  return haystack !== null && haystack.toLowerCase().includes(needle);
}

function nodeMatches(id: string | null, needle: string, ctx: FilterContext): boolean {
  return id !== null && (contains(id, needle) || contains(ctx.nodeName(id), needle));
}

function alarmTextMatches(alarm: Alarm, needle: string, ctx: FilterContext): boolean {
  return contains(alarm.title, needle) || contains(alarm.text, needle) || nodeMatches(alarm.node, needle, ctx);
}

/** An incident matches the search by its id, title, nodes, or any member alarm's text. */
function incidentTextMatches(incident: Incident, needle: string, ctx: FilterContext): boolean {
  if (
    `inc-${incident.id}` === needle ||
    contains(incident.title, needle) ||
    nodeMatches(incident.root_node, needle, ctx) ||
    nodeMatches(incident.system, needle, ctx)
  ) {
    return true;
  }
  for (const node of incident.nodes) if (nodeMatches(node, needle, ctx)) return true;
  for (const id of incident.alarms) {
    const alarm = ctx.alarm(id);
    if (alarm !== undefined && alarmTextMatches(alarm, needle, ctx)) return true;
  }
  return false;
}

export function incidentMatches(incident: Incident, f: BoardFilter, ctx: FilterContext): boolean {
  const needle = f.text.trim().toLowerCase();
  return (
    (f.severities.length === 0 || f.severities.includes(incident.severity)) &&
    incidentFacetsMatch(incident, f, ctx) &&
    (needle === '' || incidentTextMatches(incident, needle, ctx))
  );
}

/** Keeps the given (already sorted) order. */
export function filterIncidents(incidents: readonly Incident[], f: BoardFilter, ctx: FilterContext): readonly Incident[] {
  if (!isNarrowed(f)) return incidents;
  return incidents.filter((incident) => incidentMatches(incident, f, ctx));
}

/**
 * An alarm is shown by its own severity and text; the system, layer, state and owner
 * filters apply through its incident (an alarm outside any incident fails them).
 */
export function alarmMatches(alarm: Alarm, f: BoardFilter, ctx: FilterContext): boolean {
  if (alarm.suppressed_by !== null && !f.suppressed) return false;
  if (f.severities.length > 0 && !f.severities.includes(alarm.severity)) return false;
  const needle = f.text.trim().toLowerCase();
  if (needle !== '' && !alarmTextMatches(alarm, needle, ctx)) return false;
  const facets = f.systems.length > 0 || f.layers.length > 0 || f.states.length > 0 || f.owner.kind !== 'any';
  if (!facets) return true;
  const incident = alarm.incident === null ? undefined : ctx.incident(alarm.incident);
  return incident !== undefined && incidentFacetsMatch(incident, f, ctx);
}

export function filterAlarms(alarms: readonly Alarm[], f: BoardFilter, ctx: FilterContext): readonly Alarm[] {
  return alarms.filter((alarm) => alarmMatches(alarm, f, ctx));
}

/** Toggles one value in a list filter, keeping the canonical order. */
export function toggled<T extends string>(values: readonly T[], value: T, order: readonly T[]): T[] {
  const next = values.includes(value) ? values.filter((v) => v !== value) : [...values, value];
  return order.filter((v) => next.includes(v));
}
