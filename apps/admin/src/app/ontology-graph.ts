/**
 * The layout of an object's neighbourhood (1–2 hops) for the graph view: the object in the middle,
 * its direct neighbours on an inner ring, their neighbours on an outer ring inside the angular
 * sector of the neighbour they hang from. Hand-written rather than a force layout (elkjs, d3-force)
 * because a radial tree of at most two rings needs about forty lines, is deterministic (the same
 * neighbourhood always draws the same picture, which screenshots and tests rely on) and adds no
 * dependency to the admin bundle.
 */
export interface GraphNodeInput {
  id: string;
  label: string;
  typeApiName: string;
}

export interface GraphEdgeInput {
  id: string;
  linkTypeApiName: string;
  label?: string;
  fromId: string;
  toId: string;
}

export interface PlacedNode extends GraphNodeInput {
  x: number;
  y: number;
  hop: number;
}

export interface PlacedEdge extends GraphEdgeInput {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  /** Where the edge's label goes (its middle). */
  labelX: number;
  labelY: number;
}

export interface GraphLayout {
  nodes: PlacedNode[];
  edges: PlacedEdge[];
  /** The SVG viewBox: the drawing is centred on (0, 0). */
  viewBox: string;
  size: number;
}

export const RING_RADIUS = [0, 170, 330] as const;
const MARGIN = 110;

/**
 * Places `nodes` (those reachable from `centerId` within `maxHops` over `edges`, either direction)
 * and the edges between placed nodes. Nodes further away, and edges to them, are left out.
 */
export function layoutNeighbourhood(centerId: string, nodes: readonly GraphNodeInput[], edges: readonly GraphEdgeInput[], maxHops: 1 | 2 = 2): GraphLayout {
  const byId = new Map(nodes.map((node) => [node.id, node]));
  const order = (a: GraphNodeInput, b: GraphNodeInput) => a.typeApiName.localeCompare(b.typeApiName) || a.label.localeCompare(b.label) || a.id.localeCompare(b.id);
  const neighbours = new Map<string, Set<string>>();
  const connect = (a: string, b: string) => neighbours.set(a, (neighbours.get(a) ?? new Set<string>()).add(b));
  for (const edge of edges) {
    if (!byId.has(edge.fromId) || !byId.has(edge.toId) || edge.fromId === edge.toId) continue;
    connect(edge.fromId, edge.toId);
    connect(edge.toId, edge.fromId);
  }
  const sorted = (ids: Iterable<string>) =>
    [...ids]
      .map((id) => byId.get(id))
      .filter((node): node is GraphNodeInput => node !== undefined)
      .sort(order);

  const placed = new Map<string, PlacedNode>();
  const center = byId.get(centerId);
  if (!center) return { nodes: [], edges: [], viewBox: '0 0 0 0', size: 0 };
  placed.set(center.id, { ...center, x: 0, y: 0, hop: 0 });

  const ring1 = sorted(neighbours.get(centerId) ?? []);
  const sector = ring1.length ? (2 * Math.PI) / ring1.length : 0;
  ring1.forEach((node, index) => {
    const angle = -Math.PI / 2 + index * sector;
    placed.set(node.id, { ...node, ...polar(RING_RADIUS[1], angle), hop: 1 });
  });

  let outer = false;
  if (maxHops === 2) {
    ring1.forEach((parent, index) => {
      // Children not yet placed, each claimed by the first inner node (in order) that reaches it.
      const children = sorted(neighbours.get(parent.id) ?? []).filter((node) => !placed.has(node.id));
      const start = -Math.PI / 2 + index * sector - sector / 2;
      children.forEach((child, childIndex) => {
        const angle = start + ((childIndex + 1) * sector) / (children.length + 1);
        placed.set(child.id, { ...child, ...polar(RING_RADIUS[2], angle), hop: 2 });
        outer = true;
      });
    });
  }

  const placedEdges: PlacedEdge[] = [];
  const seen = new Set<string>();
  for (const edge of [...edges].sort((a, b) => a.id.localeCompare(b.id))) {
    const from = placed.get(edge.fromId);
    const to = placed.get(edge.toId);
    // A self-link has no line to draw; the list under the drawing still shows it.
    if (!from || !to || from === to || seen.has(edge.id)) continue;
    seen.add(edge.id);
    placedEdges.push({ ...edge, x1: from.x, y1: from.y, x2: to.x, y2: to.y, labelX: round((from.x + to.x) / 2), labelY: round((from.y + to.y) / 2) });
  }

  const radius = (outer ? RING_RADIUS[2] : ring1.length ? RING_RADIUS[1] : 0) + MARGIN;
  return { nodes: [...placed.values()], edges: placedEdges, viewBox: `${-radius} ${-radius} ${2 * radius} ${2 * radius}`, size: 2 * radius };
}

function polar(radius: number, angle: number): { x: number; y: number } {
  return { x: round(radius * Math.cos(angle)), y: round(radius * Math.sin(angle)) };
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

/** A label short enough for a node of the drawing (the full one is in its title and the list). */
export function shortLabel(label: string, max = 18): string {
  return label.length <= max ? label : `${label.slice(0, max - 1)}…`;
}
