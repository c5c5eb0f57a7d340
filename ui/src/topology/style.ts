import type { StylesheetJson } from 'cytoscape';
import type { Severity } from '../lib/model';
import { SEVERITIES } from '../lib/severity';

/** The theme's colours as the canvas needs them (Cytoscape cannot read CSS variables). */
export interface Palette {
  bg: string;
  panel: string;
  panel2: string;
  border: string;
  text: string;
  muted: string;
  accent: string;
  selected: string;
  severity: Record<Severity, string>;
}

export function paletteOf(root: Element): Palette {
  const css = getComputedStyle(root);
  const read = (name: string) => css.getPropertyValue(name).trim();
  return {
    bg: read('--bg'),
    panel: read('--panel'),
    panel2: read('--panel-2'),
    border: read('--border'),
    text: read('--text'),
    muted: read('--muted'),
    accent: read('--accent'),
    selected: read('--selected'),
    severity: Object.fromEntries(SEVERITIES.map((s) => [s, read(`--sev-${s}`)])) as Record<Severity, string>,
  };
}

/** Besides colour, each severity has its own border (readable without colour vision). */
const BORDER: Record<Severity, { width: number; style: 'double' | 'solid' | 'dashed' | 'dotted' }> = {
  critical: { width: 7, style: 'double' },
  major: { width: 5, style: 'solid' },
  minor: { width: 4, style: 'dashed' },
  warning: { width: 4, style: 'dotted' },
  unknown: { width: 3, style: 'dashed' },
  info: { width: 2, style: 'solid' },
};

/** And a mark before the name, so that the label alone tells the severity. */
export const SEVERITY_MARK: Record<Severity, string> = {
  critical: '✖',
  major: '▲',
  minor: '◆',
  warning: '●',
  unknown: '?',
  info: 'i',
};

const SHAPE = {
  business_system: 'round-rectangle',
  service: 'ellipse',
  middleware: 'hexagon',
  database: 'barrel',
  host: 'rectangle',
  network_device: 'diamond',
  link: 'ellipse',
  site: 'round-rectangle',
  rack: 'rectangle',
  group: 'round-rectangle',
} as const;

/**
 * The canvas's look. No shadows or per-node animation: at 5,000 nodes every style
 * property is paid per element per frame.
 */
export function stylesheet(p: Palette, large: boolean): StylesheetJson {
  const sheet: StylesheetJson = [
    {
      selector: 'node',
      style: {
        label: 'data(label)',
        'font-size': 11,
        color: p.text,
        'text-valign': 'bottom',
        'text-margin-y': 3,
        // Every property is applied to every node one by one (5,000 on a big estate), so a
        // big estate leaves out what Cytoscape's defaults already say: no wrapping (which
        // would measure every label; names show only when zoomed in anyway).
        // Neighbours sit 80 units apart: a longer name wraps onto a second line instead
        // of running into the next node's.
        ...(large ? { 'min-zoomed-font-size': 9 } : { 'text-max-width': '76px', 'text-wrap': 'wrap' as const }),
        width: 22,
        height: 22,
        'background-color': p.panel2,
        'border-width': 1.5,
        'border-color': p.muted,
      },
    },
    ...Object.entries(SHAPE).map(([kind, shape]) => ({ selector: `node.kind-${kind}`, style: { shape } })),
    { selector: 'node.kind-business_system', style: { width: 34, height: 24 } },
    { selector: 'node.kind-link', style: { width: 10, height: 10 } },
    {
      selector: ':parent',
      style: {
        'background-color': p.panel,
        'background-opacity': 0.55,
        'border-color': p.border,
        'border-width': 1.5,
        'text-valign': 'top',
        'text-halign': 'center',
        'text-margin-y': -4,
        'font-weight': 'bold',
        color: p.muted,
        padding: '14px',
      },
    },
    {
      selector: 'node.folded',
      style: { width: 46, height: 34, 'border-width': 3, 'font-weight': 'bold', 'text-wrap': 'wrap', 'text-max-width': '220px' },
    },
    {
      selector: 'node.band',
      style: {
        shape: 'rectangle',
        width: 'data(width)',
        height: 'data(height)',
        'background-color': p.panel,
        'background-opacity': 0.5,
        'border-width': 0,
        label: 'data(label)',
        // Sized with the band, so that the layer's name reads at the zoom that shows it whole.
        'font-size': 'data(fontSize)',
        'text-wrap': 'none',
        'text-max-width': '10000px',
        'font-weight': 'bold',
        color: p.muted,
        'text-valign': 'center',
        'text-halign': 'left',
        'text-margin-x': -16,
        'min-zoomed-font-size': 0,
        events: 'no',
        'z-compound-depth': 'bottom',
        'z-index': 0,
      },
    },
    {
      selector: 'edge',
      style: {
        width: 1,
        'line-color': p.border,
        // Haystack (with its default radius 0) is the cheapest line to style and draw.
        'curve-style': large ? 'haystack' : 'straight',
      },
    },
    // Lines of one look draw in one go; arrows, widths and dots per kind only while few.
    ...(large
      ? []
      : [
          {
            selector: 'edge.rel-depends_on, edge.rel-runs_on',
            style: { 'target-arrow-shape': 'triangle' as const, 'target-arrow-color': p.border, 'arrow-scale': 0.7 },
          },
          { selector: 'edge.rel-connects_to', style: { width: 1.5 } },
          { selector: 'edge.rel-located_in', style: { 'line-style': 'dotted' as const } },
        ]),
    { selector: 'edge.folded', style: { width: 2, 'line-style': 'dashed', 'line-color': p.muted } },
    ...SEVERITIES.map((severity) => ({
      selector: `node.st-${severity}`,
      style: {
        'border-color': p.severity[severity],
        'border-width': BORDER[severity].width,
        'border-style': BORDER[severity].style,
        color: p.severity[severity],
        'font-weight': severity === 'critical' || severity === 'major' ? ('bold' as const) : ('normal' as const),
      },
    })),
    { selector: 'node.st-critical, node.st-major', style: { 'z-index': 20 } },
    {
      // A status label stays legible over lines and neighbours.
      selector: 'node.st-critical, node.st-major, node.st-minor, node.st-warning, node.st-unknown, node.st-info',
      style: {
        'text-margin-y': 6,
        'text-background-color': p.bg,
        'text-background-opacity': 0.85,
        'text-background-padding': '2px',
        'text-background-shape': 'roundrectangle',
      },
    },
    { selector: 'node.suppressed', style: { opacity: 0.45, 'border-style': 'dashed' } },
    { selector: 'node.pulse.pulse-on', style: { 'background-color': p.severity.critical } },
    {
      selector: 'node.root',
      style: { 'outline-width': 4, 'outline-color': p.severity.critical, 'outline-offset': 4, 'outline-style': 'solid' },
    },
    { selector: '.shade', style: { opacity: 0.18 } },
    { selector: 'node.blast', style: { 'background-color': p.severity.major, 'background-opacity': 0.45 } },
    { selector: 'node.failing', style: { 'background-color': p.severity.critical, 'background-opacity': 0.6 } },
    { selector: 'edge.blast', style: { 'line-color': p.severity.major, width: 2.5, opacity: 1 } },
    { selector: 'node.hidden, edge.hidden, node.filtered, edge.filtered', style: { display: 'none' } },
    {
      selector: 'node:selected',
      style: { 'overlay-color': p.accent, 'overlay-opacity': 0.35, 'overlay-padding': 8, 'z-index': 30 },
    },
  ];
  return sheet;
}
