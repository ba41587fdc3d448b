import { describe, expect, it } from 'vitest';
import { InvalidConfigError, loadConfig } from './load-config';

describe('loadConfig', () => {
  it('applies defaults for an empty environment', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      PORT: 3000,
      HOST: '127.0.0.1',
      STRATA_DATA_DIR: '.strata',
      STRATA_MIGRATE_ON_START: true,
      STRATA_BODY_LIMIT: '1mb',
    });
    expect(config.DATABASE_URL).toBeUndefined();
  });

  it('coerces numbers and booleans and treats empty strings as unset', () => {
    const config = loadConfig({ PORT: '8080', STRATA_MIGRATE_ON_START: 'false', LOG_LEVEL: '' });
    expect(config.PORT).toBe(8080);
    expect(config.STRATA_MIGRATE_ON_START).toBe(false);
    expect(config.LOG_LEVEL).toBe('info');
  });

  it('names every bad variable and the value it got', () => {
    let error: InvalidConfigError | undefined;
    try {
      loadConfig({ PORT: 'eighty', LOG_LEVEL: 'loud' });
    } catch (caught) {
      error = caught as InvalidConfigError;
    }
    expect(error).toBeInstanceOf(InvalidConfigError);
    expect(error?.code).toBe('kernel.invalid_config');
    expect(error?.issues.map((issue) => issue.variable).sort()).toEqual(['LOG_LEVEL', 'PORT']);
    expect(error?.message).toMatch(/PORT: .*\(got "eighty"\)/);
  });

  it('refuses several API workers on the embedded database, allows them with a server', () => {
    expect(loadConfig({}).STRATA_API_WORKERS).toBe(1);
    let error: InvalidConfigError | undefined;
    try {
      loadConfig({ STRATA_API_WORKERS: '2' });
    } catch (caught) {
      error = caught as InvalidConfigError;
    }
    expect(error).toBeInstanceOf(InvalidConfigError);
    expect(error?.issues.map((issue) => issue.variable)).toEqual(['STRATA_API_WORKERS']);
    expect(error?.message).toMatch(/STRATA_API_WORKERS: must be 1 on the embedded database .*DATABASE_URL/);
    expect(loadConfig({ STRATA_API_WORKERS: '2', DATABASE_URL: 'postgresql://db.example/strata' }).STRATA_API_WORKERS).toBe(2);
    expect(() => loadConfig({ STRATA_API_WORKERS: '0' })).toThrow(/STRATA_API_WORKERS/);
  });

  it('never echoes a secret value', () => {
    expect(() => loadConfig({ DATABASE_URL: 'mysql://root:hunter2@db/x' })).toThrow(/DATABASE_URL: must be a postgres/);
    try {
      loadConfig({ DATABASE_URL: 'mysql://root:hunter2@db/x' });
    } catch (error) {
      expect((error as Error).message).not.toContain('hunter2');
    }
  });

  it('accepts a PostgreSQL URL', () => {
    expect(loadConfig({ DATABASE_URL: 'postgresql://u:p@127.0.0.1:5432/strata' }).DATABASE_URL).toContain('5432');
  });
});
