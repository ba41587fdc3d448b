// Read by the Prisma CLI (`prisma generate`, run after `npm install`). Migrations are not run by the
// CLI here: its native schema engine cannot be downloaded offline, so libs/db drives the WASM engine
// itself (see src/lib/migrations). Paths are relative to this file.
import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: 'prisma/schema',
  migrations: { path: 'prisma/migrations' },
});
