import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeProvider, type FakeProvider, type FakeReply, type RecordedRequest } from '@strata/testing';
import { RUN_BOUNDARIES, RunWorker } from '@strata/context';
import { startApiHarness, type ApiHarness } from '../testing/api-harness';
import { RunCrashPlans, type KillPoint } from '../testing/run-crash-plans';
import { SweepToolsModule } from '../testing/sweep-tools';

const REPO = path.resolve(import.meta.dirname, '../../../..');
/** Short, so a killed worker's run is taken again soon (workers take other queued runs meanwhile), not so short that a loaded machine loses leases. */
const LEASE_MS = Number(process.env['SWEEP_LEASE_MS'] ?? 2000);
/** Worker processes at once on a PostgreSQL server (PGlite serves one session: one at a time there). */
const SERVER_WORKERS = Number(process.env['SWEEP_WORKERS'] ?? 3);
/** Fails the sweep when no run was killed or finished for this long (a stuck run, not a slow machine). */
const STALL_MS = 120_000;
/**
 * 42 kill points, each a worker start, most of a run and a resume. Measured on a 2-core machine
 * shared with other jobs (load 8–16): 3.3–6.5 min with a server (3 workers), 4.5–8 min on PGlite
 * (one worker at a time, its SQL executed in this process); an idle machine is faster. The
 * stall check (STALL_MS) catches a stuck sweep long before this.
 */
const SWEEP_TIMEOUT_MS = process.env['TEST_DATABASE_URL'] ? 900_000 : 1_500_000;
const TERMINAL = ['completed', 'failed', 'limit_exceeded', 'cancelled'];

/**
 * The scripted 10-step task: every execution kind (transactional in the checkpoint, external over
 * HTTP and as an ontology action, read), two calls in one step, one approval.
 */
const SCRIPT: FakeReply[] = [
  { toolCalls: [{ id: 'c0', name: 'record_effect', arguments: { label: 's0' } }] },
  { toolCalls: [{ id: 'c1', name: 'send_external', arguments: { label: 's1' } }] },
  { toolCalls: [{ id: 'c2', name: 'lookup', arguments: { label: 's2' } }] },
  {
    toolCalls: [
      { id: 'c3a', name: 'record_effect', arguments: { label: 's3a' } },
      { id: 'c3b', name: 'send_external', arguments: { label: 's3b' } },
    ],
  },
  { toolCalls: [{ id: 'c4', name: 'guarded_effect', arguments: { label: 's4' } }] },
  { toolCalls: [{ id: 'c5', name: 'record_effect', arguments: { label: 's5' } }] },
  { toolCalls: [{ id: 'c6', name: 'noteSweep', arguments: { label: 's6' } }] },
  { toolCalls: [{ id: 'c7', name: 'lookup', arguments: { label: 's7' } }] },
  { toolCalls: [{ id: 'c8', name: 'record_effect', arguments: { label: 's8' } }] },
  { text: 'sweep done' },
].map((reply) => ({ ...reply, usage: { inputTokens: 10, outputTokens: 5 } }));

/** The step a request is for: the assistant turns since the last user message (so a repeated request gets the same answer). */
function replyFor(request: RecordedRequest): FakeReply {
  const messages = (request.body as { messages: Array<{ role: string }> }).messages;
  const lastUser = messages.map((m) => m.role).lastIndexOf('user');
  const step = messages.slice(lastUser + 1).filter((m) => m.role === 'assistant').length;
  return SCRIPT[step] ?? { text: 'beyond the script' };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The uninterrupted run records every write boundary it passes (RunCrashPlans in this process);
 * each occurrence is a kill point. Every kill point gets its own run of the same task, and a pool
 * of worker child processes executes all of them: a worker SIGKILLs itself when the run it
 * executes reaches that run's kill point (once per run), another worker resumes the run after its
 * lease expired, and the test decides the approvals. Then every run's final state must equal the
 * uninterrupted run's.
 */
describe('crash-point sweep: a worker process SIGKILLed at every write boundary of a 10-step run', () => {
  let api: ApiHarness;
  let fake: FakeProvider;
  let receiver: Server;
  let receiverUrl: string;
  const received: Array<{ key: string; label: string }> = [];
  const answers = new Map<string, unknown>();
  const modelKeys = `sweep:${randomBytes(32).toString('base64')}`;
  let owner: string;
  let builder: string;
  let approver: string;
  let agentId: string;
  /** The worker entry bundled once (our libraries inlined), so each worker starts without transforming TypeScript. */
  const bundleDir = path.join(REPO, 'node_modules/.cache/strata-run-sweep', `${process.pid}-${randomBytes(4).toString('hex')}`);
  const childBundle = path.join(bundleDir, 'worker.mjs');
  /** The runs' crash plans, shared with every worker process. */
  const planDir = path.join(bundleDir, 'plans');

  const call = <T = Record<string, unknown>>(key: string, method: string, p: string, body?: unknown) => api.call<T>(key, method, p, body);

  async function keyFor(name: string, roles: string[]): Promise<string> {
    const account = await call<{ id: string }>(owner, 'POST', '/governance/service-accounts', { name, roles });
    return (await call<{ token: string }>(owner, 'POST', '/governance/api-keys', { name, serviceAccountId: account.body.id, roles })).body.token;
  }

  interface Worker {
    child: ChildProcessWithoutNullStreams;
    lines: string[];
    /** Its HTTP port once it serves (it has opened the database then). */
    port: number | undefined;
    /** Milliseconds from `go` to serving, and CPU milliseconds from its start to serving. */
    startMs: number | undefined;
    startCpuMs: number | undefined;
    /** After its output is drained. */
    closed: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
    output: () => string;
  }

  /** Starts a worker process that loads its modules now and opens the database when told to go. */
  function prepareWorker(): Worker {
    const child = spawn(process.execPath, [childBundle], {
      cwd: REPO,
      env: {
        ...process.env,
        SWEEP_DATABASE_URL: api.db.url,
        SWEEP_MODEL_KEYS: modelKeys,
        SWEEP_RECEIVER_URL: receiverUrl,
        SWEEP_LEASE_MS: String(LEASE_MS),
        SWEEP_PLAN_DIR: planDir,
        // A server takes concurrent sessions: the worker builds its application before `go` there,
        // and its lease heartbeat does not wait behind a checkpoint for the one connection.
        SWEEP_BUILD_BEFORE_GO: api.db.kind === 'server' ? '1' : '',
        SWEEP_POOL_MAX: api.db.kind === 'server' ? '4' : '1',
        SWEEP_PRISMA_DIR: path.join(REPO, 'libs/db/prisma'),
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let output = '';
    let pending = '';
    const worker: Worker = {
      child,
      lines: [],
      port: undefined,
      startMs: undefined,
      startCpuMs: undefined,
      closed: new Promise((resolve) => child.once('close', (code, signal) => resolve({ code, signal }))),
      output: () => output,
    };
    child.stderr.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
    child.stdout.on('data', (chunk: Buffer) => {
      pending += chunk.toString();
      let end: number;
      while ((end = pending.indexOf('\n')) !== -1) {
        const line = pending.slice(0, end);
        pending = pending.slice(end + 1);
        output = (output + line + '\n').slice(-4000);
        worker.lines.push(line);
        const ready = /^worker ready (\d+) (\d+) (\d+)$/.exec(line);
        if (ready) {
          worker.port = Number(ready[1]);
          worker.startMs = Number(ready[2]);
          worker.startCpuMs = Number(ready[3]);
        }
      }
    });
    return worker;
  }

  /**
   * Keeps `size` workers executing runs, and as many loaded ahead (so a killed worker is replaced at
   * once). A worker ends only by SIGKILL at a kill point, until `stop`; anything else fails the sweep.
   */
  function startPool(size: number, onKill: () => void) {
    const live = new Set<Worker>();
    const spares: Worker[] = [];
    const startMs: number[] = [];
    const startCpuMs: number[] = [];
    let stopping = false;
    const pool = {
      live,
      kills: 0,
      startMs,
      startCpuMs,
      failure: undefined as Error | undefined,
      ready: () => [...live].filter((w) => w.port !== undefined),
      async stop() {
        stopping = true;
        for (const spare of spares) spare.child.kill('SIGKILL');
        await Promise.all(spares.map((spare) => spare.closed));
        await Promise.all(
          [...live].map(async (worker) => {
            worker.child.kill('SIGTERM');
            const timer = setTimeout(() => worker.child.kill('SIGKILL'), 15_000);
            await worker.closed;
            clearTimeout(timer);
          }),
        );
      },
    };
    const launch = () => {
      const worker = spares.shift() ?? prepareWorker();
      spares.push(prepareWorker());
      live.add(worker);
      worker.child.stdin.write('go\n');
      void worker.closed.then(({ code, signal }) => {
        live.delete(worker);
        if (worker.startMs !== undefined) startMs.push(worker.startMs);
        if (worker.startCpuMs !== undefined) startCpuMs.push(worker.startCpuMs);
        if (stopping) return;
        if (signal === 'SIGKILL' && worker.lines.some((line) => line.startsWith('killed '))) {
          pool.kills += 1;
          onKill();
          launch();
        } else {
          pool.failure ??= new Error(`a worker exited (${code ?? signal}) outside a kill point: ${worker.output()}`);
        }
      });
    };
    for (let i = 0; i < size; i++) launch();
    return pool;
  }

  /** A call to a worker's API (how the test reads and decides while workers hold the database). */
  async function callWorker<T>(worker: Worker, key: string, method: string, p: string, body?: unknown): Promise<{ status: number; body: T }> {
    const response = await fetch(`http://127.0.0.1:${worker.port}${p}`, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
  }

  async function startRun(): Promise<string> {
    const session = await call<{ id: string }>(builder, 'POST', '/context/sessions', { agentId });
    const posted = await call<{ run: { id: string } }>(builder, 'POST', `/context/sessions/${session.body.id}/messages`, { content: 'Do the ten steps.' });
    expect(posted.status).toBe(202);
    return posted.body.run.id;
  }

  /** Everything the run left, with its id replaced and latencies dropped, so two runs of the same task compare equal. */
  async function finalState(runId: string) {
    const q = <T extends Record<string, unknown>>(sql: string) => api.db.query<T>(sql, [runId]);
    const [run] = await q<Record<string, unknown>>('SELECT status, reason, output, steps, tokens, cost_usd FROM context_run WHERE id = $1');
    const messages = await q('SELECT m.seq, m.role, m.message, m.untrusted FROM context_message m JOIN context_run r ON r.session_id = m.session_id WHERE r.id = $1 ORDER BY m.seq');
    const steps = await q('SELECT index, status, output, tokens FROM context_run_step WHERE run_id = $1 ORDER BY index');
    const calls = await q('SELECT step_index, position, call_id, name, arguments_raw, status, outcome FROM context_tool_call WHERE run_id = $1 ORDER BY step_index, position');
    const ledger = await q('SELECT idempotency_key, tool_name, execution, state, effects, result FROM context_effect WHERE run_id = $1 ORDER BY idempotency_key');
    const effects = await api.db.query<{ target_id: string; n: string }>(
      `SELECT target_id, count(*)::text AS n FROM audit_entry WHERE action = 'sweep.effect' AND target_id LIKE $1 GROUP BY target_id ORDER BY target_id`,
      [`${runId}:%`],
    );
    const approvals = await api.db.query<{ status: string }>(`SELECT status FROM approval_request WHERE subject_id LIKE $1`, [`${runId}:%`]);
    // The ontology action log keeps the tool call's idempotency key as its request id.
    const ontologyActions = await api.db.query<{ status: string; parameters: unknown }>(`SELECT status, parameters FROM ontology_action WHERE request_id LIKE $1`, [`${runId}:%`]);
    const external = received.filter((r) => r.key.startsWith(runId));
    const state = {
      run,
      messages,
      steps,
      calls,
      ledger,
      effects,
      approvals: approvals.map((a) => a.status),
      ontologyActions,
      externalDistinct: [...new Set(external.map((r) => r.key))].sort(),
    };
    // Latency is the one recorded value that differs between two runs of the same task; ids (the
    // run's, the ontology action's) are numbered in order of appearance.
    const ids = new Map<string, string>();
    const normalized = JSON.stringify(state, (key, value: unknown) => (key === 'latencyMs' ? undefined : value)).replace(
      /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g,
      (id) => {
        if (!ids.has(id)) ids.set(id, `ID${ids.size + 1}`);
        return ids.get(id) as string;
      },
    );
    return { state: JSON.parse(normalized) as typeof state, externalRaw: external.length };
  }

  beforeAll(async () => {
    mkdirSync(planDir, { recursive: true });
    await build({
      configFile: false,
      root: path.join(REPO, 'apps/api'),
      logLevel: 'warn',
      define: { __STRATA_VERSION__: JSON.stringify('0.0.0-sweep') },
      ssr: { noExternal: [/^@strata\//] },
      build: {
        ssr: 'src/testing/run-worker-child.ts',
        target: 'node24',
        outDir: bundleDir,
        emptyOutDir: false,
        minify: false,
        rollupOptions: { output: { entryFileNames: 'worker.mjs', format: 'es' } },
      },
    });
    fake = await startFakeProvider('openai');
    fake.respondWith(replyFor);
    // The outside system: keeps the first answer per Idempotency-Key, as a well-behaved receiver does.
    receiver = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        const key = String(request.headers['idempotency-key']);
        const label = (JSON.parse(body) as { label: string }).label;
        received.push({ key, label });
        if (!answers.has(key)) answers.set(key, { accepted: label });
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify(answers.get(key)));
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/messages`;
    // This process's worker runs the uninterrupted run (recording its boundaries, never killing), then stops.
    api = await startApiHarness({
      env: { STRATA_MODEL_KEYS: modelKeys, STRATA_MODEL_RETRIES: '0', STRATA_RUN_CONCURRENCY: '1', STRATA_RUN_POLL_MS: '50', STRATA_RUN_APPROVAL_SWEEP_MS: '200' },
      imports: [SweepToolsModule.forRoot({ receiverUrl, crashPlans: new RunCrashPlans(planDir, false) })],
    });
    owner = (await api.provision('sweep')).token;
    builder = await keyFor('sweep-builder', ['builder']);
    approver = await keyFor('sweep-approver', ['approver']);
    expect((await call(owner, 'POST', '/governance/purposes', { name: 'sweep' })).status).toBe(201);
    const provider = await call<{ id: string }>(owner, 'POST', '/model-gateway/providers', { name: 'openai', kind: 'openai', baseUrl: `${fake.url}/v1`, credentials: { type: 'api-key', apiKey: 'sk-sweep-00000000000000000' } });
    await call(owner, 'POST', '/model-gateway/models', { providerId: provider.body.id, providerModelId: 'gpt-mini', operation: 'chat', capabilities: { tools: true, streaming: true } });
    expect((await call(owner, 'POST', '/model-gateway/aliases', { name: 'fast', operation: 'chat', targets: [{ model: 'openai/gpt-mini' }] })).status).toBe(201);
    // An ontology action (an external tool: the action log de-duplicates it by the call's key).
    const noteSweep = await call(owner, 'POST', '/ontology/action-types', {
      apiName: 'noteSweep',
      displayName: 'Note a sweep step',
      parameters: [{ apiName: 'label', type: 'string' }],
      effects: [{ kind: 'emitEvent', eventType: 'sweep.noted', payload: { label: '{{params.label}}' } }],
    });
    expect(noteSweep.status, JSON.stringify(noteSweep.body)).toBe(201);
    const agent = await call<{ id: string }>(builder, 'POST', '/context/agents', {
      name: 'sweeper',
      spec: {
        instructions: 'Do the steps.',
        model: { alias: 'fast' },
        defaultPurpose: 'sweep',
        tools: [
          { kind: 'extension', provider: 'sweep', tool: 'record_effect' },
          { kind: 'extension', provider: 'sweep', tool: 'guarded_effect', approval: { required: true, approverRoles: ['approver'] } },
          { kind: 'extension', provider: 'sweep', tool: 'send_external' },
          { kind: 'extension', provider: 'sweep', tool: 'lookup' },
          { kind: 'ontology_action', actionType: 'noteSweep' },
        ],
        limits: { maxSteps: 20 },
      },
    });
    expect(agent.status, JSON.stringify(agent.body)).toBe(201);
    agentId = agent.body.id;
  }, 120_000);

  afterAll(async () => {
    await api?.close();
    await fake?.close();
    await new Promise((resolve) => receiver?.close(resolve));
    rmSync(bundleDir, { recursive: true, force: true });
  });

  it('resumes after a kill at every write boundary to the same final state as an uninterrupted run, each effect once', async () => {
    const started = Date.now();
    const seconds = () => ((Date.now() - started) / 1000).toFixed(1);
    // The uninterrupted run: this process's own worker.
    const baselineRun = await startRun();
    const status = async () => (await api.db.query<{ status: string; waiting_approval_id: string | null }>('SELECT status, waiting_approval_id FROM context_run WHERE id = $1', [baselineRun]))[0];
    for (let approved = false; ; ) {
      const run = await status();
      if (run?.status === 'waiting_approval' && run.waiting_approval_id && !approved) {
        expect((await call(approver, 'POST', `/governance/approvals/${run.waiting_approval_id}/decisions`, { decision: 'approve', reason: 'sweep' })).status).toBe(200);
        approved = true;
      }
      if (run && TERMINAL.includes(run.status)) break;
      await sleep(50);
    }
    // From here on only worker processes execute runs (and, on PGlite, only they use the database while they live).
    await api.app.get(RunWorker).stop();
    const baseline = await finalState(baselineRun);
    expect(baseline.state.run).toMatchObject({ status: 'completed', output: 'sweep done', steps: 10 });
    expect(baseline.state.effects.map((e) => e.n)).toEqual(['1', '1', '1', '1', '1']);
    expect(baseline.state.externalDistinct).toHaveLength(2);
    expect(baseline.externalRaw).toBe(2);
    expect(baseline.state.approvals).toEqual(['executed']);
    expect(baseline.state.ontologyActions).toEqual([{ status: 'applied', parameters: { label: 's6' } }]);

    // Every boundary occurrence of the uninterrupted run is a kill point.
    const recorded = RunCrashPlans.read(planDir, baselineRun);
    expect(recorded?.ambiguous).toBe(0);
    const sequence = recorded?.reached ?? [];
    const killPoints: KillPoint[] = sequence.map((boundary, i) => ({ boundary, occurrence: sequence.slice(0, i + 1).filter((b) => b === boundary).length }));
    expect(new Set(sequence)).toEqual(new Set(RUN_BOUNDARIES));
    expect(killPoints.length).toBeGreaterThanOrEqual(30);
    const total = killPoints.length;
    const baselineSeconds = seconds();

    const workers = api.db.kind === 'server' ? SERVER_WORKERS : 1;
    const startMs: number[] = [];
    const startCpuMs: number[] = [];
    let kills = 0;
    /** Runs the given kill points, one run each, all queued before any worker exists; resolves when every run ended. */
    const sweep = async (points: Array<{ index: number; kill: KillPoint }>) => {
      const runs: Array<{ id: string; index: number; kill: KillPoint }> = [];
      for (const point of points) {
        const id = await startRun();
        RunCrashPlans.plan(planDir, id, point.kill);
        runs.push({ id, ...point });
      }
      const ids = new Set(runs.map((r) => r.id));
      const reported = new Set<string>();
      let lastProgress = Date.now();
      const pool = startPool(workers, () => {
        lastProgress = Date.now();
        for (const run of runs) {
          if (reported.has(run.id) || !RunCrashPlans.read(planDir, run.id)?.killed) continue;
          reported.add(run.id);
          console.info(`crash sweep: kill point ${reported.size}/${runs.length} (#${run.index + 1} ${run.kill.boundary}:${run.kill.occurrence}) at ${seconds()} s`);
        }
      });
      const decided = new Set<string>();
      try {
        for (let finished = 0; ; ) {
          if (pool.failure) throw pool.failure;
          if (Date.now() - lastProgress > STALL_MS) throw new Error(`no run was killed or finished for ${STALL_MS} ms: ${pool.ready().map((w) => w.output()).join('\n---\n')}`);
          const worker = pool.ready()[0];
          if (!worker) {
            await sleep(50);
            continue;
          }
          try {
            const page = await callWorker<{ items: Array<{ id: string; status: string; waitingApprovalId: string | null }> }>(worker, builder, 'GET', `/context/runs?agentId=${agentId}&limit=200`);
            expect(page.status).toBe(200);
            const mine = page.body.items.filter((item) => ids.has(item.id));
            for (const run of mine) {
              if (run.status !== 'waiting_approval' || !run.waitingApprovalId || decided.has(run.waitingApprovalId)) continue;
              const decision = await callWorker<{ code?: string }>(worker, approver, 'POST', `/governance/approvals/${run.waitingApprovalId}/decisions`, { decision: 'approve', reason: 'sweep' });
              // 409: decided already (a decision whose answer was lost with a killed worker).
              if (decision.status !== 200 && decision.status !== 409) throw new Error(`approval decision: ${decision.status} ${JSON.stringify(decision.body)}`);
              decided.add(run.waitingApprovalId);
            }
            const done = mine.filter((run) => TERMINAL.includes(run.status)).length;
            if (done !== finished) {
              finished = done;
              lastProgress = Date.now();
            }
            // The last kill points lie after the run's final commit: ended, and every planned worker died.
            if (mine.length === runs.length && done === runs.length && pool.kills >= runs.length) break;
          } catch (error) {
            // The worker died under the request (its run reached a kill point): ask the next one.
            if (!(error instanceof TypeError) && !(error instanceof SyntaxError) && !(error instanceof DOMException)) throw error;
          }
          await sleep(200);
        }
        if (pool.failure) throw pool.failure;
      } finally {
        await pool.stop();
        kills += pool.kills;
        startMs.push(...pool.startMs);
        startCpuMs.push(...pool.startCpuMs);
      }
      return runs;
    };

    // Each run must die exactly at its kill point: its boundaries until then are the uninterrupted
    // run's. A worker that lost its lease (a stalled process on a loaded machine) has its run taken
    // over and part of a step done again before the kill, which moves the kill point: that run
    // still has to end right (checked below), and its kill point is swept again with a new run.
    const runs: Array<{ id: string; index: number; kill: KillPoint }> = [];
    let pending = killPoints.map((kill, index) => ({ index, kill }));
    for (let round = 1; pending.length > 0; round++) {
      expect(round, `kill points moved by lost leases again and again: ${JSON.stringify(pending)}`).toBeLessThanOrEqual(3);
      const swept = await sweep(pending);
      runs.push(...swept);
      pending = [];
      for (const run of swept) {
        const plan = RunCrashPlans.read(planDir, run.id);
        expect({ run: run.index, killed: plan?.killed, ambiguous: plan?.ambiguous }).toEqual({ run: run.index, killed: true, ambiguous: 0 });
        if (JSON.stringify(plan?.reached) === JSON.stringify(sequence.slice(0, run.index + 1))) continue;
        console.info(`crash sweep: kill point #${run.index + 1} moved (run ${run.id} repeated a boundary before it: ${plan?.reached.length} reached); sweeping it again`);
        pending.push({ index: run.index, kill: run.kill });
      }
    }
    const sweepSeconds = seconds();
    // One worker died per run, each at its run's kill point.
    expect(kills).toBe(runs.length);

    // ...and ended exactly as the uninterrupted run: steps, calls, messages, output, ledger, each effect once.
    let externalRaw = 0;
    for (const run of runs) {
      const crashed = await finalState(run.id);
      expect({ killPoint: `${run.kill.boundary}:${run.kill.occurrence}`, ...crashed.state }).toEqual({ killPoint: `${run.kill.boundary}:${run.kill.occurrence}`, ...baseline.state });
      externalRaw += crashed.externalRaw;
      const [row] = await api.db.query<{ attempts: number }>('SELECT attempts FROM context_run WHERE id = $1', [run.id]);
      expect(row?.attempts).toBeGreaterThanOrEqual(2);
    }
    // External calls repeated after a kill carried the same key; the receiver kept each key's first answer.
    expect(externalRaw).toBeGreaterThan(2 * runs.length);
    // And each one replays from its record, calling nothing.
    for (const run of runs) {
      const replay = await call<{ matched: boolean; steps: number; providerCalls: number }>(builder, 'POST', `/context/runs/${run.id}/replay`);
      expect(replay.body).toMatchObject({ matched: true, steps: 10, providerCalls: 0 });
    }
    const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
    console.info(
      `crash-point sweep: ${total} kill points (${runs.length} runs), ${workers} worker(s) at once (per worker, median: ${median(startMs)} ms from go to serving, ${median(startCpuMs)} ms CPU to start); baseline ${baselineSeconds} s, sweep done at ${sweepSeconds} s, checked at ${seconds()} s`,
    );
  }, SWEEP_TIMEOUT_MS);
});
