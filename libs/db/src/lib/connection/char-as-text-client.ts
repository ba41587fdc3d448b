import pg from 'pg';

/**
 * A pg client that reports PostgreSQL's internal `"char"` type (OID 18) as text (OID 25).
 * @prisma/adapter-pg 7.10 cannot deserialize `"char"`, and the schema engine's catalog queries
 * (pg_class.relkind and friends) return it, so every migration command would fail without this.
 */
export class CharAsTextClient extends pg.Client {
  override query(...args: unknown[]): never {
    const result = (super.query as (...a: unknown[]) => unknown)(...args);
    if (result && typeof (result as Promise<unknown>).then === 'function') {
      return (result as Promise<pg.QueryResult | pg.QueryResult[]>).then((value) => {
        for (const item of Array.isArray(value) ? value : [value]) {
          for (const field of item?.fields ?? []) {
            if (field.dataTypeID === 18) field.dataTypeID = 25;
          }
        }
        return value;
      }) as never;
    }
    return result as never;
  }
}
