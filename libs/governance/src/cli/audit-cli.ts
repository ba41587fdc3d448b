/**
 * `npm run audit:verify -- --tenant <id|slug> [--public-key key.pem]…`: checks a tenant's audit
 * chain and checkpoint signatures (docs/audit.md) and names the first problem. Exit 0 intact, 1 a
 * problem was found, 2 usage or setup error. Read-only: it can run with a read-only database role,
 * and it records nothing (unlike POST /governance/audit/verify).
 *
 * Database: DATABASE_URL, else the embedded database in STRATA_DATA_DIR (through the running
 * platform's socket when it is up). Keys: each --public-key file (SPKI PEM, as served by
 * GET /governance/audit/public-key); without one, the platform's own key (STRATA_AUDIT_SIGNING_KEY
 * or the key file in STRATA_DATA_DIR).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { PrismaPg } from '@prisma/adapter-pg';
import { installJsonParseGuard, isDomainError, isUuid, loadConfig } from '@strata/kernel';
import { DEFAULT_PRISMA_DIR, openDatabase, PrismaClient, type DatabaseRuntime, type PrismaService } from '@strata/db';
import { AuditCheckpointsRepository } from '../lib/audit/audit-checkpoints.repository';
import { AuditEntriesRepository } from '../lib/audit/audit-entries.repository';
import { AuditKeyRing, AuditSigningKey, SIGNING_KEY_FILE } from '../lib/audit/audit-signing-key';
import { AuditVerifier } from '../lib/audit/audit-verifier';

const USAGE = `Usage: npm run audit:verify -- --tenant <id|slug> [--public-key key.pem]... [--batch-size N] [--json]
  --tenant       the tenant whose chain to check (UUID or slug)
  --public-key   an Ed25519 public key (PEM) to check checkpoint signatures with; repeatable.
                 Default: the platform's signing key from STRATA_AUDIT_SIGNING_KEY or STRATA_DATA_DIR.
  --batch-size   entries read per query (default 1000)
  --json         print only the result as JSON`;

/** The embedded database's lock file, written by the process that holds it: `{ pid, url }` (see docs/ARCHITECTURE.md). */
const EMBEDDED_LOCK = 'embedded.lock';

class UsageError extends Error {}

async function main(argv: string[]): Promise<number> {
  installJsonParseGuard(); // the details it hashes are read back through JSON.parse
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      tenant: { type: 'string' },
      'public-key': { type: 'string', multiple: true },
      'batch-size': { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (positionals[0] !== 'verify' || positionals.length > 1) throw new UsageError(USAGE);
  if (!values.tenant) throw new UsageError(`--tenant is required.\n${USAGE}`);
  const batchSize = values['batch-size'] === undefined ? 1000 : Number(values['batch-size']);
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10_000) throw new UsageError('--batch-size must be an integer from 1 to 10000.');
  const say = values.json ? () => undefined : (message: string) => process.stderr.write(`› ${message}\n`);

  const config = loadConfig();
  const keyRing = await resolveKeys(values['public-key'] ?? [], config, say);
  const target = await openTarget(config, say);
  const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: target.url, max: 2 }) });
  try {
    const tenant = await prisma.tenant.findFirst({ where: isUuid(values.tenant) ? { id: values.tenant.toLowerCase() } : { slug: values.tenant } });
    // A chain may outlive its tenant row: a UUID is checked even when no tenant has it.
    const tenantId = tenant?.id ?? (isUuid(values.tenant) ? values.tenant.toLowerCase() : undefined);
    if (!tenantId) throw new UsageError(`No tenant has the slug ${JSON.stringify(values.tenant)}.`);
    say(`Verifying the audit chain of tenant ${tenant ? `${tenant.slug} (${tenantId})` : tenantId} with key(s) ${keyRing.keyIds.join(', ') || 'none'}…`);
    const service = prisma as unknown as PrismaService;
    const verifier = new AuditVerifier(new AuditEntriesRepository(service), new AuditCheckpointsRepository(service), keyRing);
    const started = Date.now();
    const result = await verifier.verify(tenantId, {
      batchSize,
      onProgress: (checked, head) => say(`checked ${checked} of ${head} entries (${Math.round(checked / Math.max(1, (Date.now() - started) / 1000))}/s)`),
    });
    console.log(JSON.stringify(result, null, 2));
    if (result.ok) {
      say(`OK: ${result.checkedEntries} entries and ${result.checkedCheckpoints} checkpoints verified, through seq ${result.verifiedThrough?.seq ?? 0}.`);
      return 0;
    }
    say(`PROBLEM (${result.firstProblem?.kind} at seq ${result.firstProblem?.seq}): ${result.firstProblem?.message}`);
    return 1;
  } finally {
    await prisma.$disconnect();
    await target.close();
  }
}

async function resolveKeys(files: string[], config: ReturnType<typeof loadConfig>, say: (message: string) => void): Promise<AuditKeyRing> {
  if (files.length) {
    try {
      return AuditKeyRing.fromPem(files.map((file) => readFileSync(file, 'utf8')));
    } catch (error) {
      throw new UsageError(`Cannot use the public key file(s) ${files.join(', ')}: ${(error as Error).message}`);
    }
  }
  const keyFile = path.resolve(config.STRATA_DATA_DIR, SIGNING_KEY_FILE);
  if (!config.STRATA_AUDIT_SIGNING_KEY && !existsSync(keyFile)) {
    say(`No --public-key, no STRATA_AUDIT_SIGNING_KEY and no ${keyFile}: every checkpoint will be reported as signed by an unknown key.`);
    return new AuditKeyRing([]);
  }
  const key = await AuditSigningKey.load({ signingKey: config.STRATA_AUDIT_SIGNING_KEY, dataDir: config.STRATA_DATA_DIR });
  return key.ring;
}

async function openTarget(config: ReturnType<typeof loadConfig>, say: (message: string) => void): Promise<Pick<DatabaseRuntime, 'url' | 'close'>> {
  if (!config.DATABASE_URL) {
    const owner = readEmbeddedOwner(path.resolve(config.STRATA_DATA_DIR));
    if (owner) {
      say(`The embedded database is open in process ${owner.pid}; using its socket ${owner.url}`);
      return { url: owner.url, close: async () => undefined };
    }
  }
  const runtime = await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.STRATA_DATA_DIR, prismaDir: DEFAULT_PRISMA_DIR, poolMax: 2 });
  say(`Database: ${runtime.mode} (${runtime.mode === 'embedded' ? path.resolve(config.STRATA_DATA_DIR) : runtime.displayUrl})`);
  return runtime;
}

function readEmbeddedOwner(dataDir: string): { pid: number; url: string } | undefined {
  try {
    const owner = JSON.parse(readFileSync(path.join(dataDir, EMBEDDED_LOCK), 'utf8')) as { pid?: unknown; url?: unknown };
    if (typeof owner.pid !== 'number' || typeof owner.url !== 'string') return undefined;
    process.kill(owner.pid, 0);
    return { pid: owner.pid, url: owner.url };
  } catch {
    return undefined;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UsageError) {
      console.error(error.message);
      process.exit(2);
    }
    console.error(isDomainError(error) ? `${error.code}: ${error.message}` : error);
    process.exit(2);
  },
);
