import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/** Starts main.ts with `env` over this process's environment, as a child (it may exit). */
function boot(env: Record<string, string>) {
  const main = fileURLToPath(new URL('./main.ts', import.meta.url));
  const tsconfig = fileURLToPath(new URL('../../../tsconfig.base.json', import.meta.url));
  return spawnSync(process.execPath, ['--import', 'tsx', main], {
    env: { ...process.env, TSX_TSCONFIG_PATH: tsconfig, STRATA_DATA_DIR: '/nonexistent/never-created', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
}

describe('main (boot)', () => {
  it('refuses to start on a bad config value, naming the variable, before touching any database', () => {
    const result = boot({ PORT: 'eighty', LOG_LEVEL: 'loud' });
    expect(result.status).toBe(78);
    expect(result.stderr).toContain('Invalid configuration');
    expect(result.stderr).toMatch(/PORT: .*"eighty"/);
    expect(result.stderr).toMatch(/LOG_LEVEL: /);
  });

  it('refuses several API workers on the embedded database (exit 78, naming STRATA_API_WORKERS)', () => {
    const result = boot({ STRATA_API_WORKERS: '2', DATABASE_URL: '' });
    expect(result.status).toBe(78);
    expect(result.stderr).toMatch(/STRATA_API_WORKERS: must be 1 on the embedded database/);
  });
});
