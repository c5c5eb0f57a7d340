import type { NodeSingular } from 'cytoscape';
import type { TopologyCanvas } from './canvas';

/** What an end-to-end test may read of one drawn node. */
export interface ProbedNode {
  classes: string[];
  label: string;
  position: { x: number; y: number };
  /** Where it is on screen, relative to the canvas element. */
  rendered: { x: number; y: number };
  visible: boolean;
  selected: boolean;
  parent: string | null;
}

/** The read-only view of the canvas a test gets as `window.__nocTopology`. */
export interface TopologyProbe {
  node(id: string): ProbedNode | null;
  /** The model point at the middle of the canvas. */
  centre(): { x: number; y: number };
  zoom(): number;
  /** Drawn nodes (the layer bands not counted). */
  count(): number;
}

declare global {
  interface Window {
    __nocTopology?: TopologyProbe;
  }
}

/** Installed only when the test flag is set; answers how to take it away again. */
export function installProbe(canvas: TopologyCanvas): () => void {
  const cy = canvas.cy;
  window.__nocTopology = Object.freeze({
    node(id: string): ProbedNode | null {
      const node = cy.getElementById(id) as NodeSingular;
      if (node.empty() || !node.isNode()) return null;
      const parent = node.parent().first();
      return {
        classes: node.classes(),
        label: String(node.data('label') ?? ''),
        position: { ...node.position() },
        rendered: { ...node.renderedPosition() },
        // Read from the computed style: Cytoscape's own `visible()` is cached across batches.
        visible: node.union(node.ancestors()).every((n) => n.style('display') === 'element'),
        selected: node.selected(),
        parent: parent.nonempty() ? parent.id() : null,
      };
    },
    centre() {
      const pan = cy.pan();
      const zoom = cy.zoom();
      return { x: (cy.width() / 2 - pan.x) / zoom, y: (cy.height() / 2 - pan.y) / zoom };
    },
    zoom: () => cy.zoom(),
    count: () => cy.nodes().filter((n) => !n.hasClass('band')).length,
  });
  return () => {
    delete window.__nocTopology;
  };
}
