/** The benchmark's server processes: started, waited for, measured (CPU time, memory) and stopped. */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import pidusage from 'pidusage';

export interface ServerProcess {
  name: string;
  pid: number;
  /** Everything the process printed, for errors and for values it prints (a port, a key). */
  output: () => string;
  /** User + system CPU time used so far, in milliseconds (the process and its live children: API workers). */
  cpuMs: () => Promise<number>;
  /** Resident memory now and at its peak (VmRSS / VmHWM), in MiB, summed over the process and its children. */
  memory: () => Promise<{ rssMiB: number; peakMiB: number }>;
  stop: () => Promise<void>;
}

export async function startServer(
  name: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; ready: (output: string) => boolean; timeoutMs?: number },
): Promise<ServerProcess> {
  const child: ChildProcess = spawn(process.execPath, args, { env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const append = (data: Buffer) => {
    // Keep the start (ports, keys) and the end (errors); the middle of a chatty log is dropped.
    output = output.length > 200_000 ? output.slice(0, 100_000) + output.slice(-50_000) + data.toString('utf8') : output + data.toString('utf8');
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  // BENCH_SERVER_LOG_DIR: each server's whole output in <dir>/<name>.log (e.g. with `--trace-gc`).
  const logDir = process.env['BENCH_SERVER_LOG_DIR'];
  if (logDir) {
    const file = createWriteStream(`${logDir}/${name}.log`);
    child.stdout?.pipe(file);
    child.stderr?.pipe(file);
  }
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const deadline = Date.now() + (options.timeoutMs ?? 120_000);
  let early: number | null | undefined;
  void exited.then((code) => (early = code));
  while (!options.ready(output)) {
    if (early !== undefined) throw new Error(`${name} exited (${early}) before it was ready:\n${output.slice(-4000)}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${name} was not ready in time:\n${output.slice(-4000)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const pid = child.pid as number;
  return {
    name,
    pid,
    output: () => output,
    cpuMs: async () => {
      const usage = await pidusage(await processTree(pid));
      return Object.values(usage).reduce((sum, one) => sum + one.ctime, 0);
    },
    memory: async () => {
      let rssMiB = 0;
      let peakMiB = 0;
      for (const one of await processTree(pid)) {
        const status = await readFile(`/proc/${one}/status`, 'utf8').catch(() => '');
        const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
        rssMiB += kib('VmRSS') / 1024;
        peakMiB += kib('VmHWM') / 1024;
      }
      return { rssMiB, peakMiB };
    },
    stop: async () => {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

export async function waitForHttp(url: string, init: RequestInit = {}, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const response = await fetch(url, init);
      await response.arrayBuffer();
      if (response.status < 500) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A process and its descendants (Linux /proc), e.g. node:cluster workers under their primary. */
async function processTree(root: number): Promise<number[]> {
  const pids = [root];
  for (let index = 0; index < pids.length; index++) {
    const pid = pids[index] as number;
    const tasks = await readdir(`/proc/${pid}/task`).catch(() => [] as string[]);
    for (const task of tasks) {
      const children = await readFile(`/proc/${pid}/task/${task}/children`, 'utf8').catch(() => '');
      for (const child of children.split(/\s+/)) if (child) pids.push(Number(child));
    }
  }
  return pids;
}
