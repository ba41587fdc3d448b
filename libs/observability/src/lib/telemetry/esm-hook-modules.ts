// No imports here: the preload entry loads this before the import hook exists (apps/api/src/telemetry.ts).

/**
 * The ES modules the import hook (import-in-the-middle) may wrap: the instrumented packages, matched
 * by URL so that files inside them are included too, and the HTTP builtins. Wrapping every module
 * of the application instead would slow the start and change module namespaces nobody patches.
 */
export const INSTRUMENTED_ESM_MODULES: readonly (string | RegExp)[] = [
  /\/node_modules\/(express|router|pg|pg-pool)\//,
  'http',
  'https',
];
