/**
 * Context runtime benchmark: the platform's overhead per agent step, and the same scripted task
 * through Mastra's agent loop, in one run.
 *
 * Strata: the built API (`dist/apps/api/main.js` with its telemetry preload: spans, the PostgreSQL
 * trace store, http/pg instrumentation, as in production) on a fresh database, a zero-latency fake
 * OpenAI server (the fake provider of @strata/testing, answering at once) as the model. A run is a
 * scripted 10-step task: steps 1–9 call the `ontology_describe` tool, step 10 answers. Step timings
 * come from each run's trace, read back through the trace API. Per step:
 *   step time  = the wall time `agent_step i` and its `agent_tool_call` spans cover (model call,
 *                checkpoints, context assembly, policy decision, tool execution, audit; the first
 *                call of a step may start while the step's checkpoint commits, and counts once),
 *   model time = the gateway's `chat {model}` spans inside (HTTP to the fake included),
 *   tool time  = the `execute_tool {name}` spans,
 *   overhead   = step − model − tool: checkpoints (transactions with the run state, messages,
 *                tool-call and ledger rows), audit appends, the policy decision, spans, context
 *                assembly and the runtime's own work: what the step's critical path spends
 *                beyond the model and the tool. Also reported: "hidden", the tool time that ran
 *                inside the step's span (a read tool started while the step's checkpoint committed),
 *                and "serial" = overhead + hidden, the overhead had the tool not overlapped.
 * Mastra: `@mastra/core` Agent with an in-process mock model (AI SDK LanguageModelV2) and an
 * in-memory tool; step boundaries from `onStepFinish`, model and tool time measured around their
 * calls; overhead the same way. Mastra keeps no durable state here (no storage configured), so
 * the ratio shows what durability, audit, tracing and governance cost per step.
 *
 * Run: `npm run bench:context` (builds the API first; part of `npm run bench`). Environment:
 * BENCH_DATABASE_URL (a PostgreSQL server URL; a fresh database is created on it and dropped after;
 * default: the embedded database), BENCH_CONTEXT_RUNS (measured runs per system, default 30),
 * BENCH_CONTEXT_WARMUP (default 5), BENCH_LOG_LEVEL (Strata's, default warn).
 */
import { randomBytes } from 'node:crypto';
import { appendFile, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { startFakeProvider, type FakeReply, type RecordedRequest } from '@strata/testing';
import { runMastraTask, type MastraStep } from './context/mastra-loop';
import { createBenchDatabase } from './bench-database';
import { startServer, type ServerProcess } from './model-gateway/server-process';

const RUNS = Number(process.env['BENCH_CONTEXT_RUNS'] ?? 30);
const WARMUP = Number(process.env['BENCH_CONTEXT_WARMUP'] ?? 5);
const STEPS = 10;
const progress = (message: string) => process.stderr.write(`› ${message}\n`);

const ms = (span: ReadableSpan) => span.duration[0] * 1000 + span.duration[1] / 1e6;
const startMs = (span: ReadableSpan) => span.startTime[0] * 1000 + span.startTime[1] / 1e6;
/**
 * Wall time the spans cover together: a call started while its step's span was still open counts
 * once. The SDK takes a span's start from Date.now() (whole milliseconds; its end is start +
 * a precise duration), so a single overlap is exact only to ~1 ms; over 300 steps the error averages out.
 */
function coveredMs(spans: ReadableSpan[]): number {
  const intervals = spans.map((span) => [startMs(span), startMs(span) + ms(span)] as const).sort((a, b) => a[0] - b[0]);
  let total = 0;
  let end = Number.NEGATIVE_INFINITY;
  for (const [from, to] of intervals) {
    if (to <= end) continue;
    total += to - Math.max(from, end);
    end = to;
  }
  return total;
}
/** How long `inner` ran while `outer` was open. */
function overlapMs(inner: ReadableSpan, outer: ReadableSpan): number {
  return Math.max(0, Math.min(startMs(inner) + ms(inner), startMs(outer) + ms(outer)) - Math.max(startMs(inner), startMs(outer)));
}
const idOf = (span: ReadableSpan) => span.spanContext().spanId;
const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

interface StepSample {
  stepMs: number;
  modelMs: number;
  toolMs: number;
  assemblyMs: number;
  /** Tool time that ran inside the step's own span, i.e. while the step's checkpoint committed (a read tool started early). */
  hiddenToolMs: number;
}

/** Per step of each run: step, model, tool and assembly time from the spans (descendants by parent links). */
function strataSteps(spans: ReadableSpan[], runIds: Set<string>): StepSample[] {
  const children = new Map<string, ReadableSpan[]>();
  for (const span of spans) {
    const parent = parentOf(span);
    if (parent) children.set(parent, [...(children.get(parent) ?? []), span]);
  }
  const descendants = (root: ReadableSpan, prefix: string): ReadableSpan[] => {
    const out: ReadableSpan[] = [];
    const stack = [...(children.get(idOf(root)) ?? [])];
    while (stack.length) {
      const span = stack.pop() as ReadableSpan;
      if (span.name.startsWith(prefix)) out.push(span);
      else stack.push(...(children.get(idOf(span)) ?? []));
    }
    return out;
  };
  const samples: StepSample[] = [];
  const byRun = new Map<string, Map<number, { step?: ReadableSpan; calls: ReadableSpan[] }>>();
  for (const span of spans) {
    const runId = String(span.attributes['strata.run.id'] ?? '');
    if (!runIds.has(runId)) continue;
    const index = Number(span.attributes['strata.run.step']);
    if (!span.name.startsWith('agent_step ') && !span.name.startsWith('agent_tool_call ')) continue;
    const steps = byRun.get(runId) ?? new Map();
    byRun.set(runId, steps);
    const entry = steps.get(index) ?? { calls: [] };
    steps.set(index, entry);
    if (span.name.startsWith('agent_step ')) entry.step = span;
    else entry.calls.push(span);
  }
  for (const steps of byRun.values()) {
    for (const { step, calls } of steps.values()) {
      if (!step) continue;
      const roots = [step, ...calls];
      const tools = roots.flatMap((root) => descendants(root, 'execute_tool '));
      samples.push({
        stepMs: coveredMs(roots),
        modelMs: roots.flatMap((root) => descendants(root, 'chat ')).reduce((sum, span) => sum + ms(span), 0),
        toolMs: tools.reduce((sum, span) => sum + ms(span), 0),
        assemblyMs: roots.flatMap((root) => descendants(root, 'context.assemble')).reduce((sum, span) => sum + ms(span), 0),
        hiddenToolMs: tools.reduce((sum, span) => sum + overlapMs(span, step), 0),
      });
    }
  }
  return samples;
}

/**
 * Where the overhead goes: for every span below the measured steps (model and tool subtrees
 * excluded), its self time (duration minus its children's), summed by span name, per step.
 */
function overheadBreakdown(spans: ReadableSpan[], runIds: Set<string>, steps: number): Array<{ name: string; msPerStep: number }> {
  const children = new Map<string, ReadableSpan[]>();
  for (const span of spans) {
    const parent = parentOf(span);
    if (parent) children.set(parent, [...(children.get(parent) ?? []), span]);
  }
  const totals = new Map<string, number>();
  const visit = (span: ReadableSpan) => {
    if (span.name.startsWith('chat ') || span.name.startsWith('execute_tool ')) return;
    const kids = children.get(idOf(span)) ?? [];
    const self = ms(span) - kids.reduce((sum, kid) => sum + ms(kid), 0);
    const name = span.name.replace(/ \d+$/, ' N');
    totals.set(name, (totals.get(name) ?? 0) + Math.max(0, self));
    for (const kid of kids) visit(kid);
  };
  for (const span of spans) {
    if (!runIds.has(String(span.attributes['strata.run.id'] ?? ''))) continue;
    if (span.name.startsWith('agent_step ') || span.name.startsWith('agent_tool_call ')) visit(span);
  }
  return [...totals].map(([name, total]) => ({ name, msPerStep: Math.round((total / Math.max(1, steps)) * 100) / 100 })).sort((a, b) => b.msPerStep - a.msPerStep);
}

/** The fake model's script, stateless per request: a tool call until 9 tool results are in the conversation, then the answer. */
function scriptedReply(request: RecordedRequest): FakeReply {
  const messages = (request.body?.messages ?? []) as Array<{ role: string }>;
  const toolResults = messages.filter((message) => message.role === 'tool').length;
  if (toolResults < STEPS - 1) return { toolCalls: [{ id: `call_${toolResults}`, name: 'ontology_describe', arguments: {} }], usage: { inputTokens: 50, outputTokens: 10 }, finishReason: 'tool_calls' };
  return { text: 'All nine lookups are done.', usage: { inputTokens: 60, outputTokens: 8 }, finishReason: 'stop' };
}

async function call<T>(base: string, key: string, method: string, route: string, body?: unknown): Promise<T> {
  const response = await fetch(`${base}${route}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${route} → ${response.status}: ${text.slice(0, 2000)}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

/** Reads the run's event stream (SSE) until its terminal event. */
/**
 * Follows the run to its end as a client does, on its event stream (which ends after the terminal
 * event), rather than polling the run: polling every few ms would add API work of the bench's own
 * to the very process whose per-step overhead is measured.
 */
async function waitForRun(base: string, key: string, runId: string): Promise<string> {
  const response = await fetch(`${base}/context/runs/${runId}/events`, {
    headers: { authorization: `Bearer ${key}`, accept: 'text/event-stream' },
    signal: AbortSignal.timeout(120_000),
  });
  if (!response.ok || !response.body) throw new Error(`the event stream of run ${runId} answered ${response.status}`);
  for await (const chunk of response.body) void chunk;
  const run = await call<{ status: string }>(base, key, 'GET', `/context/runs/${runId}`);
  return run.status;
}

interface SpanNode {
  spanId: string;
  parentSpanId: string | null;
  name: string;
  /** From the trace's start to this span's start. */
  offsetMs: number;
  durationMs: number;
  attributes: Record<string, unknown> | null;
}

/** The run's trace from the trace API, once the trace store has every step (it writes in batches). */
async function traceOf(base: string, key: string, runId: string): Promise<SpanNode[]> {
  for (let attempt = 0; attempt < 400; attempt += 1) {
    const run = await call<{ traceId: string | null }>(base, key, 'GET', `/context/runs/${runId}`);
    if (run.traceId) {
      const response = await fetch(`${base}/observability/traces/${run.traceId}`, { headers: { authorization: `Bearer ${key}` } });
      if (response.ok) {
        const trace = (await response.json()) as { roots: Array<SpanNode & { children: SpanNode[] }> };
        const spans: SpanNode[] = [];
        const stack = [...trace.roots];
        while (stack.length) {
          const node = stack.pop() as SpanNode & { children?: Array<SpanNode & { children: SpanNode[] }> };
          spans.push(node);
          stack.push(...(node.children ?? []));
        }
        const steps = spans.filter((span) => span.name.startsWith('agent_step ')).length;
        const calls = spans.filter((span) => span.name.startsWith('agent_tool_call ')).length;
        if (steps >= STEPS && calls >= STEPS - 1) return spans;
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`the trace of run ${runId} did not reach the trace store`);
}

/**
 * The whole loop per step, nothing left out: from the start of `agent_step i` to the start of
 * `agent_step i+1`, minus that step's model and tool time. Unlike the span sum it also counts what
 * runs between the step spans (reading the run back, closing the step, the worker's own work).
 */
function loopOverheads(nodes: SpanNode[]): number[] {
  const byId = new Map(nodes.map((node) => [node.spanId, node]));
  const stepOf = (node: SpanNode): number | null => {
    for (let at: SpanNode | undefined = node; at; at = at.parentSpanId ? byId.get(at.parentSpanId) : undefined) {
      if (at.name.startsWith('agent_step ') || at.name.startsWith('agent_tool_call ')) return Number(at.attributes?.['strata.run.step']);
    }
    return null;
  };
  const starts = new Map<number, number>();
  const spent = new Map<number, number>();
  for (const node of nodes) {
    if (node.name.startsWith('agent_step ')) starts.set(Number(node.attributes?.['strata.run.step']), node.offsetMs);
    if (node.name.startsWith('chat ') || node.name.startsWith('execute_tool ')) {
      const step = stepOf(node);
      if (step !== null) spent.set(step, (spent.get(step) ?? 0) + node.durationMs);
    }
  }
  const out: number[] = [];
  for (const [index, start] of starts) {
    const next = starts.get(index + 1);
    if (next !== undefined) out.push(next - start - (spent.get(index) ?? 0));
  }
  return out;
}

/** Adapts the trace API's span nodes to the step arithmetic (durations, parent links, attributes). */
function asReadable(nodes: SpanNode[]): ReadableSpan[] {
  return nodes.map(
    (node) =>
      ({
        name: node.name,
        duration: [Math.floor(node.durationMs / 1000), Math.round((node.durationMs % 1000) * 1e6)],
        startTime: [Math.floor(node.offsetMs / 1000), Math.round((node.offsetMs % 1000) * 1e6)],
        attributes: node.attributes ?? {},
        spanContext: () => ({ spanId: node.spanId, traceId: '', traceFlags: 1 }),
        parentSpanContext: node.parentSpanId ? { spanId: node.parentSpanId, traceId: '', traceFlags: 1 } : undefined,
      }) as unknown as ReadableSpan,
  );
}

async function strataBench(): Promise<{ samples: StepSample[]; runMs: number[]; loop: number[]; database: string; breakdown: Array<{ name: string; msPerStep: number }> }> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'strata-context-bench-'));
  const database = process.env['BENCH_DATABASE_URL'] ? await createBenchDatabase(process.env['BENCH_DATABASE_URL'], 'context_bench') : null;
  const fake = await startFakeProvider('openai');
  fake.respondWith(scriptedReply);
  let server: ServerProcess | undefined;
  try {
    progress(`starting Strata (dist/apps/api/main.js, telemetry preload, ${database ? 'PostgreSQL server' : 'embedded database'})…`);
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    // BENCH_CPU_PROF=<dir>: a V8 CPU profile of the API process (written when it stops), to see where a step's time goes.
    const profile = process.env['BENCH_CPU_PROF'] ? ['--cpu-prof', `--cpu-prof-dir=${process.env['BENCH_CPU_PROF']}`] : [];
    server = await startServer('strata', [...profile, '--enable-source-maps', '--import', './dist/apps/api/telemetry.js', 'dist/apps/api/main.js'], {
      env: {
        PORT: String(port),
        HOST: '127.0.0.1',
        NODE_ENV: 'production',
        STRATA_DATA_DIR: dataDir,
        STRATA_BOOTSTRAP: 'always',
        STRATA_ADMIN_DIST: '',
        STRATA_MODEL_KEYS: `bench1:${randomBytes(32).toString('base64')}`,
        LOG_LEVEL: process.env['BENCH_LOG_LEVEL'] ?? 'warn',
        ...(database ? { DATABASE_URL: database.url } : { DATABASE_URL: '' }),
      },
      ready: (out) => /strata_[a-z2-7]{12}_[A-Za-z0-9_-]{43}/.test(out),
    });
    const base = `http://127.0.0.1:${port}`;
    const key = /strata_[a-z2-7]{12}_[A-Za-z0-9_-]{43}/.exec(server.output())?.[0] as string;
    const provider = await call<{ id: string }>(base, key, 'POST', '/model-gateway/providers', {
      name: 'fake',
      kind: 'openai-compatible',
      baseUrl: `${fake.url}/v1`,
      credentials: { type: 'api-key', apiKey: 'fake-key' },
    });
    await call(base, key, 'POST', '/model-gateway/models', {
      providerId: provider.id,
      providerModelId: 'fake-model',
      operation: 'chat',
      capabilities: { tools: true, structuredOutput: true, streaming: true },
      contextWindow: 128_000,
      inputPricePerMTok: '0.15',
      outputPricePerMTok: '0.60',
    });
    await call(base, key, 'POST', '/model-gateway/aliases', { name: 'bench', operation: 'chat', targets: [{ model: 'fake/fake-model' }] });
    await call(base, key, 'POST', '/governance/purposes', { name: 'bench', description: 'Benchmark runs', requiresJustification: false });
    const agent = await call<{ id: string }>(base, key, 'POST', '/context/agents', {
      name: 'bench-agent',
      spec: {
        instructions: 'Describe the ontology nine times, then answer.',
        model: { alias: 'bench' },
        tools: [{ kind: 'builtin', tool: 'ontology.describe' }],
        context: { sources: [{ kind: 'instructions' }, { kind: 'conversation' }, { kind: 'tool_results' }], maxTokens: 16_000 },
        memory: { working: false, longTerm: { enabled: false, recallTopK: 0, scope: 'agent' }, compaction: { enabled: false, keepRecentTurns: 6 } },
        limits: { maxSteps: STEPS + 2 },
        defaultPurpose: 'bench',
      },
    });
    const runMs: number[] = [];
    const spans: ReadableSpan[] = [];
    const measured = new Set<string>();
    for (let i = 0; i < WARMUP + RUNS; i += 1) {
      const session = await call<{ id: string }>(base, key, 'POST', '/context/sessions', { agentId: agent.id, purpose: 'bench' });
      const started = performance.now();
      const posted = await call<{ run: { id: string } }>(base, key, 'POST', `/context/sessions/${session.id}/messages`, { content: 'Go.' });
      const status = await waitForRun(base, key, posted.run.id);
      if (status !== 'completed') throw new Error(`run ${posted.run.id} ended ${status}: ${JSON.stringify(await call(base, key, 'GET', `/context/runs/${posted.run.id}`)).slice(0, 3000)}`);
      if (i >= WARMUP) {
        runMs.push(performance.now() - started);
        measured.add(posted.run.id);
      }
      if ((i + 1) % 10 === 0) progress(`strata: ${i + 1}/${WARMUP + RUNS} runs`);
    }
    const loop: number[] = [];
    for (const runId of measured) {
      const nodes = await traceOf(base, key, runId);
      // BENCH_DUMP_TRACE=<file>: each measured run's spans (name, offset, duration) as one JSON line, to read a step's timeline.
      if (process.env['BENCH_DUMP_TRACE']) await appendFile(process.env['BENCH_DUMP_TRACE'], JSON.stringify(nodes.map(({ name, offsetMs, durationMs }) => ({ name, offsetMs, durationMs }))) + '\n');
      spans.push(...asReadable(nodes));
      loop.push(...loopOverheads(nodes));
    }
    const samples = strataSteps(spans, measured);
    const breakdown = overheadBreakdown(spans, measured, samples.length);
    return { samples, runMs, breakdown, loop, database: database ? 'PostgreSQL server' : 'embedded (PGlite)' };
  } finally {
    await server?.stop();
    await fake.close();
    await database?.drop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

async function mastraBench(): Promise<{ samples: StepSample[]; runMs: number[] }> {
  const samples: StepSample[] = [];
  const runMs: number[] = [];
  for (let i = 0; i < WARMUP + RUNS; i += 1) {
    const run = await runMastraTask(STEPS);
    if (i < WARMUP) continue;
    runMs.push(run.totalMs);
    samples.push(...run.steps.map((step: MastraStep) => ({ stepMs: step.stepMs, modelMs: step.modelMs, toolMs: step.toolMs, assemblyMs: 0, hiddenToolMs: 0 })));
  }
  return { samples, runMs };
}

function summary(samples: StepSample[]) {
  const overhead = samples.map((s) => s.stepMs - s.modelMs - s.toolMs);
  const withoutAssembly = samples.map((s) => s.stepMs - s.modelMs - s.toolMs - s.assemblyMs);
  const serial = samples.map((s) => s.stepMs - s.modelMs - s.toolMs + s.hiddenToolMs);
  const round = (value: number) => Math.round(value * 100) / 100;
  return {
    steps: samples.length,
    stepP50: round(percentile(samples.map((s) => s.stepMs), 50)),
    stepP99: round(percentile(samples.map((s) => s.stepMs), 99)),
    modelP50: round(percentile(samples.map((s) => s.modelMs), 50)),
    toolP50: round(percentile(samples.map((s) => s.toolMs), 50)),
    assemblyP50: round(percentile(samples.map((s) => s.assemblyMs), 50)),
    overheadP50: round(percentile(overhead, 50)),
    overheadP99: round(percentile(overhead, 99)),
    overheadWithoutAssemblyP50: round(percentile(withoutAssembly, 50)),
    hiddenToolP50: round(percentile(samples.map((s) => s.hiddenToolMs), 50)),
    serialOverheadP50: round(percentile(serial, 50)),
  };
}

const before = os.loadavg()[0]?.toFixed(1);
progress(`context bench: ${RUNS} runs of ${STEPS} steps (+${WARMUP} warm-up) per system`);
const strata = await strataBench();
const mastra = await mastraBench();
const after = os.loadavg()[0]?.toFixed(1);
const s = summary(strata.samples);
const m = summary(mastra.samples);
const rows = [
  ['Strata', strata.database, s],
  ['Mastra 1.71.0', 'none (in memory)', m],
] as const;
console.log(`\nMachine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}; load average ${before} → ${after}`);
console.log(`${RUNS} measured runs × ${STEPS} steps per system (${WARMUP} warm-up runs), zero-latency model; times in ms\n`);
console.log('| system | state | steps | step p50 | step p99 | model p50 | tool p50 | assembly p50 | overhead p50 | overhead p99 | overhead w/o assembly p50 | hidden tool p50 | serial overhead p50 | run p50 |');
console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
for (const [name, state, row] of rows) {
  const runs = name === 'Strata' ? strata.runMs : mastra.runMs;
  console.log(
    `| ${name} | ${state} | ${row.steps} | ${row.stepP50} | ${row.stepP99} | ${row.modelP50} | ${row.toolP50} | ${row.assemblyP50} | ${row.overheadP50} | ${row.overheadP99} | ${row.overheadWithoutAssemblyP50} | ${row.hiddenToolP50} | ${row.serialOverheadP50} | ${Math.round(percentile(runs, 50) * 10) / 10} |`,
  );
}
console.log('\nStrata overhead by span (self time, ms per step, model and tool subtrees excluded):');
for (const { name, msPerStep } of strata.breakdown.slice(0, 15)) console.log(`- ${name}: ${msPerStep}`);
const loopP50 = Math.round(percentile(strata.loop, 50) * 100) / 100;
const loopP99 = Math.round(percentile(strata.loop, 99) * 100) / 100;
console.log(`\nStrata whole loop per step (agent_step i start → agent_step i+1 start, minus model and tool; ${strata.loop.length} intervals): p50 ${loopP50}, p99 ${loopP99}`);
const ratio = m.overheadP50 > 0 ? s.overheadP50 / m.overheadP50 : Number.NaN;
const worst = Math.max(s.overheadP50, loopP50);
console.log(`Overhead p50 ratio Strata / Mastra: ${ratio.toFixed(1)}× (whole loop ${(loopP50 / m.overheadP50).toFixed(1)}×); target Strata overhead p50 ≤ 5 ms: ${worst <= 5 ? 'met' : 'NOT met'} (steps ${s.overheadP50} ms, whole loop ${loopP50} ms)`);
console.log(JSON.stringify({ strata: { ...s, loopP50, loopP99 }, mastra: m, ratio, load: { before, after } }));
process.exit(0);
