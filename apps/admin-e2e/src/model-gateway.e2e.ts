import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { startFakeProvider, type FakeProvider } from '@strata/testing';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from './support/browser';
import { startStrata, WORKSPACE_ROOT, type StrataProcess } from './support/strata-process';

const SCREENSHOTS = path.join(WORKSPACE_ROOT, 'dist/e2e-screenshots');
const KEY_PATTERN = /strata_[a-z2-7]{12}_[A-Za-z0-9_-]{43}/;
/** Provider keys typed into the credential fields: neither may ever appear on a page. */
const FLAKY_SECRET = 'sk-e2e-flaky-CANARY-0123456789wxyz';
const STEADY_SECRET = 'sk-e2e-steady-CANARY-9876543210abcd';
const STEADY_REPLACED = 'sk-e2e-steady-REPLACED-5555555555efgh';

/**
 * The model gateway's pages end to end, as an owner, against two fake OpenAI servers: one scripted
 * to fail with 500, one answering. Providers added with write-only credentials, catalog models and
 * an alias whose first target is the failing one, the playground showing the fallback, a budget
 * and the usage charts and records that the call produced, a guardrail and its tester, and what a
 * viewer may not do.
 */
describe('model gateway admin pages in a real browser', () => {
  let strata: StrataProcess;
  let browser: Browser;
  let page: Page;
  let ownerKey: string;
  let flaky: FakeProvider;
  let steady: FakeProvider;
  const pageErrors: string[] = [];

  const shot = (target: Page, name: string) => target.screenshot({ path: path.join(SCREENSHOTS, name), fullPage: true });
  const nav = (target: Page, label: string) => target.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: label, exact: true }).click();
  const asOwner = (pathname: string, init: RequestInit = {}) =>
    fetch(`${strata.baseUrl}${pathname}`, { ...init, headers: { authorization: `Bearer ${ownerKey}`, 'content-type': 'application/json', ...init.headers } });
  const expectNoSecretOnPage = async (target: Page) => {
    const html = await target.content();
    for (const secret of [FLAKY_SECRET, STEADY_SECRET, STEADY_REPLACED]) expect(html).not.toContain(secret);
  };

  beforeAll(async () => {
    await mkdir(SCREENSHOTS, { recursive: true });
    [flaky, steady] = await Promise.all([startFakeProvider('openai'), startFakeProvider('openai')]);
    // No retry on the same endpoint: the failing target is tried once, then the route falls back.
    [strata, browser] = await Promise.all([startStrata({ env: { STRATA_MODEL_RETRIES: '0' } }), launchBrowser()]);
    ownerKey = KEY_PATTERN.exec(strata.output())?.[0] as string;
    expect(ownerKey, 'the first start prints an owner key').toBeDefined();
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
  });

  // A failed step leaves a picture of the page it failed on.
  afterEach(async ({ task }) => {
    if (task.result?.state === 'fail' && page) await shot(page, `model-gateway-failed-${task.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60)}.png`).catch(() => undefined);
  });

  afterAll(async () => {
    await browser?.close();
    await Promise.all([flaky?.close(), steady?.close()]);
    if (strata) expect(await strata.stop()).toBe(0);
  });

  it('adds providers with write-only credentials and never shows a secret', async () => {
    await page.goto(`${strata.baseUrl}/admin/models/providers`);
    await page.getByLabel('API key').fill(ownerKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Providers & credentials', level: 1 }).waitFor();
    const navigation = await page.getByRole('navigation', { name: 'Main' }).innerText();
    for (const label of ['Providers & credentials', 'Model catalog & routing', 'Budgets & usage', 'Guardrails', 'Playground']) expect(navigation).toContain(label);

    // With no provider, the playground has nothing to call and says what to do.
    await nav(page, 'Playground');
    await page.getByRole('link', { name: 'configure a model provider' }).click();
    await page.getByRole('heading', { name: 'Providers & credentials', level: 1 }).waitFor();

    // A client-side refusal first: a provider name must be a slug.
    await page.getByLabel('Provider name').fill('Flaky Provider');
    await page.getByRole('button', { name: 'Add provider' }).click();
    await page.locator('#provider-name-error').filter({ hasText: 'lowercase letters' }).waitFor();

    for (const [name, fake, secret] of [
      ['flaky', flaky, FLAKY_SECRET],
      ['steady', steady, STEADY_SECRET],
    ] as const) {
      await page.getByLabel('Provider name').fill(name);
      await page.getByLabel('Kind').selectOption('openai');
      await page.getByLabel('Base URL (optional)').fill(`${fake.url}/v1`);
      const secretField = page.getByLabel('API key', { exact: true });
      expect(await secretField.getAttribute('type')).toBe('password');
      await secretField.fill(secret);
      await page.getByRole('button', { name: 'Add provider' }).click();
      await page.getByRole('status').filter({ hasText: `Added provider ${name}` }).waitFor();
      // The secret does not outlive the request, not even in the form.
      expect(await secretField.inputValue()).toBe('');
    }
    const table = page.getByTestId('providers');
    const steadyRow = table.getByRole('row', { name: /steady/ });
    expect(await steadyRow.getByTestId('credential').innerText()).toBe(`••••${STEADY_SECRET.slice(-4)}`);
    expect(await table.getByRole('row', { name: /flaky/ }).getByTestId('credential').innerText()).toBe(`••••${FLAKY_SECRET.slice(-4)}`);
    await expectNoSecretOnPage(page);

    // The API answers with the hint only, too.
    const listed = await (await asOwner('/model-gateway/providers')).text();
    for (const secret of [FLAKY_SECRET, STEADY_SECRET]) expect(listed).not.toContain(secret);

    // Replace a credential: the new one is used, and still never shown.
    await steadyRow.getByRole('button', { name: 'Replace credential of steady' }).click();
    await steadyRow.getByLabel('API key').fill(STEADY_REPLACED);
    await steadyRow.getByRole('button', { name: 'Save credential' }).click();
    await page.getByRole('status').filter({ hasText: 'Replaced the credential of steady' }).waitFor();
    expect(await steadyRow.getByTestId('credential').innerText()).toBe(`••••${STEADY_REPLACED.slice(-4)}`);
    await expectNoSecretOnPage(page);
    await shot(page, 'model-gateway-providers.png');
  });

  it('adds catalog models, shows the API validation error on its field, and creates an alias with a fallback chain', async () => {
    await nav(page, 'Model catalog & routing');
    await page.getByRole('heading', { name: 'Model catalog & routing', level: 1 }).waitFor();

    const addModel = page.getByRole('form', { name: 'Add a model' });
    // Accepted by the form, refused by the API's schema (above 100 million tokens): the 400's issue lands on the field.
    await addModel.getByLabel('Provider', { exact: true }).selectOption({ label: 'flaky' });
    await addModel.getByLabel('Provider model id').fill('gpt-e2e');
    await addModel.getByLabel('Context window (tokens)').fill('999999999');
    await addModel.getByLabel('Input price ($ per 1M tokens)').fill('1');
    await addModel.getByLabel('Output price ($ per 1M tokens)').fill('2');
    await addModel.getByRole('button', { name: 'Add model' }).click();
    // Under load the API may take a while: wait like a locator does, not expect.poll's default second.
    await page.locator('#model-context-window-error').filter({ hasText: /\S/ }).waitFor();
    expect(await addModel.getByLabel('Context window (tokens)').getAttribute('aria-invalid')).toBe('true');

    await addModel.getByLabel('Context window (tokens)').fill('128000');
    await addModel.getByRole('button', { name: 'Add model' }).click();
    await page.getByRole('status').filter({ hasText: 'Added flaky/gpt-e2e to the catalog' }).waitFor();
    await addModel.getByLabel('Provider', { exact: true }).selectOption({ label: 'steady' });
    await addModel.getByLabel('Provider model id').fill('gpt-e2e');
    await addModel.getByLabel('Context window (tokens)').fill('128000');
    await addModel.getByLabel('Input price ($ per 1M tokens)').fill('1');
    await addModel.getByLabel('Output price ($ per 1M tokens)').fill('2');
    await addModel.getByRole('button', { name: 'Add model' }).click();
    await page.getByRole('status').filter({ hasText: 'Added steady/gpt-e2e to the catalog' }).waitFor();
    const models = page.getByTestId('catalog-models');
    expect(await models.getByRole('row', { name: /steady\/gpt-e2e/ }).innerText()).toContain('128k');

    const aliasForm = page.getByRole('form', { name: 'Create an alias' });
    await aliasForm.getByLabel('Alias name').fill('fast');
    await aliasForm.getByLabel('Target 1 model').selectOption('flaky/gpt-e2e');
    await aliasForm.getByRole('button', { name: 'Add target' }).click();
    await aliasForm.getByLabel('Target 2 model').selectOption('steady/gpt-e2e');
    await aliasForm.getByLabel('Task classes (optional)').fill('chat');
    await aliasForm.getByLabel(/Zero data retention/).check();
    await aliasForm.getByRole('button', { name: 'Create alias' }).click();
    await page.getByRole('status').filter({ hasText: 'Created alias fast' }).waitFor();
    const aliasRow = page.getByTestId('aliases').getByRole('row', { name: /fast/ });
    const targets = await aliasRow.locator('.route-targets li').allInnerTexts();
    expect(targets.map((text) => text.trim())).toEqual(['flaky/gpt-e2e primary', 'steady/gpt-e2e fallback']);
    expect(await aliasRow.innerText()).toContain('on');
    await shot(page, 'model-gateway-catalog.png');
  });

  it('sends a prompt from the playground: the first target fails with 500, the fallback answers', async () => {
    flaky.script({ error: { status: 500, message: 'fake upstream failure' } }, { error: { status: 500 } }, { error: { status: 500 } });
    await nav(page, 'Playground');
    await page.getByRole('heading', { name: 'Playground', level: 1 }).waitFor();
    await page.getByLabel('Alias or model').selectOption('fast');
    await page.getByRole('textbox', { name: 'Prompt' }).fill('Say hello to the e2e test');
    await page.getByRole('button', { name: 'Send' }).click();
    const answer = page.getByTestId('playground-answer');
    await answer.waitFor();
    expect(await answer.getByTestId('routed-model').innerText()).toBe('steady/gpt-e2e');
    expect(await answer.getByTestId('attempt-count').innerText()).toContain('2');
    const attempts = answer.getByTestId('attempts').locator('tbody tr');
    expect(await attempts.count()).toBe(2);
    expect(await attempts.nth(0).innerText()).toContain('flaky');
    expect(await attempts.nth(0).locator('.badge').innerText()).toBe('error');
    expect(await attempts.nth(1).locator('.badge').innerText()).toBe('success');
    expect(await answer.getByTestId('playground-tokens').innerText()).toMatch(/^[1-9]\d* in \/ [1-9]\d* out$/);
    expect((await answer.locator('.playground-text').innerText()).length).toBeGreaterThan(0);

    // The fallback used the replaced credential; the failing provider got its own.
    expect(steady.requests.at(-1)?.headers.authorization).toBe(`Bearer ${STEADY_REPLACED}`);
    expect(flaky.requests.at(-1)?.headers.authorization).toBe(`Bearer ${FLAKY_SECRET}`);
    await expectNoSecretOnPage(page);
    await shot(page, 'model-gateway-playground.png');
  });

  it('creates a budget and shows the call in the usage charts and records', async () => {
    await nav(page, 'Budgets & usage');
    await page.getByRole('heading', { name: 'Budgets & usage', level: 1 }).waitFor();
    await page.getByLabel('Budget name').fill('monthly-cap');
    await page.getByLabel('Token limit per period').fill('100000');
    await page.getByLabel('Cost limit per period (USD)').fill('25');
    await page.getByRole('button', { name: 'Create budget' }).click();
    await page.getByRole('status').filter({ hasText: 'Created budget monthly-cap' }).waitFor();
    const budget = page.getByRole('article', { name: 'Budget monthly-cap' });
    expect(await budget.getByRole('meter').count()).toBe(2);
    expect(await budget.innerText()).toContain('of 100k');
    expect(await budget.innerText()).toContain('Resets');
    expect(await budget.getByTestId('meter-text').first().innerText()).toMatch(/^0 used/);

    // A call after the budget exists counts against it (settled use is flushed within a moment).
    const call = await asOwner('/model-gateway/playground', { method: 'POST', body: JSON.stringify({ model: 'fast', prompt: 'Count me in the budget', maxOutputTokens: 64 }) });
    expect(call.status).toBe(200);
    await expect
      .poll(
        async () => {
          await page.reload();
          const meter = page.getByRole('article', { name: 'Budget monthly-cap' }).getByTestId('meter-text').first();
          await meter.waitFor();
          return meter.innerText();
        },
        { timeout: 30_000, interval: 1_000 },
      )
      .toMatch(/^[1-9]\d* used/);

    // Usage records are written in batches: reload until the playground call is listed.
    const records = page.getByTestId('usage-records');
    await expect
      .poll(
        async () => {
          await page.reload();
          await page.getByRole('heading', { name: 'Budgets & usage', level: 1 }).waitFor();
          await page.getByTestId('usage-charts').or(page.getByRole('alert')).first().waitFor();
          return (await records.count()) ? records.getByRole('row', { name: /steady\/gpt-e2e/ }).count() : 0;
        },
        { timeout: 30_000, interval: 1_000 },
      )
      .toBeGreaterThan(0);
    const chart = page.getByTestId('chart-tokens-model');
    expect(await chart.getByRole('img').getAttribute('aria-labelledby')).toBeTruthy();
    expect(await chart.locator('desc').textContent()).toContain('steady/gpt-e2e');
    expect(await chart.locator('rect').count()).toBeGreaterThan(0);
    expect(await page.getByTestId('chart-cost-day').locator('desc').textContent()).toContain('in total');

    // Record filters live in the URL and survive a reload.
    await page.getByRole('search', { name: 'Filter usage' }).getByLabel('Outcome').selectOption('success');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('outcome'), { timeout: 15_000 }).toBe('success');
    await page.reload();
    await records.waitFor();
    expect(await page.getByRole('search', { name: 'Filter usage' }).getByLabel('Outcome').inputValue()).toBe('success');
    expect(await records.locator('tbody tr').count()).toBeGreaterThan(0);
    await shot(page, 'model-gateway-usage.png');
  });

  it('creates a guardrail and tests it', async () => {
    await nav(page, 'Guardrails');
    await page.getByRole('heading', { name: 'Guardrails', level: 1 }).waitFor();
    // Built-in detectors are listed, on and masking by default.
    await page.getByTestId('detectors').getByRole('row', { name: /email/ }).waitFor();
    await page.getByLabel('Rule name').fill('order-numbers');
    await page.getByLabel('Pattern (regular expression)').fill('ORD-[0-9]{6}');
    await page.getByLabel('Action').selectOption('mask');
    await page.getByRole('button', { name: 'Create rule' }).click();
    await page.getByRole('status').filter({ hasText: 'Created guardrail order-numbers' }).waitFor();
    expect(await page.getByTestId('guardrails').getByRole('row', { name: /order-numbers/ }).innerText()).toContain('mask');

    await page.getByLabel('Sample text').fill('Please refund ORD-123456 today');
    await page.getByRole('button', { name: 'Test', exact: true }).click();
    const result = page.getByTestId('guardrail-result');
    await result.waitFor();
    const text = await result.innerText();
    expect(text).toContain('order-numbers');
    expect(text).not.toContain('ORD-123456');
    await shot(page, 'model-gateway-guardrails.png');
  });

  it('refuses to delete a provider still in use, with the API code and what to do', async () => {
    await nav(page, 'Providers & credentials');
    const row = page.getByTestId('providers').getByRole('row', { name: /flaky/ });
    await row.getByRole('button', { name: 'Delete' }).click();
    await row.getByRole('button', { name: 'Delete provider' }).click();
    const alert = page.getByRole('alert').filter({ hasText: 'flaky' });
    await alert.waitFor();
    expect(await alert.innerText()).toContain('still used by');
    expect(await page.getByTestId('error-next-step').innerText()).toContain('model-gateway.in_use');
    expect(await page.getByTestId('providers').getByRole('row', { name: /flaky/ }).count()).toBe(1);
  });

  it('shows a viewer the catalog read-only, and what it may not see or do', async () => {
    const account = (await (await asOwner('/governance/service-accounts', { method: 'POST', body: JSON.stringify({ name: 'model-watcher', roles: ['viewer'] }) })).json()) as { id: string };
    const created = (await (
      await asOwner('/governance/api-keys', { method: 'POST', body: JSON.stringify({ name: 'watcher-key', serviceAccountId: account.id, roles: ['viewer'] }) })
    ).json()) as { token: string };
    const viewer = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
    viewer.on('pageerror', (error) => pageErrors.push(error.message));
    await viewer.goto(`${strata.baseUrl}/admin/models/catalog`);
    await viewer.getByLabel('API key').fill(created.token);
    await viewer.getByRole('button', { name: 'Sign in' }).click();
    await viewer.getByRole('heading', { name: 'Model catalog & routing', level: 1 }).waitFor();
    await viewer.getByTestId('aliases').getByRole('row', { name: /fast/ }).waitFor();
    await viewer.getByTestId('catalog-models').getByRole('row', { name: /steady\/gpt-e2e/ }).waitFor();
    expect(await viewer.getByRole('form', { name: 'Create an alias' }).count()).toBe(0);
    expect(await viewer.getByRole('button', { name: 'Add model' }).count()).toBe(0);
    expect(await viewer.getByRole('button', { name: 'Edit alias fast' }).count()).toBe(0);
    expect(await viewer.getByRole('button', { name: 'Delete' }).count()).toBe(0);
    expect(await viewer.getByRole('button', { name: 'Remove' }).count()).toBe(0);
    expect(await viewer.getByTestId('gateway-settings').count()).toBe(0);
    await shot(viewer, 'model-gateway-viewer-catalog.png');

    // Providers are not the viewer's to read: a clear refusal, no form.
    await nav(viewer, 'Providers & credentials');
    await viewer.getByText('Not allowed to read providers.').waitFor();
    await viewer.getByText('Your roles do not allow adding providers.').waitFor();
    expect(await viewer.getByRole('button', { name: 'Add provider' }).count()).toBe(0);
    await expectNoSecretOnPage(viewer);

    await nav(viewer, 'Playground');
    await viewer.getByText('Your roles do not allow calling models from the playground.').waitFor();
    expect(await viewer.getByRole('button', { name: 'Send' }).count()).toBe(0);
  });

  it('raised no page errors', () => {
    expect(pageErrors).toEqual([]);
  });
});
