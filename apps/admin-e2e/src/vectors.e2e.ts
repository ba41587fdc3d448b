import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { startFakeProvider, type FakeProvider } from '@strata/testing';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from './support/browser';
import { startStrata, WORKSPACE_ROOT, type StrataProcess } from './support/strata-process';

const SCREENSHOTS = path.join(WORKSPACE_ROOT, 'dist/e2e-screenshots');
const KEY_PATTERN = /strata_[a-z2-7]{12}_[A-Za-z0-9_-]{43}/;
/** A 1×1 PNG: the smallest image the media store sniffs as image/png. */
const PIXEL_PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
const CAPTION = 'A single crimson pixel on a transparent background.';

/** The Markdown file uploaded through the browser: two sections, so the chunks carry headings. */
const REFUNDS_MD = `# Customer handbook

## Refund policy

Customers may return a product within thirty days of delivery for a full refund.
The refund is paid to the original payment method within five business days.

## Shipping

Orders ship from the warehouse in Rotterdam. Express shipping costs twelve euros.
`;

/**
 * The vectors pages end to end, as an owner, with the built-in local embedding model (no provider
 * needed): a collection created (a wrong dimension count refused by the API on its field first), a
 * Markdown file uploaded through the browser and ingested in the background while the page shows
 * its progress, the search playground showing the same query answered by vector, full-text and
 * hybrid search side by side, and the document deleted and gone from the list and from search.
 * Then the media page: the stored files, an image previewed and described by a vision model (a
 * fake OpenAI server), its caption ingested into the collection and found by text.
 */
describe('vectors admin pages in a real browser', () => {
  let strata: StrataProcess;
  let browser: Browser;
  let page: Page;
  let ownerKey: string;
  let collectionId: string;
  let documentId: string;
  let vision: FakeProvider;
  const pageErrors: string[] = [];

  const shot = (name: string) => page.screenshot({ path: path.join(SCREENSHOTS, name), fullPage: true });
  const nav = (label: string) => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: label, exact: true }).click();
  const status = (text: string | RegExp) => page.getByRole('status').filter({ hasText: text }).waitFor();
  const api = async <T>(method: string, route: string, body?: unknown): Promise<{ status: number; body: T }> => {
    const response = await fetch(`${strata.baseUrl}${route}`, {
      method,
      headers: { authorization: `Bearer ${ownerKey}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
  };
  const hitsIn = (mode: 'vector' | 'text' | 'hybrid') => page.getByTestId(`results-${mode}`).getByTestId('search-hit');

  beforeAll(async () => {
    await mkdir(SCREENSHOTS, { recursive: true });
    [strata, browser, vision] = await Promise.all([startStrata(), launchBrowser(), startFakeProvider('openai')]);
    ownerKey = KEY_PATTERN.exec(strata.output())?.[0] as string;
    expect(ownerKey, 'the first start prints an owner key').toBeDefined();
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
  });

  // A failed step leaves a picture of the page it failed on.
  afterEach(async ({ task }) => {
    if (task.result?.state === 'fail' && page) await shot(`vectors-failed-${task.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60)}.png`).catch(() => undefined);
  });

  afterAll(async () => {
    await browser?.close();
    await vision?.close();
    if (strata) expect(await strata.stop()).toBe(0);
  });

  it('signs in and lists the vectors pages in the sidebar', async () => {
    await page.goto(`${strata.baseUrl}/admin/vectors/collections`);
    await page.getByLabel('API key').fill(ownerKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Collections', level: 1 }).waitFor();
    const sidebar = await page.getByRole('navigation', { name: 'Main' }).innerText();
    for (const label of ['Collections', 'Media', 'Search playground']) expect(sidebar).toContain(label);
    await page.getByText('No collection yet').waitFor();
  });

  it('refuses a dimension count the alias does not return on its field, then creates and edits the collection', async () => {
    await page.getByRole('button', { name: 'New collection' }).click();
    await page.locator('#new-collection-name').fill('handbook');
    await page.locator('#new-collection-description').fill('What support agents look up.');
    // The alias picker lists the gateway catalog's embedding aliases; the local one is the default.
    await expect.poll(() => page.locator('#new-collection-alias option').allInnerTexts()).toContain('embedding-default (alias)');
    expect(await page.locator('#new-collection-alias').inputValue()).toBe('embedding-default');
    await page.locator('#new-collection-dimensions').fill('768');
    await page.getByRole('button', { name: 'Create collection' }).click();
    await expect.poll(() => page.locator('#new-collection-dimensions-error').innerText()).toContain('384');
    expect((await api<{ items: unknown[] }>('GET', '/vectors/collections')).body.items).toEqual([]);
    await shot('vectors-collection-dimension-mismatch.png');

    await page.locator('#new-collection-dimensions').fill('384');
    await page.getByRole('button', { name: 'Create collection' }).click();
    await page.getByRole('heading', { name: 'handbook', level: 1 }).waitFor();
    await status('Created collection handbook.');
    collectionId = new URL(page.url()).pathname.split('/').pop() as string;
    const settings = await page.getByTestId('collection-settings').innerText();
    expect(settings).toContain('embedding-default');
    expect(settings).toContain('384');
    expect(settings).toContain('heading aware');

    // Edit: only what changed is sent, with the version it started from.
    await page.getByRole('button', { name: 'Edit settings' }).click();
    await page.locator('#edit-collection-description').fill('What support agents look up first.');
    await page.locator('#edit-collection-max-tokens').fill('300');
    await page.getByRole('button', { name: 'Save collection' }).click();
    await status('Saved collection handbook.');
    const saved = await page.getByTestId('collection-settings').innerText();
    expect(saved).toContain('300 tokens');
    expect(saved).toMatch(/Version\s+2/);
    expect((await api<{ description: string; version: number }>('GET', `/vectors/collections/${collectionId}`)).body).toMatchObject({ description: 'What support agents look up first.', version: 2 });
  });

  it('uploads a Markdown file and shows its ingestion until it is ready', async () => {
    await page.locator('#document-file').setInputFiles({ name: 'refunds.md', mimeType: 'text/markdown', buffer: Buffer.from(REFUNDS_MD) });
    await page.getByRole('button', { name: 'Upload and ingest' }).click();
    await status(/refunds\.md/);
    const row = page.getByTestId('documents').getByTestId('document-row').filter({ hasText: 'refunds.md' });
    await row.waitFor();
    expect(await row.locator('progress').count()).toBe(1);
    // The page polls while the background job runs: queued → extracting → embedding → ready.
    await expect.poll(() => row.getAttribute('data-status'), { timeout: 60_000, interval: 250 }).toBe('ready');
    expect(await row.locator('progress').getAttribute('value')).toBe('100');
    expect(await row.innerText()).toMatch(/\d+ chunks?/);
    documentId = (await row.locator('.mono').first().innerText()).trim();
    const document = await api<{ status: string; format: string; progress: { chunksTotal: number } }>('GET', `/vectors/documents/${documentId}`);
    expect(document.status).toBe(200);
    expect(document.body).toMatchObject({ status: 'ready', format: 'markdown' });
    expect(document.body.progress.chunksTotal).toBeGreaterThan(0);
    await shot('vectors-collection-documents.png');
  });

  it('searches one query three ways side by side and finds the document in each', async () => {
    await page.getByRole('link', { name: 'Search this collection' }).click();
    await page.getByRole('heading', { name: 'Search playground', level: 1 }).waitFor();
    await expect.poll(() => page.locator('#search-collection').inputValue()).toBe(collectionId);
    await page.locator('#search-query').fill('refund within thirty days');
    await page.locator('#search-top-k').fill('5');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    for (const mode of ['vector', 'text', 'hybrid'] as const) {
      await expect.poll(() => hitsIn(mode).count(), { timeout: 20_000 }).toBeGreaterThan(0);
      const first = await hitsIn(mode).first().innerText();
      expect(first, mode).toContain('refunds.md');
      expect(first, mode).toMatch(/chunk \d+, characters \d+–\d+/);
    }
    // The full-text hit is the refund section, whose heading path the chunk carries.
    expect(await hitsIn('text').first().innerText()).toContain('Refund policy');
    expect(await page.getByTestId('results-hybrid').innerText()).toMatch(/#\d+ in vector/);
    await shot('vectors-search-playground.png');
  });

  it('deletes the document: gone from the list and from every search', async () => {
    await nav('Collections');
    await page.getByTestId('collections').getByRole('link', { name: 'handbook', exact: true }).click();
    const row = page.getByTestId('documents').getByTestId('document-row').filter({ hasText: 'refunds.md' });
    await row.getByRole('button', { name: 'Delete' }).click();
    await row.getByRole('button', { name: 'Delete document' }).click();
    await status('Deleted refunds.md and its chunks.');
    await page.getByText('No document yet').waitFor();
    expect((await api('GET', `/vectors/documents/${documentId}`)).status).toBe(404);

    await page.getByRole('link', { name: 'Search this collection' }).click();
    await page.locator('#search-query').fill('refund within thirty days');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    for (const mode of ['vector', 'text', 'hybrid'] as const) {
      await expect.poll(() => page.getByTestId(`results-${mode}`).innerText(), { timeout: 20_000 }).toContain('No match.');
      expect(await hitsIn(mode).count()).toBe(0);
    }
  });

  it('lists stored files, previews an image and describes it with a vision model; the caption is searchable', async () => {
    // A vision-capable chat model in the gateway catalog, served by the fake OpenAI server.
    const provider = await api<{ id: string }>('POST', '/model-gateway/providers', {
      name: 'vision',
      kind: 'openai',
      baseUrl: `${vision.url}/v1`,
      credentials: { type: 'api-key', apiKey: 'sk-e2e-vision-0000000000000000' },
    });
    expect(provider.status).toBe(201);
    const model = await api('POST', '/model-gateway/models', {
      providerId: provider.body.id,
      providerModelId: 'gpt-vision',
      operation: 'chat',
      capabilities: { vision: true },
      inputPricePerMTok: '0',
      outputPricePerMTok: '0',
    });
    expect(model.status).toBe(201);

    await nav('Media');
    await page.getByRole('heading', { name: 'Media', level: 1 }).waitFor();
    const markdown = page.getByTestId('media').getByRole('row').filter({ hasText: 'refunds.md' });
    await expect.poll(() => markdown.innerText()).toContain('Markdown');
    expect(await markdown.innerText()).toContain('internal');
    const [download] = await Promise.all([page.waitForEvent('download'), markdown.getByRole('button', { name: 'Download refunds.md' }).click()]);
    expect(download.suggestedFilename()).toBe('refunds.md');

    await page.locator('#media-file').setInputFiles({ name: 'pixel.png', mimeType: 'image/png', buffer: PIXEL_PNG });
    await page.getByRole('button', { name: 'Upload', exact: true }).click();
    await status('Uploaded pixel.png.');
    const image = page.getByTestId('media').getByRole('row').filter({ hasText: 'pixel.png' });
    expect(await image.innerText()).toContain('PNG image');
    // The preview is fetched with the session's key and shown from an object URL.
    await expect.poll(() => image.locator('img.media-preview').evaluate((element) => (element as HTMLImageElement).naturalWidth)).toBe(1);

    vision.script({ text: CAPTION });
    await image.getByRole('button', { name: 'Describe pixel.png' }).click();
    const form = page.getByRole('form', { name: 'Describe pixel.png' });
    await expect.poll(() => form.getByLabel('Vision model').locator('option').allInnerTexts()).toContain('vision/gpt-vision');
    await form.getByLabel('Vision model').selectOption('vision/gpt-vision');
    await form.getByLabel('Ingest caption into').selectOption({ label: 'handbook' });
    await form.getByRole('button', { name: 'Describe image' }).click();
    await status('Described pixel.png with vision/gpt-vision.');
    await expect.poll(() => image.getByTestId('media-caption').innerText()).toBe(CAPTION);
    expect(JSON.stringify(vision.requests.at(-1)?.body)).toContain('data:image/png;base64,');
    await shot('vectors-media.png');

    // The caption was queued as a document of the collection: once ready, full-text search finds it.
    await nav('Search playground');
    await page.locator('#search-collection').selectOption({ label: 'handbook' });
    await page.locator('#search-query').fill('crimson pixel');
    await expect
      .poll(
        async () => {
          await page.getByRole('button', { name: 'Search', exact: true }).click();
          await page.getByTestId('results-text').getByText(/hits? for “crimson pixel”/).waitFor();
          return hitsIn('text').count();
        },
        { timeout: 60_000, interval: 1_000 },
      )
      .toBeGreaterThan(0);
    expect(await hitsIn('text').first().innerText()).toContain('crimson pixel');
  });

  it('deletes the collection after a confirmation', async () => {
    await nav('Collections');
    await page.getByTestId('collections').getByRole('link', { name: 'handbook', exact: true }).click();
    await page.getByRole('button', { name: 'Delete collection' }).click();
    await page.getByRole('group', { name: /Delete handbook and all its documents/ }).getByRole('button', { name: 'Delete collection' }).click();
    await status('Deleted collection handbook.');
    await page.getByText('No collection yet').waitFor();
    expect((await api('GET', `/vectors/collections/${collectionId}`)).status).toBe(404);
    expect(pageErrors).toEqual([]);
  });
});
