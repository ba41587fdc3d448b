import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { startFakeProvider, type FakeProvider, type RecordedRequest } from '@strata/testing';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from './support/browser';
import { startStrata, WORKSPACE_ROOT, type StrataProcess } from './support/strata-process';

const SCREENSHOTS = path.join(WORKSPACE_ROOT, 'dist/e2e-screenshots');
const KEY_PATTERN = /strata_[a-z2-7]{12}_[A-Za-z0-9_-]{43}/;
const FINAL_ANSWER = 'The ontology describes 0 object types so far, according to ontology_describe.';

/** True once the conversation sent to the model holds a tool result (the second model call of the run). */
function hasToolResult(request: RecordedRequest): boolean {
  const messages = (request.body?.messages ?? []) as Array<{ role?: string }>;
  return messages.some((message) => message.role === 'tool');
}

/**
 * The agents pages end to end, as an owner, against a fake OpenAI server scripted to answer with a
 * tool call first and then a final answer (streamed slowly, so the tokens are seen arriving): an
 * agent created in the editor after the API refused a spec with the error at its path, a chat that
 * shows the tool call inline and the streamed answer, and the run view with its steps and the
 * context inspector.
 */
describe('agents admin pages in a real browser', () => {
  let strata: StrataProcess;
  let browser: Browser;
  let page: Page;
  let ownerKey: string;
  let openai: FakeProvider;
  let agentId: string;
  const pageErrors: string[] = [];

  const shot = (name: string) => page.screenshot({ path: path.join(SCREENSHOTS, name), fullPage: true });
  const nav = (label: string) => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: label, exact: true }).click();
  const api = async <T>(method: string, route: string, body?: unknown): Promise<{ status: number; body: T }> => {
    const response = await fetch(`${strata.baseUrl}${route}`, {
      method,
      headers: { authorization: `Bearer ${ownerKey}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
  };

  beforeAll(async () => {
    await mkdir(SCREENSHOTS, { recursive: true });
    openai = await startFakeProvider('openai');
    // A tool call first; once the tool's result is in the conversation, the final answer, streamed in small slow chunks.
    openai.respondWith((request) =>
      hasToolResult(request)
        ? { text: FINAL_ANSWER, chunks: FINAL_ANSWER.match(/.{1,6}/g) ?? [FINAL_ANSWER], chunkDelayMs: 120, usage: { inputTokens: 90, outputTokens: 20 } }
        : { toolCalls: [{ id: 'call_describe_1', name: 'ontology_describe', arguments: {} }], usage: { inputTokens: 60, outputTokens: 8 } },
    );
    [strata, browser] = await Promise.all([startStrata({ env: { STRATA_MODEL_RETRIES: '0' } }), launchBrowser()]);
    ownerKey = KEY_PATTERN.exec(strata.output())?.[0] as string;
    expect(ownerKey, 'the first start prints an owner key').toBeDefined();
    // The gateway and governance set-up the agent names (their own pages have their own browser tests).
    expect((await api('POST', '/governance/purposes', { name: 'support', description: 'Customer support' })).status).toBe(201);
    const provider = await api<{ id: string }>('POST', '/model-gateway/providers', {
      name: 'fake',
      kind: 'openai',
      baseUrl: `${openai.url}/v1`,
      credentials: { type: 'api-key', apiKey: 'sk-e2e-agents-000000000000000000' },
    });
    expect(provider.status).toBe(201);
    const model = await api('POST', '/model-gateway/models', {
      providerId: provider.body.id,
      providerModelId: 'gpt-e2e',
      operation: 'chat',
      capabilities: { tools: true, streaming: true },
      contextWindow: 128_000,
    });
    expect(model.status).toBe(201);
    expect((await api('POST', '/model-gateway/aliases', { name: 'fast', operation: 'chat', targets: [{ model: 'fake/gpt-e2e' }] })).status).toBe(201);
    const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
    page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
  });

  afterEach(async ({ task }) => {
    if (task.result?.state === 'fail' && page) await shot(`agents-failed-${task.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60)}.png`).catch(() => undefined);
  });

  afterAll(async () => {
    await browser?.close();
    await openai?.close();
    if (strata) expect(await strata.stop()).toBe(0);
  });

  it('creates an agent in the editor after the API refused a spec with the error at its path', async () => {
    await page.goto(`${strata.baseUrl}/admin/agents`);
    await page.getByLabel('API key').fill(ownerKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Agents', level: 1 }).waitFor();
    const navigation = await page.getByRole('navigation', { name: 'Main' }).innerText();
    for (const label of ['Agents', 'Chat', 'Runs']) expect(navigation).toContain(label);
    await page.getByText('No agent yet.').waitFor();

    await page.getByRole('link', { name: 'New agent' }).click();
    await page.getByRole('heading', { name: 'New agent', level: 1 }).waitFor();
    // The starter spec picks the tenant's chat alias and purpose.
    await expect.poll(() => page.locator('#agent-model').inputValue()).toBe('fast');
    await expect.poll(() => page.locator('#agent-purpose').inputValue()).toBe('support');
    await page.getByLabel('Agent name').fill('Ontology guide');
    await page.getByLabel('Description', { exact: true }).fill('Explains what the ontology holds.');
    await page.getByLabel('Instructions').fill('Answer questions about the ontology. Use ontology_describe first.');

    // Accepted by the form, refused by the API: 0 steps, and a tool kind that does not exist.
    await page.getByLabel('Max steps').fill('0');
    const spec = JSON.parse(await page.locator('#agent-spec').inputValue()) as Record<string, unknown>;
    await page.locator('#agent-spec').fill(JSON.stringify({ ...spec, limits: { maxSteps: 0 }, tools: [{ kind: 'teleport' }] }, null, 2));
    await page.getByRole('button', { name: 'Create agent' }).click();
    await page.locator('#agent-max-steps-error').filter({ hasText: /\S/ }).waitFor();
    const issues = await page.getByTestId('spec-issues').innerText();
    expect(issues).toContain('limits.maxSteps');
    expect(issues).toMatch(/tools\.0\.kind \(line \d+\)/);
    expect(await page.getByLabel('Max steps').getAttribute('aria-invalid')).toBe('true');

    // Fixed in the JSON: the form follows.
    await page.locator('#agent-spec').fill(JSON.stringify({ ...spec, limits: { maxSteps: 6 }, tools: [{ kind: 'builtin', tool: 'ontology.describe' }] }, null, 2));
    expect(await page.getByLabel('Max steps').inputValue()).toBe('6');
    // The JSON Schema the API validates with is one click away.
    await page.getByText('Spec JSON Schema').click();
    await expect.poll(() => page.getByTestId('spec-schema').innerText()).toContain('"defaultPurpose"');
    await page.getByRole('button', { name: 'Check spec' }).click();
    await page.getByRole('status').filter({ hasText: 'The spec is valid' }).waitFor();
    await page.getByRole('button', { name: 'Create agent' }).click();
    await page.getByRole('heading', { name: 'Ontology guide', level: 1 }).waitFor();
    agentId = new URL(page.url()).pathname.split('/').at(-1) as string;
    expect(agentId).toMatch(/^[0-9a-f-]{36}$/);
    const stored = await api<{ version: number; spec: { tools: unknown[]; limits: { maxSteps: number } } }>('GET', `/context/agents/${agentId}`);
    expect(stored.body).toMatchObject({ version: 1, spec: { tools: [{ kind: 'builtin', tool: 'ontology.describe' }], limits: { maxSteps: 6 } } });

    // An edit saves version 2.
    await page.getByLabel('Description', { exact: true }).fill('Explains what the ontology holds, briefly.');
    await page.getByRole('button', { name: 'Save version 2' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved version 2 of Ontology guide.' }).waitFor();
    await page.getByText('Version 2, updated').waitFor();
    await nav('Agents');
    await page.getByTestId('agents').getByRole('link', { name: 'Ontology guide', exact: true }).waitFor();
    await page.getByLabel('Name contains').fill('nothing like it');
    await page.getByRole('button', { name: 'Find' }).click();
    await page.getByText('No agent matches.').waitFor();
    await page.getByLabel('Name contains').fill('GUIDE');
    await page.getByRole('button', { name: 'Find' }).click();
    await page.getByTestId('agents').getByRole('link', { name: 'Ontology guide', exact: true }).waitFor();
    await shot('agents-list.png');
  });

  it('chats: streamed tokens, the tool call inline, the final answer', async () => {
    await page.getByRole('link', { name: 'Chat with Ontology guide' }).click();
    await page.getByRole('heading', { name: 'Chat', level: 1 }).waitFor();
    await expect.poll(() => page.getByLabel('Agent', { exact: true }).inputValue()).toBe(agentId);
    await page.getByRole('button', { name: 'New conversation' }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('session')).toMatch(/^[0-9a-f-]{36}$/);
    await page.getByLabel('Message', { exact: true }).fill('What does the ontology hold?');
    await page.getByRole('button', { name: 'Send' }).click();

    const log = page.getByTestId('chat-log');
    await log.getByText('What does the ontology hold?').waitFor();
    // The tool call shows inline with its result, then the answer streams in: caught mid-stream, then whole.
    const tool = log.getByTestId('tool-call').filter({ hasText: 'ontology_describe' });
    await tool.waitFor({ timeout: 60_000 });
    const streaming = log.locator('[data-testid="assistant-turn"][aria-busy="true"]');
    await streaming.waitFor({ timeout: 60_000 });
    const partial = (await streaming.innerText()).replace(/^Agent:\s*/, '').trim();
    expect(partial.length).toBeGreaterThan(0);
    expect(partial.length).toBeLessThan(FINAL_ANSWER.length);
    expect(FINAL_ANSWER.startsWith(partial)).toBe(true);
    await log.getByTestId('assistant-turn').filter({ hasText: FINAL_ANSWER }).waitFor({ timeout: 60_000 });
    await expect.poll(() => log.locator('[aria-busy="true"]').count()).toBe(0);
    await expect.poll(() => tool.innerText()).toContain('ok');
    await shot('agents-chat.png');

    // The provider saw the tool's schema and, on the second call, the tool result.
    const calls = openai.requests.filter((request) => request.path.endsWith('/chat/completions'));
    expect(calls.length).toBeGreaterThanOrEqual(2);
    expect(JSON.stringify(calls[0]?.body?.tools ?? [])).toContain('ontology_describe');
    expect(hasToolResult(calls.at(-1) as RecordedRequest)).toBe(true);

    // A reload rebuilds the conversation from the session.
    await page.reload();
    await page.getByTestId('chat-log').getByText(FINAL_ANSWER).waitFor();
    await page.getByTestId('chat-log').getByTestId('tool-call').filter({ hasText: 'ontology_describe' }).waitFor();
  });

  it('lists the run and shows its steps, tool call, usage and the context inspector', async () => {
    await nav('Runs');
    await page.getByRole('heading', { name: 'Runs', level: 1 }).waitFor();
    await page.getByLabel('Agent', { exact: true }).selectOption(agentId);
    await page.getByLabel('Status', { exact: true }).selectOption('completed');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('status')).toBe('completed');
    // The filtered list has replaced the unfiltered one once its only row says completed.
    const rows = page.getByTestId('runs').locator('tbody tr');
    await expect.poll(async () => (await rows.allInnerTexts()).map((row) => row.includes('Ontology guide') && row.includes('completed'))).toEqual([true]);
    await rows.first().getByRole('link').first().click();

    await page.getByRole('heading', { name: /Run of Ontology guide/ }).waitFor();
    const facts = await page.getByTestId('run-facts').innerText();
    expect(facts).toContain(FINAL_ANSWER);
    expect(facts).toContain('2 step(s)');
    expect(facts).toContain('support');
    const steps = page.getByTestId('run-step');
    await expect.poll(() => steps.count()).toBe(2);
    expect(await steps.nth(0).innerText()).toContain('ontology_describe');
    expect(await steps.nth(1).getByTestId('step-output').innerText()).toBe(FINAL_ANSWER);

    await steps.nth(0).getByRole('button', { name: 'Inspect context of step 0' }).click();
    const inspector = steps.nth(0).getByTestId('context-inspector');
    await inspector.waitFor();
    expect(await inspector.getByTestId('context-headline').innerText()).toMatch(/tokens/);
    expect(await inspector.innerText()).toContain('conversation');
    await inspector.getByRole('button', { name: 'Items of conversation' }).click();
    await inspector.getByTestId('context-items').getByText('included').first().waitFor();
    await shot('agents-run.png');

    const trace = page.getByRole('link', { name: 'Open the trace' });
    if (await trace.count()) {
      await trace.click();
      await page.getByRole('heading', { level: 1 }).first().waitFor();
      expect(new URL(page.url()).pathname).toMatch(/^\/admin\/observability\/traces\/[0-9a-f]{32}$/);
    }
    expect(pageErrors).toEqual([]);
  });

  it('shows an approval inline: the requester sees why not, an admin approves in the chat, the run finishes', async () => {
    // A tool that needs an admin's approval (the chat's user, the owner, may not decide their own request).
    const guarded = await api<{ id: string }>('POST', '/context/agents', {
      name: 'Guarded guide',
      spec: {
        instructions: 'Describe the ontology, after approval.',
        model: { alias: 'fast' },
        defaultPurpose: 'support',
        tools: [{ kind: 'builtin', tool: 'ontology.describe', approval: { required: true, approverRoles: ['admin'] } }],
      },
    });
    expect(guarded.status).toBe(201);
    const account = await api<{ id: string }>('POST', '/governance/service-accounts', { name: 'admin-e2e', roles: ['admin'] });
    const adminKey = (await api<{ token: string }>('POST', '/governance/api-keys', { name: 'admin e2e', serviceAccountId: account.body.id, roles: ['admin'] })).body.token;

    await page.goto(`${strata.baseUrl}/admin/chat?agent=${guarded.body.id}`);
    await page.getByRole('button', { name: 'New conversation' }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('session')).toMatch(/^[0-9a-f-]{36}$/);
    await page.getByLabel('Message', { exact: true }).fill('Describe it, please.');
    await page.getByRole('button', { name: 'Send' }).click();
    const approval = page.getByTestId('chat-log').getByTestId('approval');
    await approval.waitFor({ timeout: 60_000 });
    await approval.getByText('pending').waitFor();
    expect(await approval.getByTestId('approval-why').innerText()).toContain('You requested this approval');
    expect(await approval.getByRole('button', { name: 'Approve' }).count()).toBe(0);
    const approvalHref = await approval.getByRole('link', { name: 'approval request' }).getAttribute('href');
    expect(approvalHref).toMatch(/^\/admin\/governance\/approvals\/[0-9a-f-]{36}$/);
    await page.getByTestId('run-status').getByText('waiting approval').waitFor();
    await shot('agents-chat-approval.png');

    // An admin opens the same conversation and approves inline.
    const adminContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const adminPage = await adminContext.newPage();
    adminPage.on('pageerror', (error) => pageErrors.push(error.message));
    await adminPage.goto(page.url());
    await adminPage.getByLabel('API key').fill(adminKey);
    await adminPage.getByRole('button', { name: 'Sign in' }).click();
    const adminApproval = adminPage.getByTestId('chat-log').getByTestId('approval');
    await adminApproval.getByRole('button', { name: 'Approve' }).click();
    await adminApproval.getByText('approved').or(adminApproval.getByText('executed')).first().waitFor({ timeout: 30_000 });
    await adminContext.close();

    // The requester's page sees the decision, the tool's result and the final answer.
    const log = page.getByTestId('chat-log');
    await log.getByTestId('assistant-turn').filter({ hasText: FINAL_ANSWER }).waitFor({ timeout: 60_000 });
    await expect.poll(() => log.getByTestId('tool-call').filter({ hasText: 'ontology_describe' }).innerText()).toContain('ok');
    expect(pageErrors).toEqual([]);
  });
});
