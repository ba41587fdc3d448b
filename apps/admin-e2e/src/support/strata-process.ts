import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const WORKSPACE_ROOT = fileURLToPath(new URL('../../../..', import.meta.url));

export interface StrataProcess {
  baseUrl: string;
  output: () => string;
  stop: () => Promise<number | null>;
}

/**
 * Starts the built platform (`node dist/apps/api/main.js`, the same artifact `npm start` runs)
 * on a free port with its own embedded database, and waits until it is ready.
 */
export async function startStrata(options: { dataDir?: string; env?: Record<string, string> } = {}): Promise<StrataProcess> {
  const main = path.join(WORKSPACE_ROOT, 'dist/apps/api/main.js');
  if (!existsSync(main)) throw new Error(`${main} is missing: build first (npx nx run-many -t build -p api admin).`);
  const dataDir = options.dataDir ?? (await mkdtemp(path.join(tmpdir(), 'strata-e2e-')));
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  let output = '';
  // The same command as `npm start`: the OpenTelemetry preload first, then the API.
  const telemetry = path.join(WORKSPACE_ROOT, 'dist/apps/api/telemetry.js');
  const child: ChildProcess = spawn(process.execPath, ['--import', telemetry, main], {
    cwd: WORKSPACE_ROOT,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', STRATA_DATA_DIR: dataDir, LOG_LEVEL: 'warn', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const baseUrl = `http://127.0.0.1:${port}`;
  // Generous: a loaded 2-core CI machine has taken ~60 s to start the built platform.
  const deadline = Date.now() + 150_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`Strata exited with ${child.exitCode}:\n${output}`);
    try {
      const response = await fetch(`${baseUrl}/health/ready`);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`Strata was not ready within 150 s:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }

  return {
    baseUrl,
    output: () => output,
    stop: async () => {
      child.kill('SIGTERM');
      const code = await exited;
      if (!options.dataDir) await rm(dataDir, { recursive: true, force: true });
      return code;
    },
  };
}
