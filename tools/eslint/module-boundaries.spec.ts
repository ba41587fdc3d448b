import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { allowedImports, depConstraintsFrom, parseDependencyLines } from './layer-constraints.mjs';

const WORKSPACE = fileURLToPath(new URL('../..', import.meta.url));
const ARCHITECTURE = readFileSync(new URL('../../docs/ARCHITECTURE.md', import.meta.url), 'utf8');

describe('layer constraints generated from docs/ARCHITECTURE.md', () => {
  const allowed = allowedImports(parseDependencyLines(ARCHITECTURE));

  it('lets each layer import only the lines above it', () => {
    expect(allowed['kernel']).toEqual([]);
    expect(allowed['db']).toEqual(['kernel']);
    expect(allowed['testing']).toEqual(['kernel', 'db']);
    expect(allowed['observability']).toEqual(['kernel', 'db', 'testing']);
    expect(allowed['governance']).toContain('observability');
    expect(allowed['governance']).not.toContain('model-gateway');
    expect(allowed['context']).toEqual(expect.arrayContaining(['vectors', 'ontology', 'model-gateway']));
    expect(allowed['packaging']).toContain('human-ai-apps');
  });

  it('keeps peers on one line apart', () => {
    expect(allowed['vectors']).not.toContain('ontology');
    expect(allowed['ontology']).not.toContain('vectors');
    expect(allowed['dev-extensions']).not.toContain('enterprise-workflows');
  });

  it('lets apps import every layer library and tools none', () => {
    const constraints = depConstraintsFrom(ARCHITECTURE);
    const app = constraints.find((constraint) => constraint.sourceTag === 'layer:app');
    expect(app?.onlyDependOnLibsWithTags).toHaveLength(Object.keys(allowed).length);
    expect(app?.onlyDependOnLibsWithTags).not.toContain('layer:app');
    expect(constraints.find((constraint) => constraint.sourceTag === 'layer:tools')?.onlyDependOnLibsWithTags).toEqual([]);
  });

  it('rejects a malformed block with a message that says what is wrong', () => {
    expect(() => parseDependencyLines('# nothing here')).toThrow(/Dependency direction/);
    expect(() => parseDependencyLines('## Dependency direction\n```\na, b | c\n```')).toThrow(/Mixing/);
    expect(() => allowedImports(parseDependencyLines('## Dependency direction\n```\na\nb | a\n```'))).toThrow(/twice/);
  });
});

describe('@nx/enforce-module-boundaries on the real workspace', () => {
  const eslint = new ESLint({ cwd: WORKSPACE });

  async function boundaryErrors(filePath: string, code: string): Promise<string[]> {
    const [result] = await eslint.lintText(code, { filePath: `${WORKSPACE}/${filePath}` });
    return (result?.messages ?? [])
      .filter((message) => message.ruleId === '@nx/enforce-module-boundaries' || message.ruleId === 'no-restricted-imports')
      .map((message) => message.message);
  }

  it('fails an import against the layer direction', async () => {
    // kernel is below db; Nx names the back edge (db already imports kernel) before the tag rule.
    const errors = await boundaryErrors('libs/kernel/src/lib/lint-fixture.ts', "import { PrismaService } from '@strata/db';\nexport const x = PrismaService;\n");
    expect(errors.join('\n')).toMatch(/Circular dependency between "kernel" and "db"|layer:kernel.*can only depend on/);
  });

  it('fails an import that the tags do not allow', async () => {
    const errors = await boundaryErrors('tools/scripts/lint-fixture.ts', "import { newId } from '@strata/kernel';\nexport const x = newId;\n");
    expect(errors.join('\n')).toMatch(/A project tagged with "layer:tools" cannot depend on any libs with tags/);
  });

  it('fails a foundation library importing a later one on its line', async () => {
    const errors = await boundaryErrors('libs/db/src/lib/lint-fixture.ts', "import { createTestDatabase } from '@strata/testing';\nexport const x = createTestDatabase;\n");
    expect(errors.join('\n')).toMatch(/Test helpers belong in \*\.spec\.ts files only/);
  });

  it('fails a library importing an app', async () => {
    const errors = await boundaryErrors('libs/db/src/lib/lint-fixture.ts', "import { createApiApp } from '../../../../apps/api/src/app/bootstrap';\nexport const x = createApiApp;\n");
    expect(errors.length).toBeGreaterThan(0);
  });

  it('passes an import in the allowed direction', async () => {
    expect(await boundaryErrors('libs/db/src/lib/lint-fixture.ts', "import { newId } from '@strata/kernel';\nexport const x = newId;\n")).toEqual([]);
    expect(await boundaryErrors('apps/api/src/lint-fixture.ts', "import { PrismaService } from '@strata/db';\nexport const x = PrismaService;\n")).toEqual([]);
  });
});
