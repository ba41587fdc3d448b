import { describe, expect, it } from 'vitest';
import { layoutNeighbourhood, RING_RADIUS, shortLabel, type GraphEdgeInput, type GraphNodeInput } from './ontology-graph';

const node = (id: string, typeApiName = 'Order'): GraphNodeInput => ({ id, label: id, typeApiName });
const edge = (id: string, fromId: string, toId: string): GraphEdgeInput => ({ id, linkTypeApiName: 'placed', fromId, toId });

describe('layoutNeighbourhood', () => {
  const nodes = [node('c', 'Customer'), node('o1'), node('o2'), node('o3'), node('p1', 'Product'), node('p2', 'Product'), node('far', 'Product')];
  const edges = [edge('e1', 'c', 'o1'), edge('e2', 'c', 'o2'), edge('e3', 'o3', 'c'), edge('e4', 'o1', 'p1'), edge('e5', 'o2', 'p1'), edge('e6', 'o2', 'p2'), edge('e7', 'p2', 'far')];

  it('puts the object in the middle, neighbours on the inner ring and their neighbours on the outer one', () => {
    const layout = layoutNeighbourhood('c', nodes, edges);
    const at = Object.fromEntries(layout.nodes.map((placed) => [placed.id, placed]));
    expect(at['c']).toMatchObject({ x: 0, y: 0, hop: 0 });
    for (const id of ['o1', 'o2', 'o3']) {
      expect(at[id]?.hop).toBe(1);
      expect(Math.round(Math.hypot(at[id]?.x ?? 0, at[id]?.y ?? 0))).toBe(RING_RADIUS[1]);
    }
    for (const id of ['p1', 'p2']) {
      expect(at[id]?.hop).toBe(2);
      expect(Math.round(Math.hypot(at[id]?.x ?? 0, at[id]?.y ?? 0))).toBe(RING_RADIUS[2]);
    }
    // Three hops away: left out, and so is the edge to it.
    expect(at['far']).toBeUndefined();
    expect(layout.edges.map((placed) => placed.id)).toEqual(['e1', 'e2', 'e3', 'e4', 'e5', 'e6']);
    // The first inner node is straight above the middle.
    expect(at['o1']).toMatchObject({ x: 0, y: -RING_RADIUS[1] });
  });

  it('draws an edge between its endpoints with the label at its middle', () => {
    const layout = layoutNeighbourhood('c', nodes, edges);
    const e1 = layout.edges.find((placed) => placed.id === 'e1');
    expect(e1).toMatchObject({ x1: 0, y1: 0, x2: 0, y2: -RING_RADIUS[1], labelX: 0, labelY: -RING_RADIUS[1] / 2 });
  });

  it('is deterministic whatever order the API returned things in', () => {
    const a = layoutNeighbourhood('c', nodes, edges);
    const b = layoutNeighbourhood('c', [...nodes].reverse(), [...edges].reverse());
    expect(b).toEqual(a);
  });

  it('keeps one hop only when asked, and sizes the drawing to what it holds', () => {
    const layout = layoutNeighbourhood('c', nodes, edges, 1);
    expect(layout.nodes.map((placed) => placed.id).sort()).toEqual(['c', 'o1', 'o2', 'o3']);
    expect(layout.size).toBe(2 * (RING_RADIUS[1] + 110));
    const alone = layoutNeighbourhood('c', [node('c')], []);
    expect(alone.nodes).toHaveLength(1);
    expect(layoutNeighbourhood('missing', nodes, edges).nodes).toEqual([]);
  });

  it('survives cycles and self-links', () => {
    const layout = layoutNeighbourhood('a', [node('a'), node('b'), node('d')], [edge('1', 'a', 'b'), edge('2', 'b', 'd'), edge('3', 'd', 'a'), edge('4', 'a', 'a')]);
    expect(layout.nodes.map((placed) => [placed.id, placed.hop])).toEqual([
      ['a', 0],
      ['b', 1],
      ['d', 1],
    ]);
    expect(layout.edges.map((placed) => placed.id)).toEqual(['1', '2', '3']);
  });
});

describe('shortLabel', () => {
  it('shortens long labels with an ellipsis', () => {
    expect(shortLabel('Ada')).toBe('Ada');
    expect(shortLabel('A very long customer name indeed', 10)).toBe('A very lo…');
  });
});
