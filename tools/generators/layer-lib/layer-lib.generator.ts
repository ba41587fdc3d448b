import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateFiles, joinPathFragments, names, type Tree } from '@nx/devkit';
import { parseDependencyLines } from '../../eslint/layer-constraints.mjs';

export interface LayerLibSchema {
  name: string;
  description?: string;
}

const ARCHITECTURE = 'docs/ARCHITECTURE.md';
const FILES = path.join(path.dirname(fileURLToPath(import.meta.url)), 'files');

/**
 * `nx g @strata/tools:layer-lib <name>`: a library under libs/<name> with the tags, README,
 * public index, Nest module, errors file, vitest config and a passing spec; and the layer's own
 * Prisma schema file. The layer must already be in the dependency lines of docs/ARCHITECTURE.md,
 * which is where its import rules come from.
 */
export async function layerLibGenerator(tree: Tree, schema: LayerLibSchema): Promise<void> {
  const layer = schema.name.trim();
  const architecture = tree.read(ARCHITECTURE, 'utf-8');
  if (!architecture) throw new Error(`${ARCHITECTURE} is missing; the layer's import rules come from it.`);
  const levels = parseDependencyLines(architecture);
  const level = levels.findIndex((line) => line.names.includes(layer));
  if (level === -1) {
    throw new Error(
      `"${layer}" is not in the Dependency direction block of ${ARCHITECTURE}. Add it on the line for its level first, so lint knows what it may import.`,
    );
  }
  const root = joinPathFragments('libs', layer);
  if (tree.exists(joinPathFragments(root, 'project.json'))) {
    throw new Error(`${root} already exists.`);
  }

  const { className, fileName, constantName } = names(layer);
  const mayImport = levels
    .slice(0, level)
    .flatMap((line) => line.names)
    .join(', ');
  generateFiles(tree, FILES, root, {
    layer,
    fileName,
    className,
    constantName,
    description: schema.description ?? `The ${layer} layer of Strata.`,
    mayImport,
    tmpl: '',
  });

  const prismaFile = joinPathFragments('libs/db/prisma/schema', `${fileName}.prisma`);
  if (!tree.exists(prismaFile)) {
    tree.write(
      prismaFile,
      `// Layer: ${layer} (libs/${layer}). The models below are owned by this layer: only its repositories\n` +
        `// touch them. Every tenant-owned model has \`tenantId\`. After a change: npm run db:new -- <name>\n`,
    );
  }
}

export default layerLibGenerator;
