import type { RouteObject } from 'react-router';
import { describe, expect, it } from 'vitest';
import { NAVIGATION, navigationSections } from './navigation';
import { routes } from './routes';

/** Every routed path, through nested and pathless (layout) routes. */
function routedPaths(list: RouteObject[] = routes, parent = ''): Set<string> {
  const paths = new Set<string>();
  for (const route of list) {
    const own = route.path === undefined ? parent : route.path.startsWith('/') ? route.path : `${parent.replace(/\/$/, '')}/${route.path}`;
    if (route.index) paths.add(parent || '/');
    else if (route.path !== undefined && !route.path.includes('*')) paths.add(own || '/');
    for (const path of routedPaths(route.children ?? [], own)) paths.add(path);
  }
  return paths;
}

describe('navigation', () => {
  it('links only to routes that exist', () => {
    const paths = routedPaths();
    for (const item of NAVIGATION) expect(paths, item.path).toContain(item.path);
  });

  it('routes the governance and observability pages and deep links under them', () => {
    const paths = routedPaths();
    expect(paths).toContain('/governance/approvals/:id');
    expect(paths).toContain('/observability/traces/:traceId');
    expect(paths).toContain('/sign-in');
  });

  it('groups items by section in declaration order', () => {
    const sections = navigationSections([
      { path: '/a', label: 'A', section: 'Platform' },
      { path: '/b', label: 'B', section: 'Governance' },
      { path: '/c', label: 'C', section: 'Platform' },
    ]);
    expect(sections.map(([name, items]) => [name, items.map((item) => item.label)])).toEqual([
      ['Platform', ['A', 'C']],
      ['Governance', ['B']],
    ]);
  });
});
