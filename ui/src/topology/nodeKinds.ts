import type { Layer, NodeKind } from '../lib/model';

/** Every kind of node, in the order the hub's `NodeKind` lists them (and the tools offer them). */
export const NODE_KINDS: readonly NodeKind[] = [
  'business_system',
  'service',
  'middleware',
  'database',
  'host',
  'network_device',
  'link',
  'site',
  'rack',
  'group',
];

/** The layers, top to bottom as the layered view stacks them. */
export const LAYERS: readonly Layer[] = ['saas', 'paas', 'iaas'];
