// Generates @nx/enforce-module-boundaries depConstraints from the "Dependency direction" block of
// docs/ARCHITECTURE.md, so the written design and the lint rule cannot drift apart.
//
// Block format (one fenced block under the heading): one line per level, earliest first.
//   `a, b, c`  an ordered line: each may import the ones before it on the line (the foundation)
//   `a | b`    peers: they never import each other
// A library may import every library on an earlier line. Apps (layer:app) may import any library,
// never another app. Tools (layer:tools) import no library.
import { readFileSync } from 'node:fs';

/** @returns {{ names: string[]; ordered: boolean }[]} the levels, earliest first; `ordered` lines keep their order. */
export function parseDependencyLines(markdown) {
  const section = markdown.split(/^## Dependency direction\s*$/m)[1];
  if (!section) throw new Error('docs/ARCHITECTURE.md has no "## Dependency direction" section');
  const block = section.match(/```[a-z]*\n([\s\S]*?)```/);
  if (!block) throw new Error('The "Dependency direction" section has no fenced block of layer lines');
  return block[1]
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      if (line.includes(',') && line.includes('|')) throw new Error(`Mixing "," and "|" on one line: ${line}`);
      const ordered = line.includes(',');
      const names = line.split(ordered ? ',' : '|').map((name) => name.trim());
      for (const name of names) {
        if (!/^[a-z][a-z0-9-]*$/.test(name)) throw new Error(`Not a layer name: "${name}" in "${line}"`);
      }
      return { names, ordered };
    });
}

/**
 * @param {{ names: string[]; ordered: boolean }[]} lines
 * @returns {Record<string, string[]>} for each layer, the layers it may import.
 */
export function allowedImports(lines) {
  const allowed = {};
  const earlier = [];
  for (const { names, ordered } of lines) {
    names.forEach((name, index) => {
      if (allowed[name]) throw new Error(`Layer "${name}" appears twice`);
      allowed[name] = [...earlier, ...(ordered ? names.slice(0, index) : [])];
    });
    earlier.push(...names);
  }
  return allowed;
}

const TYPE_CONSTRAINTS = [
  { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:feature', 'type:data', 'type:util'] },
  { sourceTag: 'type:feature', onlyDependOnLibsWithTags: ['type:feature', 'type:data', 'type:util'] },
  { sourceTag: 'type:data', onlyDependOnLibsWithTags: ['type:data', 'type:util'] },
  { sourceTag: 'type:util', onlyDependOnLibsWithTags: ['type:util'] },
];

export function depConstraintsFrom(markdown) {
  const allowed = allowedImports(parseDependencyLines(markdown));
  const layers = Object.keys(allowed);
  return [
    ...layers.map((layer) => ({
      sourceTag: `layer:${layer}`,
      onlyDependOnLibsWithTags: allowed[layer].map((name) => `layer:${name}`),
    })),
    { sourceTag: 'layer:app', onlyDependOnLibsWithTags: layers.map((name) => `layer:${name}`) },
    { sourceTag: 'layer:tools', onlyDependOnLibsWithTags: [] },
    ...TYPE_CONSTRAINTS,
  ];
}

export function depConstraints(architectureFile = new URL('../../docs/ARCHITECTURE.md', import.meta.url)) {
  return depConstraintsFrom(readFileSync(architectureFile, 'utf8'));
}
