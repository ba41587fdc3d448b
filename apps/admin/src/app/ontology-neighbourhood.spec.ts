import { describe, expect, it } from 'vitest';
import type { Neighbourhood, NeighbourLink, OntologyObject } from '../api/ontology-objects';
import { layoutNeighbourhood } from './ontology-graph';
import { neighbourhoodGraph, secondHopIds } from './ontology-neighbourhood';

const object = (id: string, typeApiName: string, title: string): OntologyObject => ({
  id,
  typeApiName,
  title,
  primaryKeyValue: title,
  properties: {},
  version: 1,
  createdAt: '',
  updatedAt: '',
});
const link = (id: string, from: OntologyObject, to: OntologyObject, self: OntologyObject, readable = true): NeighbourLink => {
  const other = from.id === self.id ? to : from;
  return {
    id,
    linkTypeApiName: 'placed',
    fromObjectId: from.id,
    toObjectId: to.id,
    properties: {},
    createdAt: '',
    direction: from.id === self.id ? 'outgoing' : 'incoming',
    other: readable ? { id: other.id, typeApiName: other.typeApiName, title: other.title ?? '' } : null,
  };
};

describe('the neighbourhood graph', () => {
  const ada = object('c1', 'Customer', 'Ada');
  const o1 = object('o1', 'Order', 'O-1');
  const o2 = object('o2', 'Order', 'O-2');
  const p = object('p1', 'Product', 'Lamp');
  const secret = object('s1', 'Order', 'secret');
  const center: Neighbourhood = { object: ada, links: [link('l1', ada, o1, ada), link('l2', ada, o2, ada), link('l3', ada, secret, ada, false)], truncated: false };
  const ofO1: Neighbourhood = { object: o1, links: [link('l1', ada, o1, o1), link('l4', o1, p, o1)], truncated: false };

  it('asks for the readable neighbours only, in a stable order', () => {
    expect(secondHopIds(center)).toEqual(['o1', 'o2']);
  });

  it('merges one-hop answers into nodes and edges, once each, leaving out what the caller cannot read', () => {
    const graph = neighbourhoodGraph(center, [ofO1], new Map([['placed', 'placed order']]));
    expect(graph.nodes.map((node) => [node.id, node.label])).toEqual([
      ['c1', 'Ada'],
      ['o1', 'O-1'],
      ['o2', 'O-2'],
      ['p1', 'Lamp'],
    ]);
    expect(graph.edges.map((edge) => edge.id)).toEqual(['l1', 'l2', 'l4']);
    expect(graph.edges[0]?.label).toBe('placed order');
    const layout = layoutNeighbourhood('c1', graph.nodes, graph.edges, 2);
    expect(layout.nodes.find((node) => node.id === 'p1')?.hop).toBe(2);
  });
});
