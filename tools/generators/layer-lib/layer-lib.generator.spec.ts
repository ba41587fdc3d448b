import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Tree } from '@nx/devkit';
import { readProjectConfiguration } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { beforeEach, describe, expect, it } from 'vitest';
import { layerLibGenerator } from './layer-lib.generator';

const WORKSPACE = fileURLToPath(new URL('../../..', import.meta.url));
const ARCHITECTURE = readFileSync(path.join(WORKSPACE, 'docs/ARCHITECTURE.md'), 'utf8');

describe('layer-lib generator', () => {
  let tree: Tree;

  beforeEach(() => {
    tree = createTreeWithEmptyWorkspace();
    tree.write('docs/ARCHITECTURE.md', ARCHITECTURE);
  });

  it('creates a tagged library with README, index, Nest module, errors, vitest config and a spec', async () => {
    await layerLibGenerator(tree, { name: 'model-gateway', description: 'Routes model calls.' });

    const project = readProjectConfiguration(tree, 'model-gateway');
    expect(project.root).toBe('libs/model-gateway');
    expect(project.tags).toEqual(['layer:model-gateway', 'type:feature']);
    for (const file of [
      'package.json',
      'tsconfig.json',
      'vitest.config.ts',
      'README.md',
      'src/index.ts',
      'src/lib/model-gateway.module.ts',
      'src/lib/model-gateway.errors.ts',
      'src/lib/model-gateway.module.spec.ts',
    ]) {
      expect(tree.exists(`libs/model-gateway/${file}`), file).toBe(true);
    }
    expect(JSON.parse(tree.read('libs/model-gateway/package.json', 'utf-8') ?? '{}')).toMatchObject({
      name: '@strata/model-gateway',
      exports: { '.': './src/index.ts' },
    });
    expect(tree.read('libs/model-gateway/src/index.ts', 'utf-8')).toContain('ModelGatewayModule');
    const readme = tree.read('libs/model-gateway/README.md', 'utf-8') ?? '';
    expect(readme).toContain('Routes model calls.');
    expect(readme).toContain('May import: kernel, db, testing, observability, governance');
    expect(tree.exists('libs/db/prisma/schema/model-gateway.prisma')).toBe(true);
  });

  it('refuses a layer that the architecture does not name, and an existing one', async () => {
    await expect(layerLibGenerator(tree, { name: 'billing' })).rejects.toThrow(/not in the Dependency direction/);
    await layerLibGenerator(tree, { name: 'governance' });
    await expect(layerLibGenerator(tree, { name: 'governance' })).rejects.toThrow(/already exists/);
  });

  it('generates a library whose spec passes', async () => {
    await layerLibGenerator(tree, { name: 'ontology' });
    // Written inside the workspace (tmp/ is git-ignored) so that packages (and @strata/kernel) resolve from the workspace.
    const out = path.join(WORKSPACE, 'tmp/strata-generator-probe');
    rmSync(out, { recursive: true, force: true });
    for (const file of ['vitest.config.ts', 'tsconfig.json', 'src/lib/ontology.module.ts', 'src/lib/ontology.errors.ts', 'src/lib/ontology.module.spec.ts']) {
      const target = path.join(out, file);
      mkdirSync(path.dirname(target), { recursive: true });
      writeFileSync(target, tree.read(`libs/ontology/${file}`, 'utf-8') ?? '');
    }
    writeFileSync(path.join(out, 'tsconfig.json'), JSON.stringify({ extends: path.join(WORKSPACE, 'tsconfig.base.json'), include: ['src/**/*.ts'] }));
    const result = spawnSync(process.execPath, [path.join(WORKSPACE, 'node_modules/vitest/vitest.mjs'), 'run', '--root', out], {
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1' },
      timeout: 120_000,
    });
    rmSync(out, { recursive: true, force: true });
    expect(result.stdout + result.stderr).toMatch(/Tests\s+2 passed/);
    expect(result.status).toBe(0);
  });
});
