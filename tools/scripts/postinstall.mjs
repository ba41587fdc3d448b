// Generates the Prisma client after `npm install`. Runs on whatever Node npm uses (20 on these
// machines); `prisma generate` works there. The engine download is disabled: we are offline, and
// generate does not need it (libs/db uses the WASM schema engine for migrations).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

if (!existsSync('libs/db/prisma/schema')) process.exit(0);
const result = spawnSync('npx', ['--no', 'prisma', 'generate', '--config', 'libs/db/prisma.config.ts'], {
  stdio: 'inherit',
  env: { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: '/bin/false', CHECKPOINT_DISABLE: '1', PRISMA_HIDE_UPDATE_MESSAGE: '1' },
});
process.exit(result.status ?? 1);
