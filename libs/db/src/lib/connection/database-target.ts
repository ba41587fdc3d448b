export type DatabaseMode = 'embedded' | 'server';

export interface DatabaseTargetOptions {
  /** A PostgreSQL server; unset means the embedded database. */
  databaseUrl?: string;
  /** The embedded database's folder. */
  dataDir: string;
  /** The embedded database's loopback port (0: any free port). */
  embeddedPort?: number;
}

/** The URL with any password replaced, for logs and status pages. */
export function redactDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '****';
    return parsed.toString();
  } catch {
    return '(unparseable database URL)';
  }
}
