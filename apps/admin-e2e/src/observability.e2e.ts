import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from './support/browser';
import { startStrata, WORKSPACE_ROOT, type StrataProcess } from './support/strata-process';

const SCREENSHOTS = path.join(WORKSPACE_ROOT, 'dist/e2e-screenshots');
const KEY_PATTERN = /strata_[a-z2-7]{12}_[A-Za-z0-9_-]{43}/;

interface StoredSpan {
  spanId: string;
  name: string;
  status: { code: string; message: string | null };
  offsetMs: number;
  durationMs: number;
  children: StoredSpan[];
}

function flatten(spans: StoredSpan[]): StoredSpan[] {
  return spans.flatMap((span) => [span, ...flatten(span.children)]);
}

interface TraceSummary {
  traceId: string;
  rootName: string;
  spanCount: number;
  errorCount: number;
  status: string;
}

/**
 * The observability pages end to end, as an owner, on traces the platform recorded of real API
 * calls: a purpose created, then created again (a 409 whose `purpose.create` span fails), and a
 * request for a trace that does not exist (404). Traces list filtered by status in the URL, a
 * trace's tree and waterfall with the failed span highlighted and its attributes, the data-access
 * log, and the 403 a viewer gets.
 */
describe('observability admin pages in a real browser', () => {
  let strata: StrataProcess;
  let browser: Browser;
  let page: Page;
  let ownerKey: string;
  let failedTrace: TraceSummary;
  const pageErrors: string[] = [];

  const shot = (target: Page, name: string) => target.screenshot({ path: path.join(SCREENSHOTS, name), fullPage: true });
  const nav = (label: string) => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: label, exact: true }).click();
  const asOwner = (pathname: string, init: RequestInit = {}) =>
    fetch(`${strata.baseUrl}${pathname}`, { ...init, headers: { authorization: `Bearer ${ownerKey}`, 'content-type': 'application/json', ...init.headers } });

  beforeAll(async () => {
    await mkdir(SCREENSHOTS, { recursive: true });
    [strata, browser] = await Promise.all([startStrata(), launchBrowser()]);
    ownerKey = KEY_PATTERN.exec(strata.output())?.[0] as string;
    expect(ownerKey, 'the first start prints an owner key').toBeDefined();
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
  });

  afterAll(async () => {
    await browser?.close();
    if (strata) expect(await strata.stop()).toBe(0);
  });

  it('records traces of API calls, a failing one among them', async () => {
    const purpose = JSON.stringify({ name: 'trace-review', description: 'Reading traces in the e2e test', requiresJustification: false });
    expect((await asOwner('/governance/purposes', { method: 'POST', body: purpose })).status).toBe(201);
    expect((await asOwner('/governance/purposes', { method: 'POST', body: purpose })).status).toBe(409);
    expect((await asOwner('/observability/traces/0123456789abcdef0123456789abcdef')).status).toBe(404);

    // Spans are exported in batches: wait until the failed request's trace is stored.
    await expect
      .poll(
        async () => {
          const response = await asOwner('/observability/traces?status=error');
          if (!response.ok) return `HTTP ${response.status}: ${await response.text()}`;
          const { items } = (await response.json()) as { items: TraceSummary[] };
          const found = items.find((trace) => trace.errorCount > 0 && trace.spanCount > 1);
          if (found) failedTrace = found;
          return found ? 'stored' : `${items.length} failed trace(s), none with the failed purpose.create`;
        },
        { timeout: 30_000, interval: 500 },
      )
      .toBe('stored');
  });

  it('lists traces, filters them by status in the URL, and keeps the filter on reload', async () => {
    await page.goto(`${strata.baseUrl}/admin/observability/traces`);
    await page.getByRole('heading', { name: 'Sign in to Strata' }).waitFor();
    await page.getByLabel('API key').fill(ownerKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Traces', level: 1 }).waitFor();
    const navigation = page.getByRole('navigation', { name: 'Main' });
    expect((await navigation.innerText()).toLowerCase()).toContain('observability');
    for (const label of ['Traces', 'Data access']) await navigation.getByRole('link', { name: label, exact: true }).waitFor();

    const table = page.getByTestId('traces');
    await table.waitFor();
    const headers = await table.locator('thead th').allInnerTexts();
    expect(headers.map((header) => header.trim())).toEqual(['Start', 'Root span', 'Duration', 'Spans', 'Status', 'Agent', 'Model', 'Tokens', 'Cost']);
    const statuses = async () => (await table.locator('tbody tr td:nth-child(5) .badge').allInnerTexts()).map((text) => text.trim());
    expect(await statuses()).toContain('error');
    expect((await statuses()).some((status) => status !== 'error'), 'successful requests are traced too').toBe(true);

    await page.getByRole('search', { name: 'Filter traces' }).getByLabel('Status').selectOption('error');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('status')).toBe('error');
    await expect.poll(async () => [...new Set(await statuses())]).toEqual(['error']);
    const link = table.getByRole('link', { name: failedTrace.rootName }).and(page.locator(`[title="Trace ${failedTrace.traceId}"]`));
    await link.waitFor();
    await shot(page, 'observability-traces.png');

    await page.reload();
    await table.waitFor();
    expect(await page.getByLabel('Status').inputValue()).toBe('error');
    await expect.poll(async () => [...new Set(await statuses())]).toEqual(['error']);
  });

  it('shows a trace: span tree, waterfall, the failed span highlighted with its message, and its attributes', async () => {
    await page.locator(`[title="Trace ${failedTrace.traceId}"]`).click();
    await page.getByRole('heading', { name: `Trace: ${failedTrace.rootName}`, level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/admin/observability/traces/${failedTrace.traceId}`);
    expect(await page.getByLabel('Trace summary').innerText()).toContain(failedTrace.traceId);

    const tree = page.getByRole('tree', { name: 'Span tree with timings' });
    const items = tree.getByRole('treeitem');
    await expect.poll(() => items.count()).toBe(failedTrace.spanCount);
    const root = items.first();
    expect(await root.getAttribute('aria-level')).toBe('1');
    expect(await root.getAttribute('aria-expanded')).toBe('true');
    expect(await tree.locator('[role="treeitem"][aria-level="2"]').count()).toBeGreaterThan(0);

    // The failed span: red in the tree and the waterfall, selected first, its status message shown.
    const stored = (await (await asOwner(`/observability/traces/${failedTrace.traceId}`)).json()) as { durationMs: number; roots: StoredSpan[] };
    const failedSpan = flatten(stored.roots).find((span) => span.name === 'purpose.create' && span.status.code === 'error') as StoredSpan;
    expect(failedSpan, 'the trace holds the failed purpose.create span').toBeDefined();
    const message = (failedSpan.status.message ?? '').replace(/\s+/g, ' ').trim();
    expect(message).not.toBe('');
    const failed = tree.locator(`[role="treeitem"][data-span-id="${failedSpan.spanId}"]`);
    await failed.waitFor();
    expect(await failed.getAttribute('class')).toContain('span-error');
    expect(await failed.getAttribute('aria-label')).toMatch(/^purpose\.create, .+ms, error: /);
    expect(await failed.getAttribute('aria-label')).toContain(message);
    expect(await failed.locator('.span-status-message').innerText()).toBe(message);
    expect(await failed.getAttribute('aria-selected')).toBe('true');
    expect(await failed.locator('.waterfall-bar').evaluate((bar) => getComputedStyle(bar).backgroundColor)).toBe('rgb(220, 38, 38)');
    expect(await failed.locator('.span-name').evaluate((name) => getComputedStyle(name).color)).toBe('rgb(185, 28, 28)');

    // Waterfall: the root bar is as wide as its share of the trace (work after the response, such as
    // an audit flush, may outlast it); every bar sits inside the track, at least the minimum width.
    const bars = await tree.locator('.waterfall-bar').evaluateAll((elements) =>
      elements.map((element) => ({ left: parseFloat((element as HTMLElement).style.left), width: parseFloat((element as HTMLElement).style.width) })),
    );
    expect(bars).toHaveLength(failedTrace.spanCount);
    expect(bars[0]?.left).toBe(0);
    const rootSpan = stored.roots[0] as StoredSpan;
    // Span starts and ends are stored to the millisecond, durations finer: allow one millisecond's share.
    const expectedWidth = Math.min(100, Math.max(0.5, (rootSpan.durationMs / stored.durationMs) * 100));
    expect(Math.abs((bars[0]?.width ?? 0) - expectedWidth)).toBeLessThanOrEqual(100 / stored.durationMs + 0.5);
    for (const bar of bars) {
      expect(bar.width).toBeGreaterThanOrEqual(0.5);
      expect(bar.left + bar.width).toBeLessThanOrEqual(100.001);
    }

    const detail = page.getByRole('complementary', { name: 'Span: purpose.create' });
    await detail.waitFor();
    expect((await detail.getByRole('note', { name: 'Span error' }).innerText()).replace(/\s+/g, ' ')).toContain(message);
    const attributes = detail.getByRole('table', { name: 'Attributes' });
    expect(await attributes.getByRole('rowheader', { name: 'strata.tenant.id' }).count()).toBe(1);
    expect(await attributes.getByRole('row', { name: /strata\.audit\.action purpose\.create/ }).count()).toBe(1);
    const events = detail.getByRole('list', { name: 'Events' });
    expect(await events.innerText()).toContain('exception');
    await shot(page, 'observability-trace.png');

    // Selecting another span shows its attributes, and the URL names it.
    await root.click();
    await page.getByRole('complementary', { name: `Span: ${failedTrace.rootName}` }).waitFor();
    expect(new URL(page.url()).searchParams.get('span')).toBe(await root.getAttribute('data-span-id'));

    // Keyboard: collapse the root (its failures stay visible on it), expand it again.
    await root.focus();
    await page.keyboard.press('ArrowLeft');
    await expect.poll(() => items.count()).toBe(1);
    expect(await root.getAttribute('aria-expanded')).toBe('false');
    expect(await root.innerText()).toContain(`${failedTrace.errorCount} failed`);
    await shot(page, 'observability-trace-collapsed.png');
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => items.count()).toBe(failedTrace.spanCount);

    // Back to the list keeps its filters.
    await page.getByRole('link', { name: '← Traces' }).click();
    await page.getByRole('heading', { name: 'Traces', level: 1 }).waitFor();
    expect(new URL(page.url()).searchParams.get('status')).toBe('error');
  });

  it('says plainly when a trace does not exist', async () => {
    await page.goto(`${strata.baseUrl}/admin/observability/traces/0123456789abcdef0123456789abcdef`);
    const alert = page.getByRole('alert').filter({ hasText: 'No such trace in this tenant.' });
    await alert.waitFor();
    expect(await alert.innerText()).toMatch(/Request id: [0-9a-f-]{36}/);
  });

  it('shows the data-access log with its filters in the URL', async () => {
    await page.goto(`${strata.baseUrl}/admin/observability/traces`);
    await nav('Data access');
    await page.getByRole('heading', { name: 'Data access', level: 1 }).waitFor();
    const search = page.getByRole('search', { name: 'Filter data access' });
    await search.getByLabel('Trace id').fill('not-a-trace');
    await search.getByRole('button', { name: 'Apply filters' }).click();
    await page.getByText('A trace id is 32 hexadecimal digits.').waitFor();

    await search.getByLabel('Reader type').selectOption('user');
    await search.getByLabel('Trace id').fill(failedTrace.traceId);
    await search.getByRole('button', { name: 'Apply filters' }).click();
    await expect.poll(() => new URL(page.url()).search).toBe(`?actorType=user&traceId=${failedTrace.traceId}`);
    // The list answers (rows or the empty state), never an error.
    await page.getByTestId('data-access').or(page.getByText('No record matches these filters.')).waitFor();
    expect(await page.getByRole('alert').count()).toBe(0);
    await shot(page, 'observability-data-access.png');
  });

  it('shows a viewer that traces are not for its role, with the request id', async () => {
    const account = (await (
      await asOwner('/governance/service-accounts', { method: 'POST', body: JSON.stringify({ name: 'dashboard-viewer', roles: ['viewer'] }) })
    ).json()) as { id: string };
    const created = (await (
      await asOwner('/governance/api-keys', { method: 'POST', body: JSON.stringify({ name: 'dashboard', serviceAccountId: account.id, roles: ['viewer'] }) })
    ).json()) as { token: string };

    const viewer = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
    viewer.on('pageerror', (error) => pageErrors.push(error.message));
    await viewer.goto(`${strata.baseUrl}/admin/observability/traces`);
    await viewer.getByLabel('API key').fill(created.token);
    await viewer.getByRole('button', { name: 'Sign in' }).click();
    const refusal = viewer.getByRole('alert').filter({ hasText: 'Not allowed to read traces.' });
    await refusal.waitFor();
    expect(await refusal.innerText()).toMatch(/Request id: [0-9a-f-]{36}/);
    await viewer.getByText('auditors, admins and owners of the tenant may read them').waitFor();
    expect(await viewer.getByTestId('traces').count(), 'no empty list under the refusal').toBe(0);
    await shot(viewer, 'observability-forbidden.png');

    await viewer.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Data access' }).click();
    await viewer.getByRole('alert').filter({ hasText: 'Not allowed to read the data-access log.' }).waitFor();
    expect(pageErrors).toEqual([]);
  });
});
