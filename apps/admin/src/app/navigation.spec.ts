import { describe, expect, it } from 'vitest';
import { NAVIGATION, navigationSections } from './navigation';
import { routes } from './routes';

function routedPaths(): Set<string> {
  const paths = new Set<string>();
  for (const route of routes) {
    if (route.path && route.path !== '/') paths.add(route.path);
    for (const child of route.children ?? []) {
      if (child.index) paths.add('/');
      else if (child.path && child.path !== '*') paths.add(`/${child.path}`);
    }
  }
  return paths;
}

describe('navigation', () => {
  it('links only to routes that exist', () => {
    const paths = routedPaths();
    for (const item of NAVIGATION) expect(paths, item.path).toContain(item.path);
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
