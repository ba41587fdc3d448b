import { Link } from 'react-router';
import { layoutNeighbourhood, shortLabel, type GraphEdgeInput, type GraphNodeInput } from '../../app/ontology-graph';

/**
 * An object's neighbourhood as an SVG: nodes are links to the objects, edges are labelled with
 * their link type. The drawing is one image for assistive technology (its title says what it
 * shows); the list after it carries the same links and edges in reading order.
 */
export function NeighbourhoodGraph({ centerId, nodes, edges, hops }: { centerId: string; nodes: GraphNodeInput[]; edges: GraphEdgeInput[]; hops: 1 | 2 }) {
  const layout = layoutNeighbourhood(centerId, nodes, edges, hops);
  const byId = new Map(layout.nodes.map((node) => [node.id, node]));
  const center = byId.get(centerId);
  if (!center) return null;
  const types = [...new Set(layout.nodes.map((node) => node.typeApiName))].sort();
  const colour = (type: string) => `ontology-node-${types.indexOf(type) % 6}`;
  return (
    <figure className="ontology-graph" data-testid="ontology-graph">
      <svg
        viewBox={layout.viewBox}
        width="100%"
        style={{ maxWidth: layout.size }}
        role="group"
        aria-labelledby="graph-title"
        className="ontology-graph-svg"
      >
        <title id="graph-title">
          Neighbourhood of {center.label}: {layout.nodes.length - 1} related object{layout.nodes.length === 2 ? '' : 's'} within {hops} hop{hops === 1 ? '' : 's'}
        </title>
        <g className="ontology-edges" aria-hidden="true">
          {layout.edges.map((edge) => (
            <g key={edge.id} className="ontology-edge" data-link-type={edge.linkTypeApiName}>
              <line x1={edge.x1} y1={edge.y1} x2={edge.x2} y2={edge.y2} />
              <text x={edge.labelX} y={edge.labelY} textAnchor="middle" className="ontology-edge-label">
                {edge.label ?? edge.linkTypeApiName}
              </text>
            </g>
          ))}
        </g>
        <g className="ontology-nodes">
          {layout.nodes.map((node) => (
            <Link key={node.id} to={`/ontology/objects/${node.id}`} aria-label={`${node.label} (${node.typeApiName})`}>
              <g className={`ontology-node ${colour(node.typeApiName)} ${node.id === centerId ? 'ontology-node-center' : ''}`} transform={`translate(${node.x} ${node.y})`}>
                <title>
                  {node.label} ({node.typeApiName})
                </title>
                <circle r={node.id === centerId ? 24 : 18} />
                <text y={node.id === centerId ? 40 : 33} textAnchor="middle" className="ontology-node-label">
                  {shortLabel(node.label, 20)}
                </text>
                <text y={node.id === centerId ? 53 : 46} textAnchor="middle" className="ontology-node-type">
                  {node.typeApiName}
                </text>
              </g>
            </Link>
          ))}
        </g>
      </svg>
      <figcaption>
        <span className="muted">{hops === 1 ? 'Direct links' : 'Links up to two hops away'}; select an object to open it.</span>
        {/* The same graph as a list, for screen readers (the drawing's positions carry no meaning of their own). */}
        <div className="visually-hidden">
          <ul aria-label="Links in the graph">
            {edges
              .map((edge) => ({ edge, from: byId.get(edge.fromId), to: byId.get(edge.toId) }))
              .map(({ edge, from, to }) => {
                if (!from || !to) return null;
                return (
                  <li key={edge.id}>
                    <Link to={`/ontology/objects/${from.id}`}>{from.label}</Link> <span className="mono">{edge.label ?? edge.linkTypeApiName}</span>{' '}
                    <Link to={`/ontology/objects/${to.id}`}>{to.label}</Link>
                  </li>
                );
              })}
          </ul>
        </div>
      </figcaption>
    </figure>
  );
}
