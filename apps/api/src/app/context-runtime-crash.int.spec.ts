import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeProvider, type FakeProvider, type FakeReply, type RecordedRequest } from '@strata/testing';
import { RunWorker } from '@strata/context';
import { startApiHarness, type ApiHarness } from '../testing/api-harness';
import { SweepToolsModule } from '../testing/sweep-tools';

const REPO = path.resolve(import.meta.dirname, '../../../..');
const LEASE_MS = 1000;
const TERMINAL = ['completed', 'failed', 'limit_exceeded', 'cancelled'];

/** The scripted 10-step task: every execution kind, two calls in one step, one approval. */
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
  { toolCalls: [{ id: 'c6', name: 'send_external', arguments: { label: 's6' } }] },
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

/**
 * Each child is killed at the n-th time it reaches the boundary, counted from its start; the next
 * child resumes the run from its last checkpoint. In order, the chain kills a worker: after a model
 * answer (not recorded), inside a transactional tool's checkpoint (rolled back), after a tool's
 * checkpoint, after an external call (ledger pending: it is sent again with the same key), after a
 * model checkpoint, after a read tool, between an approval request and the suspension, right
 * before an approved call executes, inside the approved call's transaction, and twice more later.
 */
const CRASH_CHAIN = [
  'after_model:1',
  'after_tool_effect:1',
  'after_tool_checkpoint:1',
  'after_tool_effect:1',
  'after_model_checkpoint:1',
  'after_tool_effect:1',
  'after_tool_effect:2',
  'after_approval_request:1',
  'approval_resume:1',
  'after_tool_effect:1',
  'after_model:2',
  'after_tool_checkpoint:2',
];

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

  const call = <T = Record<string, unknown>>(key: string, method: string, p: string, body?: unknown) => api.call<T>(key, method, p, body);

  async function keyFor(name: string, roles: string[]): Promise<string> {
    const account = await call<{ id: string }>(owner, 'POST', '/governance/service-accounts', { name, roles });
    return (await call<{ token: string }>(owner, 'POST', '/governance/api-keys', { name, serviceAccountId: account.body.id, roles })).body.token;
  }

  interface Worker {
    child: ChildProcessWithoutNullStreams;
    lines: string[];
    onLine: (() => void) | undefined;
    exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
    output: () => string;
  }

  /** Starts a worker process that loads its modules now and opens the database when told to go. */
  function prepareWorker(runId: string): Worker {
    const child = spawn(process.execPath, [childBundle], {
      cwd: REPO,
      env: {
        ...process.env,
        SWEEP_DATABASE_URL: api.db.url,
        SWEEP_MODEL_KEYS: modelKeys,
        SWEEP_RECEIVER_URL: receiverUrl,
        SWEEP_LEASE_MS: String(LEASE_MS),
        SWEEP_RUN_ID: runId,
        SWEEP_WAIT_FOR_GO: '1',
        SWEEP_PRISMA_DIR: path.join(REPO, 'libs/db/prisma'),
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let output = '';
    let pending = '';
    const worker: Worker = {
      child,
      lines: [],
      onLine: undefined,
      exited: new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal }))),
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
        worker.onLine?.();
      }
    });
    return worker;
  }

  /**
   * Lets a prepared worker go (killing itself at `crashAt`) and follows the run through the events
   * it prints: this process stays off the database meanwhile (PGlite serves one session). `killed`:
   * it died at its crash point; `suspended`: the run waits for an approval (the worker is stopped,
   * the approval decided, the next worker resumes the run: a restart while suspended); `done`: the
   * run ended.
   */
  async function runWorker(worker: Worker, crashAt: string): Promise<'killed' | 'suspended' | 'done'> {
    let result: 'suspended' | 'done' | undefined;
    let approvalId: string | undefined;
    let seen = 0;
    const outcome = await Promise.race([
      worker.exited,
      new Promise<'event'>((resolve) => {
        worker.onLine = () => {
          for (; seen < worker.lines.length; seen++) {
            const line = worker.lines[seen] as string;
            if (!line.startsWith('event ')) continue;
            const event = JSON.parse(line.slice(6)) as { type: string; data: { approvalId?: string } };
            if (event.type === 'approval.requested') {
              result = 'suspended';
              approvalId = event.data.approvalId;
            } else if (event.type === 'run.completed' || event.type === 'run.failed') result = 'done';
            if (result) resolve('event');
          }
        };
        worker.onLine();
        worker.child.stdin.write(`go ${crashAt}\n`);
      }),
      new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 120_000).unref()),
    ]);
    if (outcome === 'timeout') {
      worker.child.kill('SIGKILL');
      throw new Error(`no progress with the worker crashing at ${crashAt}: ${worker.output()}`);
    }
    if (outcome !== 'event') {
      if (outcome.signal === 'SIGKILL') return 'killed';
      throw new Error(`worker exited (${outcome.code ?? outcome.signal}) at ${crashAt}: ${worker.output()}`);
    }
    worker.child.kill('SIGTERM');
    const stopped = await worker.exited;
    if (stopped.signal === 'SIGKILL') return 'killed';
    if (result === 'suspended' && approvalId) await approve(approvalId);
    return result as 'suspended' | 'done';
  }

  async function approve(approvalId: string): Promise<void> {
    const decided = await call(approver, 'POST', `/governance/approvals/${approvalId}/decisions`, { decision: 'approve', reason: 'sweep' });
    expect(decided.status, JSON.stringify(decided.body)).toBe(200);
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
    const external = received.filter((r) => r.key.startsWith(runId));
    const state = {
      run,
      messages,
      steps,
      calls,
      ledger,
      effects,
      approvals: approvals.map((a) => a.status),
      externalDistinct: [...new Set(external.map((r) => r.key))].sort(),
    };
    // Latency is the one recorded value that differs between two runs of the same task.
    const normalized = JSON.stringify(state, (key, value: unknown) => (key === 'latencyMs' ? undefined : value)).replaceAll(runId, 'RUN');
    return { state: JSON.parse(normalized) as typeof state, externalRaw: external.length };
  }

  beforeAll(async () => {
    mkdirSync(bundleDir, { recursive: true });
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
        emptyOutDir: true,
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
    // This process's worker runs the uninterrupted run, then stops; worker children run the other.
    api = await startApiHarness({
      env: { STRATA_MODEL_KEYS: modelKeys, STRATA_MODEL_RETRIES: '0', STRATA_RUN_POLL_MS: '50', STRATA_RUN_APPROVAL_SWEEP_MS: '200' },
      imports: [SweepToolsModule.forRoot({ receiverUrl })],
    });
    owner = (await api.provision('sweep')).token;
    builder = await keyFor('sweep-builder', ['builder']);
    approver = await keyFor('sweep-approver', ['approver']);
    expect((await call(owner, 'POST', '/governance/purposes', { name: 'sweep' })).status).toBe(201);
    const provider = await call<{ id: string }>(owner, 'POST', '/model-gateway/providers', { name: 'openai', kind: 'openai', baseUrl: `${fake.url}/v1`, credentials: { type: 'api-key', apiKey: 'sk-sweep-00000000000000000' } });
    await call(owner, 'POST', '/model-gateway/models', { providerId: provider.body.id, providerModelId: 'gpt-mini', operation: 'chat', capabilities: { tools: true, streaming: true } });
    expect((await call(owner, 'POST', '/model-gateway/aliases', { name: 'fast', operation: 'chat', targets: [{ model: 'openai/gpt-mini' }] })).status).toBe(201);
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

  it('resumes after every kill to the same final state as an uninterrupted run, each effect once', async () => {
    const started = Date.now();
    // The uninterrupted run: this process's own worker.
    const baselineRun = await startRun();
    const status = async () => (await api.db.query<{ status: string; waiting_approval_id: string | null }>('SELECT status, waiting_approval_id FROM context_run WHERE id = $1', [baselineRun]))[0];
    for (let approved = false; ; ) {
      const run = await status();
      if (run?.status === 'waiting_approval' && run.waiting_approval_id && !approved) {
        await approve(run.waiting_approval_id);
        approved = true;
      }
      if (run && TERMINAL.includes(run.status)) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await api.app.get(RunWorker).stop();
    const baseline = await finalState(baselineRun);
    expect(baseline.state.run).toMatchObject({ status: 'completed', output: 'sweep done', steps: 10 });
    expect(baseline.state.effects.map((e) => e.n)).toEqual(['1', '1', '1', '1', '1']);
    expect(baseline.state.externalDistinct).toHaveLength(3);
    expect(baseline.externalRaw).toBe(3);
    expect(baseline.state.approvals).toEqual(['executed']);
    const baselineMs = Date.now() - started;
    if (process.env['SWEEP_VERBOSE']) console.info(`baseline done in ${baselineMs} ms`);

    // The same task with workers killed along the way; the next worker is always loading already.
    const crashedRun = await startRun();
    const outcomes: string[] = [];
    let next = prepareWorker(crashedRun);
    const runUntilKilled = async (crashAt: string) => {
      for (let i = 0; i < 5; i++) {
        const worker = next;
        next = prepareWorker(crashedRun);
        const result = await runWorker(worker, crashAt);
        if (result !== 'suspended') return result;
      }
      throw new Error('the run kept suspending');
    };
    try {
      for (const crashAt of CRASH_CHAIN) {
        outcomes.push(`${crashAt}=${await runUntilKilled(crashAt)}`);
        if (process.env['SWEEP_VERBOSE']) console.info(`${Date.now() - started} ms: ${outcomes.at(-1)}`);
      }
      expect(await runUntilKilled('')).toBe('done');
    } finally {
      next.child.kill('SIGKILL');
    }
    // Every worker of the chain died at its boundary (none finished the run early).
    expect(outcomes).toEqual(CRASH_CHAIN.map((crashAt) => `${crashAt}=killed`));

    const crashed = await finalState(crashedRun);
    expect(crashed.state).toEqual(baseline.state);
    // External calls repeated after a crash carried the same key; the receiver kept each key's first answer.
    expect(crashed.externalRaw).toBeGreaterThan(3);
    const attempts = await api.db.query<{ attempts: number }>('SELECT attempts FROM context_run WHERE id = $1', [crashedRun]);
    expect(attempts[0]?.attempts).toBeGreaterThan(CRASH_CHAIN.length);

    const replay = await call<{ matched: boolean; steps: number }>(builder, 'POST', `/context/runs/${crashedRun}/replay`);
    expect(replay.body).toMatchObject({ matched: true, steps: 10 });
    console.info(`crash-point sweep: baseline ${baselineMs} ms; ${CRASH_CHAIN.length} kills and the resumes ${Date.now() - started - baselineMs} ms`);
  }, 600_000);
});
