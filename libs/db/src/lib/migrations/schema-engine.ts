import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { bindMigrationAwareSqlAdapterFactory, type SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import type { SchemaEngine } from '@prisma/schema-engine-wasm';

type EngineModule = typeof import('@prisma/schema-engine-wasm/schema_engine_bg');

/** The slice of the WebAssembly JS API used here (the ES lib has no WebAssembly types without DOM). */
const wasm = (
  globalThis as unknown as {
    WebAssembly: {
      Module: new (bytes: Uint8Array) => object;
      Instance: new (module: object, imports: Record<string, unknown>) => { exports: Record<string, unknown> };
    };
  }
).WebAssembly;

let loaded: Promise<EngineModule> | undefined;

/**
 * Loads Prisma's schema engine compiled to WebAssembly, once per process. It is the same Rust
 * migration code as the CLI's native engine, which cannot be downloaded offline; it talks to the
 * database through a driver adapter instead of its own driver. The package's main entry imports the
 * .wasm file bundler-style, which Node cannot do, so the module is instantiated by hand.
 */
function loadEngineModule(): Promise<EngineModule> {
  loaded ??= (async () => {
    const glue = await import('@prisma/schema-engine-wasm/schema_engine_bg');
    const require = createRequire(import.meta.url);
    const wasmFile = path.join(
      path.dirname(require.resolve('@prisma/schema-engine-wasm/schema_engine_bg')),
      'schema_engine_bg.wasm',
    );
    const wasmModule = new wasm.Module(await readFile(wasmFile));
    const instance = new wasm.Instance(wasmModule, { './schema_engine_bg.js': glue });
    glue.__wbg_set_wasm(instance.exports);
    (instance.exports as { __wbindgen_start?: () => void }).__wbindgen_start?.();
    return glue;
  })();
  return loaded;
}

export interface EngineSession {
  engine: SchemaEngine;
  /** What the engine logged, for error messages. */
  logs: string[];
}

export async function openSchemaEngine(
  factory: SqlMigrationAwareDriverAdapterFactory,
  schemaFiles: ReadonlyArray<{ path: string; content: string }>,
): Promise<EngineSession> {
  const glue = await loadEngineModule();
  const logs: string[] = [];
  const engine = await glue.SchemaEngine.new(
    { datamodels: schemaFiles.map((file) => [file.path, file.content] as [string, string]) },
    (line: string) => {
      logs.push(line);
      if (logs.length > 200) logs.shift();
    },
    bindMigrationAwareSqlAdapterFactory(factory),
  );
  return { engine, logs };
}

export const EMPTY_SCHEMA_FILTER = { externalTables: [], externalEnums: [] };
