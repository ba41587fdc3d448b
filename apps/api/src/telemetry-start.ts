import { loadConfig, type StrataConfig } from '@strata/kernel';
import { startTelemetry, telemetryOptionsFromConfig, traceStoreOptionsFromConfig } from '@strata/observability';
import { STRATA_VERSION } from './app/version';

/**
 * Starts the SDK from the validated config (second half of telemetry.ts, loaded after the import
 * hook). An invalid config starts nothing here: main.js validates the same environment right after
 * and exits 78 naming each bad variable, so reporting it here too would print it twice.
 */
export function start(): void {
  let config: StrataConfig | undefined;
  try {
    config = loadConfig();
  } catch {
    return;
  }
  try {
    startTelemetry(telemetryOptionsFromConfig(config, STRATA_VERSION), traceStoreOptionsFromConfig(config));
  } catch (error) {
    const coded = error as { code?: string; message?: string };
    console.error(`Strata failed to start telemetry: ${coded.code ? `${coded.code}: ` : ''}${coded.message ?? String(error)}`);
    process.exit(1);
  }
}
