import pg from 'pg';

/** A database of its own on the server a benchmark was given (BENCH_DATABASE_URL), dropped after. */
export interface BenchDatabase {
  url: string;
  drop(): Promise<void>;
}

/** Creates `strata_<label>_<pid>` afresh on `serverUrl` (dropping a leftover of the same name). */
export async function createBenchDatabase(serverUrl: string, label: string): Promise<BenchDatabase> {
  const name = `strata_${label}_${process.pid}`;
  const onServer = async (sql: string) => {
    const client = new pg.Client({ connectionString: serverUrl });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await onServer(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await onServer(`CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => onServer(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}
