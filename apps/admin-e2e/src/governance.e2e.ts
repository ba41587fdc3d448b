import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from './support/browser';
import { startStrata, WORKSPACE_ROOT, type StrataProcess } from './support/strata-process';

const SCREENSHOTS = path.join(WORKSPACE_ROOT, 'dist/e2e-screenshots');
const KEY_PATTERN = /strata_[a-z2-7]{12}_[A-Za-z0-9_-]{43}/;

/**
 * The governance pages end to end, as an owner: purposes, a service account and its API key (shown
 * once), a member, a policy published after a failed validation, an approval requested by another
 * principal and approved here with a reason, and the audit log filtered, verified and exported.
 * The steps share one tab (the session lives in its sessionStorage) and build on each other.
 */
describe('governance admin pages in a real browser', () => {
  let strata: StrataProcess;
  let browser: Browser;
  let page: Page;
  let ownerKey: string;
  let operatorKey: string;
  const pageErrors: string[] = [];

  const shot = (name: string) => page.screenshot({ path: path.join(SCREENSHOTS, name), fullPage: true });
  const nav = (label: string) => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: label, exact: true }).click();

  beforeAll(async () => {
    await mkdir(SCREENSHOTS, { recursive: true });
    [strata, browser] = await Promise.all([startStrata(), launchBrowser()]);
    ownerKey = KEY_PATTERN.exec(strata.output())?.[0] as string;
    expect(ownerKey, 'the first start prints an owner key').toBeDefined();
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, acceptDownloads: true });
    page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
  });

  afterAll(async () => {
    await browser?.close();
    if (strata) expect(await strata.stop()).toBe(0);
  });

  it('sends a visitor without a key to sign in, then back to the page asked for', async () => {
    await page.goto(`${strata.baseUrl}/admin/governance/purposes`);
    await page.getByRole('heading', { name: 'Sign in to Strata' }).waitFor();
    expect(new URL(page.url()).searchParams.get('next')).toBe('/governance/purposes');
    await page.getByLabel('API key').fill(ownerKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Purposes', level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/admin/governance/purposes');
    const governance = await page.getByRole('navigation', { name: 'Main' }).innerText();
    for (const label of ['Members', 'Service accounts & API keys', 'Roles & policies', 'Purposes', 'Approvals', 'Audit log']) expect(governance).toContain(label);
  });

  it('creates a purpose, refusing a malformed name on the client first', async () => {
    await page.getByLabel('Purpose name').fill('Fraud Review');
    await page.getByRole('button', { name: 'Create purpose' }).click();
    await expect.poll(() => page.locator('#purpose-name-error').innerText()).toContain('lowercase letters');

    await page.getByLabel('Purpose name').fill('fraud-review');
    await page.getByLabel('Description', { exact: true }).fill('Investigating suspected payment fraud');
    await page.getByLabel('Requires a justification').check();
    await page.getByRole('button', { name: 'Create purpose' }).click();
    await page.getByRole('status').filter({ hasText: 'Created purpose fraud-review' }).waitFor();
    const row = page.getByRole('row', { name: /fraud-review/ });
    expect(await row.innerText()).toContain('required');

    // The API's refusal (a duplicate name) is shown with its request id.
    await page.getByLabel('Purpose name').fill('fraud-review');
    await page.getByRole('button', { name: 'Create purpose' }).click();
    const refusal = page.getByRole('alert').filter({ hasText: 'already exists' });
    await refusal.waitFor();
    expect(await refusal.innerText()).toMatch(/Request id: [0-9a-f-]{36}/);
    await page.getByLabel('Purpose name').fill('');
    await shot('governance-purposes.png');
  });

  it('creates a service account and an API key whose token is shown once', async () => {
    await nav('Service accounts & API keys');
    await page.getByRole('heading', { name: 'Service accounts & API keys' }).waitFor();
    await page.getByLabel('Service account name').fill('claims-bot');
    await page.getByLabel('Description', { exact: true }).fill('Files refund requests from the claims agent');
    await page.getByRole('group', { name: 'Service account roles' }).getByRole('checkbox', { name: 'operator' }).check();
    await page.getByRole('button', { name: 'Create service account' }).click();
    await page.getByRole('row', { name: /claims-bot/ }).first().waitFor();

    await page.getByLabel('Key name').fill('claims-bot-ci');
    await page.getByLabel('Acts as').selectOption({ label: 'claims-bot' });
    expect(await page.getByRole('group', { name: 'Key roles' }).getByRole('checkbox', { name: 'operator' }).isChecked()).toBe(true);
    await page.getByRole('button', { name: 'Create API key' }).click();

    const reveal = page.getByRole('region', { name: 'API key "claims-bot-ci" created' });
    await reveal.waitFor();
    expect(await reveal.innerText()).toContain('You will not see it again');
    operatorKey = await page.getByLabel('New API key').inputValue();
    expect(operatorKey).toMatch(KEY_PATTERN);
    await page.getByRole('button', { name: 'Copy key' }).waitFor();
    await shot('governance-api-key-created.png');

    // The key works, as the service account with the role it was given.
    const me = (await (await fetch(`${strata.baseUrl}/governance/me`, { headers: { authorization: `Bearer ${operatorKey}` } })).json()) as {
      actor: { type: string; roles: string[] };
    };
    expect(me.actor).toMatchObject({ type: 'service_account', roles: ['operator'] });

    await page.getByRole('button', { name: 'I have stored the key' }).click();
    await reveal.waitFor({ state: 'detached' });
    expect(await page.content()).not.toContain(operatorKey);
    const keyRow = page.getByRole('row', { name: /claims-bot-ci/ });
    expect(await keyRow.innerText()).toContain('active');
    expect(await keyRow.innerText()).toContain(operatorKey.split('_')[1]);
  });

  it('adds a member with a role', async () => {
    await nav('Members');
    await page.getByRole('heading', { name: 'Members', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Add member' }).click();
    await expect.poll(() => page.locator('#member-email-error').innerText()).toContain('email address');

    await page.getByLabel('Email').fill('ada@example.com');
    await page.getByLabel('Display name').fill('Ada Lovelace');
    const roles = page.getByRole('group', { name: 'Roles', exact: true });
    await roles.getByRole('checkbox', { name: 'viewer' }).uncheck();
    await roles.getByRole('checkbox', { name: 'approver' }).check();
    await page.getByRole('button', { name: 'Add member' }).click();
    await page.getByRole('status').filter({ hasText: 'Added Ada Lovelace' }).waitFor();
    const row = page.getByRole('row', { name: /Ada Lovelace/ });
    expect(await row.innerText()).toContain('ada@example.com');
    expect(await row.innerText()).toContain('approver');
    await shot('governance-members.png');
  });

  it('shows the failing rule path of an invalid policy, then publishes the corrected one', async () => {
    await nav('Roles & policies');
    await page.getByRole('heading', { name: 'Roles & policies' }).waitFor();
    await page.getByTestId('current-policy').waitFor();
    expect(await page.getByTestId('current-policy').innerText()).toContain('none published');

    const rule = (subject: string) =>
      JSON.stringify([{ roles: ['viewer'], action: 'read', subject: 'Purpose' }, { roles: ['auditor'], action: ['read'], subject, reason: 'auditors follow approvals' }], null, 2);
    await page.getByLabel('Policy rules (JSON)').fill(rule('Approvals'));
    await page.getByLabel('Change comment').fill('Auditors read approval requests');
    await page.getByRole('button', { name: 'Validate' }).click();
    const issues = page.getByTestId('policy-issues');
    await issues.waitFor();
    expect(await issues.innerText()).toContain('1.subject');
    expect(await issues.innerText()).toContain('Rule 2 › subject');
    expect(await issues.innerText()).toContain('unknown subject Approvals');
    await shot('governance-policy-invalid.png');

    await page.getByLabel('Policy rules (JSON)').fill(rule('ApprovalRequest'));
    await page.getByRole('button', { name: 'Validate' }).click();
    await page.getByRole('status').filter({ hasText: 'The policy is valid (2 rules)' }).waitFor();
    await page.getByRole('button', { name: 'Publish new version' }).click();
    await page.getByRole('status').filter({ hasText: 'Published version 1' }).waitFor();
    await expect.poll(() => page.getByTestId('current-policy').innerText()).toContain('Auditors read approval requests');
    await page.getByRole('row', { name: /Auditors read approval requests/ }).waitFor();
    await shot('governance-policies.png');
  });

  it('approves, with a reason, a request another principal made', async () => {
    const created = await fetch(`${strata.baseUrl}/governance/approvals`, {
      method: 'POST',
      headers: { authorization: `Bearer ${operatorKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        action: 'payments.refund',
        subjectType: 'Payment',
        subjectId: 'pay_8812',
        arguments: { amount: 120, currency: 'EUR', customer: 'cus_42' },
        summary: 'Refund 120 EUR to customer 42',
        approverRoles: ['owner'],
        expiresInSeconds: 3600,
      }),
    });
    expect(created.status, await created.clone().text()).toBe(201);

    await nav('Approvals');
    await page.getByRole('heading', { name: 'Approvals', level: 1 }).waitFor();
    expect(await page.getByRole('tab', { name: 'Waiting for my decision' }).getAttribute('aria-selected')).toBe('true');
    await page.getByRole('link', { name: 'Refund 120 EUR to customer 42' }).waitFor();
    await shot('governance-approvals-inbox.png');

    await page.getByRole('link', { name: 'Refund 120 EUR to customer 42' }).click();
    await page.getByRole('heading', { name: /Refund 120 EUR to customer 42/ }).waitFor();
    expect(await page.getByTestId('approval-facts').innerText()).toContain('payments.refund');
    await page.getByRole('button', { name: 'Approve' }).click();
    await expect.poll(() => page.locator('#decision-reason-error').innerText()).toContain('Give a reason');
    await page.getByLabel('Reason').fill('Customer 42 was double-charged; verified against the ledger.');
    await page.getByRole('button', { name: 'Approve' }).click();
    await page.getByRole('status').filter({ hasText: 'Approved: the quorum is reached.' }).waitFor();
    expect(await page.getByRole('list', { name: 'Decisions' }).innerText()).toContain('verified against the ledger');
    expect(await page.getByTestId('decide-why').innerText()).toContain('approved');
    await shot('governance-approval-decided.png');

    // Decided requests: the view is in the URL, so it survives a reload.
    await page.getByRole('link', { name: '← Approvals' }).click();
    await page.getByRole('tab', { name: 'All requests' }).click();
    await page.getByLabel('Status').selectOption('approved');
    await page.getByRole('link', { name: 'Refund 120 EUR to customer 42' }).waitFor();
    expect(new URL(page.url()).search).toBe('?view=all&status=approved');
    await page.reload();
    await page.getByRole('link', { name: 'Refund 120 EUR to customer 42' }).waitFor();
    expect(await page.getByLabel('Status').inputValue()).toBe('approved');
  });

  it('filters the audit log by action, verifies its integrity and exports NDJSON', async () => {
    await nav('Audit log');
    await page.getByRole('heading', { name: 'Audit log' }).waitFor();
    await page.getByTestId('audit-entries').waitFor();
    await page.getByLabel('Action starts with').fill('approval.');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('actionPrefix')).toBe('approval.');
    await expect.poll(async () => (await page.getByTestId('audit-entries').locator('tbody tr').allInnerTexts()).length).toBe(2);
    const actions = await page.getByTestId('audit-entries').locator('tbody th').allInnerTexts();
    expect(actions.sort()).toEqual(['approval.create', 'approval.decide']);

    await page.getByRole('button', { name: /^Details of entry/ }).first().click();
    const detail = page.getByRole('region', { name: /^Entry \d+: approval\.decide/ });
    await detail.waitFor();
    expect(await detail.innerText()).toContain('verified against the ledger');

    await page.getByRole('button', { name: 'Verify integrity' }).click();
    await expect.poll(() => page.getByTestId('verify-result').innerText()).toContain('Integrity verified.');

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export NDJSON' }).click()]);
    const lines = (await readFile(await download.path(), 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as { action: string; hash: string });
    expect(lines.map((line) => line.action).sort()).toEqual(['approval.create', 'approval.decide']);
    expect(lines.every((line) => /^[0-9a-f]{64}$/.test(line.hash))).toBe(true);
    expect(download.suggestedFilename()).toMatch(/\.ndjson$/);
    await page.getByRole('status').filter({ hasText: 'Exported the matching entries' }).waitFor();
    await shot('governance-audit-log.png');

    // The filtered view is shareable: a fresh load of the URL shows the same entries.
    await page.reload();
    await expect.poll(async () => (await page.getByTestId('audit-entries').locator('tbody th').allInnerTexts()).sort()).toEqual(['approval.create', 'approval.decide']);
    expect(await page.getByLabel('Action starts with').inputValue()).toBe('approval.');
  });

  it('lists access decisions with filters in the URL and replays one under the current policy', async () => {
    await nav('Access decisions');
    await page.getByRole('heading', { name: 'Access decisions' }).waitFor();
    await page.getByLabel('Action', { exact: true }).fill('decide');
    await page.getByLabel('Subject type').fill('ApprovalRequest');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await expect.poll(() => new URL(page.url()).search).toBe('?action=decide&subjectType=ApprovalRequest');
    const rows = page.locator('table tbody tr');
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.first().innerText()).toContain('allowed');
    await rows.first().getByRole('button', { name: 'Replay' }).click();
    await expect.poll(() => rows.first().getByRole('status').innerText()).toBe('same allowed under v1');
    await shot('governance-decisions.png');
  });

  it('revokes an API key after a confirmation, and the key stops working', async () => {
    await nav('Service accounts & API keys');
    const keyRow = page.getByRole('row', { name: /claims-bot-ci/ });
    await keyRow.getByRole('button', { name: 'Revoke' }).click();
    await keyRow.getByRole('button', { name: 'Revoke key' }).click();
    await page.getByRole('status').filter({ hasText: 'Revoked "claims-bot-ci"' }).waitFor();
    expect(await keyRow.innerText()).toContain('revoked');
    const refused = await fetch(`${strata.baseUrl}/governance/me`, { headers: { authorization: `Bearer ${operatorKey}` } });
    expect(refused.status).toBe(401);
  });

  it('hides what an auditor may not do, and keeps what it may', async () => {
    const owner = { authorization: `Bearer ${ownerKey}`, 'content-type': 'application/json' };
    const account = (await (
      await fetch(`${strata.baseUrl}/governance/service-accounts`, { method: 'POST', headers: owner, body: JSON.stringify({ name: 'audit-reader', roles: ['auditor'] }) })
    ).json()) as { id: string };
    const created = (await (
      await fetch(`${strata.baseUrl}/governance/api-keys`, {
        method: 'POST',
        headers: owner,
        body: JSON.stringify({ name: 'external-audit', serviceAccountId: account.id, roles: ['auditor'] }),
      })
    ).json()) as { token: string };

    const auditor = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
    auditor.on('pageerror', (error) => pageErrors.push(error.message));
    await auditor.goto(`${strata.baseUrl}/admin/governance/members`);
    await auditor.getByLabel('API key').fill(created.token);
    await auditor.getByRole('button', { name: 'Sign in' }).click();
    await auditor.getByRole('row', { name: /Ada Lovelace/ }).waitFor();
    await auditor.getByText('Your roles do not allow adding members.').waitFor();
    expect(await auditor.getByRole('button', { name: 'Add member' }).count()).toBe(0);
    expect(await auditor.getByRole('button', { name: 'Edit roles of Ada Lovelace' }).isDisabled()).toBe(true);

    await auditor.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Roles & policies' }).click();
    await auditor.getByTestId('current-policy').waitFor();
    expect(await auditor.getByLabel('Policy rules (JSON)').count()).toBe(0);

    await auditor.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit log' }).click();
    await auditor.getByRole('button', { name: 'Verify integrity' }).click();
    await expect.poll(() => auditor.getByTestId('verify-result').innerText()).toContain('Integrity verified.');
    await auditor.screenshot({ path: path.join(SCREENSHOTS, 'governance-auditor-audit-log.png'), fullPage: true });
  });

  it('raised no page errors', () => {
    expect(pageErrors).toEqual([]);
  });
});
