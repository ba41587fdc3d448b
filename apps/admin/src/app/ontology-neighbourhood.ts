/**
 * The graph of an object's neighbourhood out of the API's one-hop answers (GET
 * /ontology/objects/:id/links): the object's own links, and for two hops those of each neighbour
 * (at most SECOND_HOP_MAX of them, so the view stays bounded and readable).
 */
import type { Neighbourhood } from '../api/ontology-objects';
import type { GraphEdgeInput, GraphNodeInput } from './ontology-graph';

export const SECOND_HOP_MAX = 25;

/** The neighbours whose own links make the second ring (readable ones, in a stable order). */
export function secondHopIds(center: Neighbourhood): string[] {
  const ids = new Set<string>();
  for (const link of center.links) if (link.other && link.other.id !== center.object.id) ids.add(link.other.id);
  return [...ids].sort().slice(0, SECOND_HOP_MAX);
}

export function neighbourhoodGraph(center: Neighbourhood, further: readonly Neighbourhood[] = [], linkLabels: ReadonlyMap<string, string> = new Map()): { nodes: GraphNodeInput[]; edges: GraphEdgeInput[] } {
  const nodes = new Map<string, GraphNodeInput>();
  const edges = new Map<string, GraphEdgeInput>();
  const add = (answer: Neighbourhood) => {
    const self = answer.object;
    if (!nodes.has(self.id)) nodes.set(self.id, { id: self.id, label: self.title || self.primaryKeyValue || self.id, typeApiName: self.typeApiName });
    for (const link of answer.links) {
      if (!link.other) continue; // an object the caller may not read: no node, no edge
      if (!nodes.has(link.other.id)) nodes.set(link.other.id, { id: link.other.id, label: link.other.title, typeApiName: link.other.typeApiName });
      edges.set(link.id, {
        id: link.id,
        linkTypeApiName: link.linkTypeApiName,
        label: linkLabels.get(link.linkTypeApiName),
        fromId: link.fromObjectId,
        toId: link.toObjectId,
      });
    }
  };
  add(center);
  for (const answer of further) add(answer);
  return { nodes: [...nodes.values()], edges: [...edges.values()] };
}
