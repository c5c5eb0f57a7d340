import cytoscape, { type Core, type EdgeCollection, type ElementDefinition, type NodeSingular } from 'cytoscape';
import type { IncidentImpact, Layer, NodeKind, NodePosition, Severity, Topology, TopologyView } from '../lib/model';
import { SEVERITIES } from '../lib/severity';
import { CONTAINER_KINDS, foldedEdges, layerBands, viewElements, type NodeElement } from './elements';
import { NODE_KINDS } from './nodeKinds';
import { statusKey, worse, type NodeStatus } from './status';
import { SEVERITY_MARK, stylesheet, type Palette } from './style';

/** Above this many elements the canvas trades detail for speed while the view moves. */
const LARGE = 1_500;
const PULSE_MS = 700;
const PLACE_DEBOUNCE_MS = 400;
const STATUS_CLASS_SET = new Set([...SEVERITIES.map((s) => `st-${s}`), 'suppressed', 'pulse', 'pulse-on', 'root']);
const STATUS_CLASSES = [...STATUS_CLASS_SET].join(' ');

export interface CanvasEvents {
  /** A node was tapped (or the background: `null`). */
  select(id: string | null): void;
  /** Nodes were dragged to new places on `view`. */
  moved(view: TopologyView, positions: NodePosition[]): void;
  /** A container was folded or unfolded. */
  folded(ids: ReadonlySet<string>): void;
}

export interface CanvasFilter {
  layers: ReadonlySet<Layer>;
  kinds: ReadonlySet<NodeKind>;
}

/** What the band labels say, per layer, in the reader's language. */
export type BandNames = Record<Layer, string>;

/**
 * The Cytoscape canvas of one view. Positions come from the hub (no layout runs here);
 * topology changes add, remove or move only what changed, and status changes only
 * restyle the nodes whose status differs, in one batch.
 */
export class TopologyCanvas {
  readonly cy: Core;
  private view: TopologyView = 'layered';
  private statuses = new Map<string, NodeStatus>();
  /** What each node shows now, as `statusKey`s: the diff is against this. */
  private shown = new Map<string, string>();
  private folds = new Set<string>();
  private filter: CanvasFilter | null = null;
  private pulseTimer: ReturnType<typeof setInterval>;
  private pending = new Map<string, NodePosition>();
  private placeTimer: ReturnType<typeof setTimeout> | undefined;
  private large = false;
  private impact: IncidentImpact | null = null;
  private palette: Palette;
  private bandNames: BandNames;

  constructor(
    container: HTMLElement,
    palette: Palette,
    bandNames: BandNames,
    private readonly events: CanvasEvents,
    large: boolean,
  ) {
    this.palette = palette;
    this.bandNames = bandNames;
    this.large = large;
    this.cy = cytoscape({
      container,
      style: stylesheet(palette, large),
      layout: { name: 'preset' },
      minZoom: 0.02,
      maxZoom: 4,
      boxSelectionEnabled: false,
      selectionType: 'single',
      // A big estate moves as a picture while panned or zoomed, drawn sharp again at rest.
      textureOnViewport: large,
      hideEdgesOnViewport: large,
      pixelRatio: large ? 1 : 'auto',
      motionBlur: false,
    });
    this.cy.on('tap', (event) => {
      if (event.target === this.cy) this.events.select(null);
    });
    this.cy.on('tap', 'node', (event) => {
      const node = event.target as NodeSingular;
      if (!node.hasClass('band')) this.events.select(node.id());
    });
    this.cy.on('dbltap', 'node', (event) => {
      const node = event.target as NodeSingular;
      if (CONTAINER_KINDS.has(node.data('kind') as NodeKind)) this.toggleFold(node.id());
    });
    this.cy.on('dragfree', 'node', (event) => this.remember(event.target as NodeSingular));
    // One timer for every pulsing node: a class flip on that set, not an animation each.
    this.pulseTimer = setInterval(() => {
      const pulsing = this.cy.nodes('.pulse');
      if (pulsing.nonempty()) this.cy.batch(() => pulsing.toggleClass('pulse-on'));
    }, PULSE_MS);
  }

  destroy(): void {
    clearInterval(this.pulseTimer);
    this.flushPlacement();
    clearTimeout(this.placeTimer);
    this.cy.destroy();
  }

  get currentView(): TopologyView {
    return this.view;
  }

  get foldedContainers(): ReadonlySet<string> {
    return this.folds;
  }

  /** Draws `topology` on `view` from scratch: the first load and a change of view. */
  show(topology: Topology, view: TopologyView): void {
    this.view = view;
    const { nodes, edges } = viewElements(topology, view);
    const large = nodes.length + edges.length > LARGE;
    if (large !== this.large) {
      this.large = large;
      this.cy.style(stylesheet(this.palette, large));
    }
    this.shown.clear();
    this.cy.batch(() => {
      this.cy.elements().remove();
      // Parents before what they hold, so each child finds its container in the same add.
      const elements: ElementDefinition[] = [...this.bands(nodes), ...outermostFirst(nodes), ...edges];
      this.cy.add(elements);
      this.folds = new Set([...this.folds].filter((id) => this.cy.getElementById(id).nonempty()));
      this.refold();
      this.refilter();
      // New elements carry their names as labels already: only nodes with a status or a
      // fold need another look, which keeps the first drawing of a big estate cheap.
      this.restyle([...this.statuses.keys(), ...this.folds]);
      if (this.impact !== null) this.paintImpact();
    });
  }

  /** Brings the drawing in line with a changed topology, touching only what changed. */
  sync(topology: Topology): void {
    const { nodes, edges } = viewElements(topology, this.view);
    const cy = this.cy;
    cy.batch(() => {
      const wanted = new Map(nodes.map((n) => [n.data.id, n]));
      const wantedEdges = new Set(edges.map((e) => e.data.id));
      cy.remove(cy.nodes().filter((n) => !n.hasClass('band') && !wanted.has(n.id())));
      cy.remove(cy.edges().filter((e) => !e.hasClass('folded') && !wantedEdges.has(e.id())));
      const added: ElementDefinition[] = [];
      const renamed: string[] = [];
      for (const node of outermostFirst(nodes)) {
        const drawn = cy.getElementById(node.data.id);
        if (drawn.empty()) {
          added.push(node);
          continue;
        }
        if (drawn.data('name') !== node.data.name) {
          drawn.data('name', node.data.name);
          renamed.push(node.data.id);
        }
        if ((drawn.data('parent') ?? null) !== (node.data.parent ?? null)) {
          drawn.move({ parent: node.data.parent ?? null });
        }
        const at = drawn.position();
        // A node in the operator's hand stays there; its drop is saved and comes back.
        if (!drawn.grabbed() && !drawn.isParent() && (at.x !== node.position.x || at.y !== node.position.y)) {
          drawn.position(node.position);
        }
      }
      for (const edge of edges) if (cy.getElementById(edge.data.id).empty()) added.push(edge);
      cy.add(added);
      for (const element of added) this.shown.delete(String(element.data.id));
      cy.remove(cy.nodes('.band'));
      cy.add(this.bands(nodes));
      this.folds = new Set([...this.folds].filter((id) => cy.getElementById(id).nonempty()));
      this.refold();
      this.refilter();
      this.restyle([...renamed, ...added.map((e) => String(e.data.id)), ...this.statuses.keys(), ...this.folds]);
      if (this.impact !== null) this.paintImpact();
    });
  }

  /**
   * Shows `statuses` (every node with something happening; the rest are quiet),
   * restyling only the nodes whose status changed. Answers how many that was.
   */
  applyStatuses(statuses: Map<string, NodeStatus>): number {
    const next = new Map<string, string>();
    for (const [id, status] of statuses) next.set(id, statusKey(status));
    const changed: string[] = [];
    for (const [id, key] of next) if (statusKey(this.statuses.get(id)) !== key) changed.push(id);
    for (const id of this.statuses.keys()) if (!next.has(id)) changed.push(id);
    this.statuses = statuses;
    if (changed.length > 0) this.cy.batch(() => this.restyle(changed));
    return changed.length;
  }

  /** Shades everything outside the incident's impact; `null` takes the shading away. */
  showImpact(impact: IncidentImpact | null): void {
    if (impact === null && this.impact === null) return;
    this.impact = impact;
    this.cy.batch(() => this.paintImpact());
  }

  private paintImpact(): void {
    const cy = this.cy;
    const impact = this.impact;
    cy.elements('.blast, .failing, .shade').removeClass('blast failing shade');
    if (impact === null) return;
    const failing = new Set(impact.failing);
    const hit = new Set([...impact.failing, ...impact.blast_radius, ...impact.business_systems.map((b) => b.id)]);
    if (impact.root !== null) hit.add(impact.root);
    cy.nodes().forEach((node) => {
      if (node.hasClass('band')) return;
      const id = node.id();
      if (failing.has(id)) node.addClass('failing');
      else if (hit.has(id)) node.addClass('blast');
      else if (!node.isParent()) node.addClass('shade');
    });
    cy.edges().forEach((edge) => {
      edge.addClass(hit.has(edge.source().id()) && hit.has(edge.target().id()) ? 'blast' : 'shade');
    });
  }

  /** Selects the node (or nothing) and, when asked, centres the view on it. */
  select(id: string | null, centre: boolean): boolean {
    const cy = this.cy;
    cy.nodes(':selected').unselect();
    if (id === null) return true;
    const node = this.drawnAs(id);
    if (node === null) return false;
    node.select();
    if (centre) {
      if (cy.zoom() < 0.8) cy.zoom({ level: 1, position: node.position() });
      // On the node itself, not on its bounding box: a name wrapped onto two lines
      // below it would pull the view off the node.
      const at = node.position();
      cy.pan({ x: cy.width() / 2 - at.x * cy.zoom(), y: cy.height() / 2 - at.y * cy.zoom() });
    }
    return true;
  }

  /** The element a node is drawn as: itself, or the folded container hiding it. */
  private drawnAs(id: string): NodeSingular | null {
    const node = this.cy.getElementById(id);
    if (node.empty() || !node.isNode()) return null;
    const hiding = node.ancestors().filter((a) => this.folds.has(a.id())).last();
    return hiding.nonempty() ? (hiding as NodeSingular) : node;
  }

  /** Nodes can be dragged to new places only by a role that may edit the topology. */
  setEditable(editable: boolean): void {
    this.cy.autoungrabify(!editable);
  }

  /**
   * Follows a change of the canvas element's size (the node panel opening beside it)
   * keeping the same point in the middle, so what was centred stays centred.
   */
  resized(): void {
    const cy = this.cy;
    const zoom = cy.zoom();
    const pan = cy.pan();
    const middle = { x: (cy.width() / 2 - pan.x) / zoom, y: (cy.height() / 2 - pan.y) / zoom };
    cy.resize();
    cy.pan({ x: cy.width() / 2 - middle.x * zoom, y: cy.height() / 2 - middle.y * zoom });
  }

  fit(): void {
    const cy = this.cy;
    cy.fit(cy.nodes().not('.hidden, .filtered'), 30);
  }

  zoomBy(factor: number): void {
    const cy = this.cy;
    cy.zoom({ level: cy.zoom() * factor, renderedPosition: { x: cy.width() / 2, y: cy.height() / 2 } });
  }

  setFilter(filter: CanvasFilter): void {
    this.filter = filter;
    this.cy.batch(() => this.refilter());
  }

  setLook(palette: Palette, bandNames: BandNames): void {
    // Restyling every element is the costliest thing a big canvas does: only for a real change.
    if (JSON.stringify([palette, bandNames]) === JSON.stringify([this.palette, this.bandNames])) return;
    this.palette = palette;
    this.bandNames = bandNames;
    this.cy.style(stylesheet(palette, this.large));
    this.cy.batch(() => this.cy.nodes('.band').forEach((band) => void band.data('label', bandNames[band.data('layer') as Layer])));
  }

  toggleFold(id: string): void {
    if (this.folds.has(id)) this.folds.delete(id);
    else if (this.cy.getElementById(id).isParent()) this.folds.add(id);
    else return;
    this.cy.batch(() => {
      this.refold();
      this.restyle([id, ...this.folds, ...this.statuses.keys()]);
    });
    this.events.folded(this.folds);
  }

  /** Hides what folded containers hold and draws their outside lines to the container. */
  private refold(): void {
    const cy = this.cy;
    cy.remove(cy.edges('.folded'));
    cy.elements('.hidden').removeClass('hidden');
    cy.nodes('.folded').removeClass('folded');
    const hiddenBy = new Map<string, string>();
    for (const id of this.folds) {
      const container = cy.getElementById(id) as NodeSingular;
      if (container.ancestors().map((a) => a.id()).some((a) => this.folds.has(a))) continue;
      container.addClass('folded');
      container.descendants().forEach((d) => void hiddenBy.set(d.id(), id));
    }
    if (hiddenBy.size === 0) return;
    let touched = cy.collection() as EdgeCollection;
    for (const id of hiddenBy.keys()) {
      const node = cy.getElementById(id) as NodeSingular;
      node.addClass('hidden');
      touched = touched.union(node.connectedEdges());
    }
    const lines = foldedEdges(
      touched.map((e) => ({ source: e.source().id(), target: e.target().id() })),
      (id) => hiddenBy.get(id) ?? id,
    );
    cy.add(
      lines.map((line) => ({
        group: 'edges' as const,
        data: { id: `folded|${line.source}|${line.target}`, source: line.source, target: line.target },
        classes: 'folded',
      })),
    );
  }

  private refilter(): void {
    const filter = this.filter;
    const cy = this.cy;
    if (filter === null || (filter.layers.size === 3 && filter.kinds.size === NODE_KINDS.length)) {
      cy.nodes('.filtered').removeClass('filtered');
      return;
    }
    cy.nodes().forEach((node) => {
      const layer = node.data('layer') as Layer;
      const out =
        (!filter.layers.has(layer) || (!node.hasClass('band') && !filter.kinds.has(node.data('kind') as NodeKind)));
      if (node.hasClass('filtered') !== out) node.toggleClass('filtered', out);
    });
  }

  /** Restyles `ids` (and the folded containers above them) from the statuses held. */
  private restyle(ids: Iterable<string>): void {
    const cy = this.cy;
    const again = new Set<string>();
    for (const id of ids) {
      const node = cy.getElementById(id);
      if (node.empty() || node.hasClass('band')) continue;
      again.add(id);
      node.ancestors().forEach((a) => {
        if (this.folds.has(a.id())) again.add(a.id());
      });
    }
    for (const id of again) {
      const node = cy.getElementById(id) as NodeSingular;
      const folded = node.hasClass('folded');
      const status = folded ? this.heldStatus(node) : this.statuses.get(id);
      const key = `${statusKey(status)}${folded ? `#${node.descendants().length}` : ''}|${node.data('name')}`;
      if (this.shown.get(id) === key) continue;
      this.shown.set(id, key);
      if (node.classes().some((c) => STATUS_CLASS_SET.has(c))) node.removeClass(STATUS_CLASSES);
      if (status !== undefined) {
        if (status.severity !== null) node.addClass(`st-${status.severity}`);
        if (status.suppressed) node.addClass('suppressed');
        if (status.unacknowledgedCritical) node.addClass('pulse');
        if (status.root) node.addClass('root');
      }
      const label = labelOf(node.data('name') as string, status?.severity ?? null, folded ? node.descendants().length : null);
      if (node.data('label') !== label) node.data('label', label);
    }
  }

  /** A folded container shows the worst of itself and of everything it holds. */
  private heldStatus(container: NodeSingular): NodeStatus | undefined {
    let status = this.statuses.get(container.id());
    container.descendants().forEach((d) => {
      const inner = this.statuses.get(d.id());
      if (inner === undefined) return;
      const base = status ?? { severity: null, suppressed: true, unacknowledgedCritical: false, root: false };
      const severity = worse(base.severity, inner.severity);
      status = {
        severity,
        suppressed: base.suppressed && inner.suppressed,
        unacknowledgedCritical: base.unacknowledgedCritical || inner.unacknowledgedCritical,
        root: base.root || inner.root,
      };
    });
    return status;
  }

  private bands(nodes: readonly NodeElement[]): ElementDefinition[] {
    if (this.view !== 'layered') return [];
    const margin = 40;
    return layerBands(nodes).map((band) => ({
      group: 'nodes' as const,
      data: {
        id: `band|${band.layer}`,
        label: this.bandNames[band.layer],
        layer: band.layer,
        width: band.x2 - band.x1 + 2 * margin,
        height: band.y2 - band.y1 + 2 * margin,
        fontSize: Math.min(160, Math.max(28, (band.x2 - band.x1) / 60)),
      },
      position: { x: (band.x1 + band.x2) / 2, y: (band.y1 + band.y2) / 2 },
      classes: 'band',
      selectable: false,
      grabbable: false,
      pannable: true,
    }));
  }

  /** Keeps a dropped node's place (with what it holds), saved together after a pause. */
  private remember(node: NodeSingular): void {
    node
      .union(node.descendants())
      .nodes()
      .filter((n) => !n.isParent())
      .forEach((n) => {
        const { x, y } = n.position();
        this.pending.set(n.id(), { id: n.id(), x: Math.round(x * 10) / 10, y: Math.round(y * 10) / 10 });
      });
    clearTimeout(this.placeTimer);
    this.placeTimer = setTimeout(() => this.flushPlacement(), PLACE_DEBOUNCE_MS);
  }

  private flushPlacement(): void {
    if (this.pending.size === 0) return;
    const positions = [...this.pending.values()];
    this.pending.clear();
    this.events.moved(this.view, positions);
  }
}

/** The label: a severity mark before the name, and how many a folded container holds. */
export function labelOf(name: string, severity: Severity | null, holds: number | null): string {
  const marked = severity === null ? name : `${SEVERITY_MARK[severity]} ${name}`;
  return holds === null ? marked : `${marked} (${holds})`;
}

/** Containers before their contents, at any depth. */
function outermostFirst(nodes: readonly NodeElement[]): NodeElement[] {
  const byId = new Map(nodes.map((n) => [n.data.id, n]));
  const depth = (node: NodeElement): number => {
    let d = 0;
    for (let at = node.data.parent; at !== undefined && d <= byId.size; at = byId.get(at)?.data.parent) d += 1;
    return d;
  };
  const depths = new Map(nodes.map((n) => [n.data.id, depth(n)]));
  return [...nodes].sort((a, b) => (depths.get(a.data.id) ?? 0) - (depths.get(b.data.id) ?? 0));
}
