import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from './support/browser';
import { startStrata, WORKSPACE_ROOT, type StrataProcess } from './support/strata-process';

const SCREENSHOTS = path.join(WORKSPACE_ROOT, 'dist/e2e-screenshots');

describe('admin shell in a real browser', () => {
  let strata: StrataProcess;
  let browser: Browser;

  beforeAll(async () => {
    await mkdir(SCREENSHOTS, { recursive: true });
    [strata, browser] = await Promise.all([startStrata(), launchBrowser()]);
  });

  afterAll(async () => {
    await browser?.close();
    const code = await strata?.stop();
    expect(code).toBe(0);
  });

  it('opens on the overview with live system status', async () => {
    const page = await browser.newPage();
    const consoleErrors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => consoleErrors.push(error.message));

    await page.goto(`${strata.baseUrl}/`);
    expect(new URL(page.url()).pathname).toBe('/admin/');
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    await expect.poll(() => page.getByTestId('card-database').innerText()).toContain('Embedded (PGlite)');
    expect(await page.getByTestId('card-health').innerText()).toContain('healthy');
    expect(await page.getByTestId('card-migrations').innerText()).toMatch(/\d+ applied/);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'overview.png'), fullPage: true });
    expect(consoleErrors).toEqual([]);
  });

  it('navigates to the system status page and deep-links into it', async () => {
    const page = await browser.newPage();
    await page.goto(`${strata.baseUrl}/admin/`);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'System status' }).click();
    await page.getByRole('heading', { name: 'System status' }).waitFor();
    await expect.poll(() => page.getByTestId('database-mode').innerText()).toBe('embedded');
    const readiness = await page.getByTestId('readiness').innerText();
    expect(readiness).toContain('database');
    expect(readiness).toContain('migrations');
    expect(readiness).toContain('ready');

    const deep = await browser.newPage();
    await deep.goto(`${strata.baseUrl}/admin/system`);
    await deep.getByRole('heading', { name: 'System status' }).waitFor();
    await deep.screenshot({ path: path.join(SCREENSHOTS, 'system-status.png'), fullPage: true });
  });

  it('signs in with the bootstrap owner key, refuses a wrong one, and signs out', async () => {
    const ownerKey = /strata_[a-z2-7]{12}_[A-Za-z0-9_-]{43}/.exec(strata.output())?.[0];
    expect(ownerKey, 'the first start prints an owner key').toBeDefined();

    const page = await browser.newPage();
    await page.goto(`${strata.baseUrl}/admin/sign-in`);
    await page.getByLabel('API key').fill('short');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').innerText()).toContain('Paste the whole API key');

    await page.getByLabel('API key').fill(`strata_aaaaaaaaaaaa_${'A'.repeat(43)}`);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').innerText()).toContain('This key was not accepted');

    await page.getByLabel('API key').fill(ownerKey as string);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    await expect.poll(() => page.getByTestId('whoami').innerText()).toContain('Default tenant');
    expect(await page.getByTestId('whoami').innerText()).toContain('owner');
    expect(await page.evaluate(() => sessionStorage.getItem('strata.apiKey'))).toBe(ownerKey);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in to Strata' }).waitFor();
    expect(await page.evaluate(() => sessionStorage.getItem('strata.apiKey'))).toBeNull();
  });

  it('shows a not-found page inside the shell for an unknown admin route', async () => {
    const page = await browser.newPage();
    await page.goto(`${strata.baseUrl}/admin/no/such/page`);
    await page.getByRole('heading', { name: 'Not found' }).waitFor();
  });
});
