/**
 * Preload entry of the API process: `node --import ./dist/apps/api/telemetry.js dist/apps/api/main.js`.
 *
 * The OpenTelemetry SDK must be running before `http`, `express`, `@nestjs/core` and `pg` are
 * loaded, or their instrumentations never patch them; `main.js` imports all of them statically,
 * so the SDK cannot be started from inside it. This file first installs the ES-module import hook
 * (synchronous `module.registerHooks`, limited to the instrumented packages), then loads the
 * rest with a dynamic import so that nothing it pulls in is evaluated before the hook exists.
 * The bundle is built with tree-shaking of side-effect-free modules and a check that it imports
 * none of the instrumented packages (vite.config.ts).
 */
import { register } from 'import-in-the-middle/register-hooks.mjs';
import { INSTRUMENTED_ESM_MODULES } from '@strata/observability';

// Off means off: no import hook either (its only purpose is the instrumentations).
if (process.env['STRATA_TELEMETRY'] !== 'off') {
  register({ include: [...INSTRUMENTED_ESM_MODULES] });
  const { start } = await import('./telemetry-start');
  start();
}
