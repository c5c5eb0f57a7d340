import type { TopologyView } from '../lib/model';

/** What the topology screen's address holds, so a link opens the same picture. */
export interface TopologyAddress {
  view: TopologyView;
  /** A node to centre on and select. */
  node: string | null;
  /** An incident whose root is centred on and whose blast radius is shaded. */
  incident: number | null;
}

export function emptyAddress(): TopologyAddress {
  return { view: 'layered', node: null, incident: null };
}

/** Reads `#/topology?view=network&node=db-1&incident=12`; anything unknown is dropped. */
export function addressOf(hash: string): TopologyAddress {
  const at = hash.indexOf('?');
  const query = new URLSearchParams(at < 0 ? '' : hash.slice(at + 1));
  const incident = Number(query.get('incident'));
  const node = query.get('node');
  return {
    view: query.get('view') === 'network' ? 'network' : 'layered',
    node: node === null || node === '' ? null : node,
    incident: Number.isSafeInteger(incident) && incident > 0 ? incident : null,
  };
}

/** The address for `address`; the default view is left out so plain links stay short. */
export function topologyHash(address: TopologyAddress): string {
  const query = new URLSearchParams();
  if (address.view !== 'layered') query.set('view', address.view);
  if (address.node !== null) query.set('node', address.node);
  if (address.incident !== null) query.set('incident', String(address.incident));
  const text = query.toString();
  return text === '' ? '#/topology' : `#/topology?${text}`;
}
