import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from './support/browser';
import { startStrata, WORKSPACE_ROOT, type StrataProcess } from './support/strata-process';

const SCREENSHOTS = path.join(WORKSPACE_ROOT, 'dist/e2e-screenshots');
const KEY_PATTERN = /strata_[a-z2-7]{12}_[A-Za-z0-9_-]{43}/;

interface PropertySpec {
  apiName: string;
  type?: string;
  required?: boolean;
  unique?: boolean;
  enumValues?: string;
  description?: string;
}

/**
 * The ontology pages end to end, as an owner: object types and a link type made in the manager
 * (a bad property name refused on the client, a breaking change explained and refused), objects
 * created and linked in the explorer, a filter shared through the URL, an object's links, graph
 * and history, an edit that loses a race against a concurrent API change (409), and an action
 * type checked with a failing criterion explained, applied, logged and reverted.
 */
describe('ontology admin pages in a real browser', () => {
  let strata: StrataProcess;
  let browser: Browser;
  let page: Page;
  let ownerKey: string;
  const ids: Record<string, string> = {};
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

  async function fillProperty(group: Locator, spec: PropertySpec) {
    await group.getByLabel('Api name').fill(spec.apiName);
    if (spec.type) await group.getByLabel('Type', { exact: true }).selectOption(spec.type);
    if (spec.enumValues) await group.getByLabel('Allowed values').fill(spec.enumValues);
    if (spec.required) await group.getByRole('checkbox', { name: 'Required' }).check();
    if (spec.unique) await group.getByRole('checkbox', { name: 'Unique' }).check();
    if (spec.description) await group.getByLabel('Description for agents').fill(spec.description);
  }

  async function createObjectType(apiName: string, description: string, properties: PropertySpec[], primaryKey: string, titleProperty?: string) {
    await nav('Ontology manager');
    await page.getByRole('link', { name: 'New object type' }).click();
    await page.getByRole('heading', { name: 'New object type' }).waitFor();
    await page.locator('#type-api-name').fill(apiName);
    await page.locator('#type-description').fill(description);
    for (const [index, spec] of properties.entries()) {
      await page.getByRole('button', { name: 'Add property' }).click();
      await fillProperty(page.getByRole('group', { name: `Property ${index + 1}` }), spec);
    }
    await page.getByLabel('Primary key').selectOption(primaryKey);
    if (titleProperty) await page.getByLabel('Title property').selectOption(titleProperty);
    await page.getByRole('button', { name: 'Check change' }).click();
    await expect.poll(() => page.getByTestId('schema-report').innerText()).toContain('Safe to apply');
    await page.getByRole('button', { name: 'Create object type' }).click();
    await status(`Created object type ${apiName}`);
    expect(new URL(page.url()).pathname).toBe(`/admin/ontology/object-types/${apiName}`);
  }

  async function createObject(typeName: string, title: string, values: Record<string, string>, selects: Record<string, string> = {}) {
    await page.getByRole('button', { name: `New ${typeName}` }).click();
    const form = page.getByRole('form', { name: `Create a ${typeName}` });
    for (const [label, value] of Object.entries(values)) await form.getByLabel(label, { exact: true }).fill(value);
    for (const [label, value] of Object.entries(selects)) await form.getByLabel(label, { exact: true }).selectOption(value);
    await form.getByRole('button', { name: `Create ${typeName}` }).click();
    await status(`Created ${title}.`);
    await form.getByRole('button', { name: 'Close' }).click();
  }

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

  it('signs in and lists the ontology pages in the sidebar', async () => {
    await page.goto(`${strata.baseUrl}/admin/ontology/types`);
    await page.getByLabel('API key').fill(ownerKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Ontology manager', level: 1 }).waitFor();
    const sidebar = await page.getByRole('navigation', { name: 'Main' }).innerText();
    for (const label of ['Ontology manager', 'Object explorer', 'Action types', 'Action log']) expect(sidebar).toContain(label);
  });

  it('refuses a malformed property name on the client, then creates Customer and Order', async () => {
    await page.getByRole('link', { name: 'New object type' }).click();
    await page.locator('#type-api-name').fill('Customer');
    await page.getByRole('button', { name: 'Add property' }).click();
    await page.getByRole('group', { name: 'Property 1' }).getByLabel('Api name').fill('Customer Id');
    await page.getByRole('button', { name: 'Check change' }).click();
    await expect.poll(() => page.locator('#property-0-apiName-error').innerText()).toContain('lowercase letter');
    expect(await page.locator('#type-primary-key-error').innerText()).toContain('primary key');
    await shot('ontology-type-invalid.png');

    await createObjectType(
      'Customer',
      'A person or company that buys from us.',
      [
        { apiName: 'customerId', required: true, unique: true, description: 'Our customer number, e.g. C-1.' },
        { apiName: 'name', required: true, description: 'Full name.' },
        { apiName: 'email', description: 'Where invoices go.' },
        { apiName: 'credit', type: 'integer', description: 'Credit limit in EUR.' },
      ],
      'customerId',
      'name',
    );
    await shot('ontology-customer-type.png');
    await createObjectType(
      'Order',
      'An order a customer placed.',
      [
        { apiName: 'orderId', required: true, unique: true },
        { apiName: 'status', type: 'enum', enumValues: 'open, paid, cancelled', required: true },
        { apiName: 'amount', type: 'decimal' },
      ],
      'orderId',
    );
  });

  it('creates a link type between them and shows the schema versions', async () => {
    await nav('Ontology manager');
    await page.getByLabel('Link type api name').fill('placed');
    await page.getByLabel('Link display name').fill('placed order');
    await page.getByLabel('From type').selectOption('Customer');
    await page.getByLabel('To type').selectOption('Order');
    await page.getByLabel('Cardinality').selectOption('one_to_many');
    await page.getByRole('button', { name: 'Create link type' }).click();
    await status('Created link type placed');
    expect(await page.getByTestId('link-types').innerText()).toMatch(/placed order[\s\S]*Customer[\s\S]*Order[\s\S]*one to many/);
    await expect.poll(async () => (await page.getByTestId('schema-versions').locator('tbody tr').count())).toBe(3);
    await shot('ontology-manager.png');
  });

  it('creates and links objects in the explorer', async () => {
    await nav('Object explorer');
    await page.getByLabel('Object type').selectOption('Customer');
    await createObject('Customer', 'Ada Lovelace', { customerId: 'C-1', name: 'Ada Lovelace', email: 'ada@example.com', credit: '500' });
    await createObject('Customer', 'Grace Hopper', { customerId: 'C-2', name: 'Grace Hopper', credit: '50' });
    await page.getByLabel('Object type').selectOption('Order');
    await createObject('Order', 'O-1', { orderId: 'O-1', amount: '120.50' }, { status: 'open' });
    await createObject('Order', 'O-2', { orderId: 'O-2', amount: '80' }, { status: 'open' });
    await expect.poll(async () => (await page.getByTestId('objects').locator('tbody tr').count())).toBe(2);

    // A create the type refuses: the API's code and the field it names.
    await page.getByRole('button', { name: 'New Order' }).click();
    const form = page.getByRole('form', { name: 'Create a Order' });
    await form.getByLabel('orderId', { exact: true }).fill('O-1');
    await form.getByLabel('status', { exact: true }).selectOption('open');
    await form.getByRole('button', { name: 'Create Order' }).click();
    await expect.poll(() => form.getByTestId('ontology-error').innerText()).toMatch(/ontology\.[a-z_]+/);
    await form.getByRole('button', { name: 'Close' }).click();

    // Bulk import: the dry run names every invalid row; the corrected data imports.
    await page.getByRole('button', { name: 'Import Order objects' }).click();
    const importForm = page.getByRole('form', { name: 'Import Order objects' });
    await importForm.getByLabel('Data').fill('orderId,status,amount\nO-3,open,15\nO-4,lost,abc');
    await importForm.getByRole('button', { name: 'Dry run' }).click();
    const importReport = importForm.getByTestId('import-report');
    await expect.poll(() => importReport.innerText()).toContain('1 invalid');
    expect(await importReport.getByRole('row', { name: /O-4/ }).innerText()).toMatch(/properties\.status[\s\S]*properties\.amount/);
    await importForm.getByLabel('Data').fill('orderId,status,amount\nO-3,open,15');
    await importForm.getByRole('button', { name: 'Import' }).click();
    await expect.poll(() => importReport.innerText()).toContain('Imported: 1 row (1 created');
    await expect.poll(async () => page.getByTestId('objects').locator('tbody tr').count()).toBe(3);
    await shot('ontology-import.png');
    await importForm.getByRole('button', { name: 'Close' }).click();

    const objects = await api<{ items: Array<{ id: string; primaryKeyValue: string }> }>('GET', '/ontology/objects?limit=50');
    for (const object of objects.body.items) ids[object.primaryKeyValue] = object.id;

    await page.goto(`${strata.baseUrl}/admin/ontology/objects/${ids['C-1']}`);
    await page.getByRole('heading', { name: /Ada Lovelace/ }).waitFor();
    for (const order of ['O-1', 'O-2']) {
      await page.getByLabel('Link type').selectOption('placed');
      await page.getByLabel('Linked Order').selectOption({ label: order });
      await page.getByRole('button', { name: 'Add link' }).click();
      await status('Linked.');
      await page.getByTestId('object-links').getByRole('link', { name: order }).waitFor();
    }
  });

  it('explains a breaking schema change and refuses it', async () => {
    await page.goto(`${strata.baseUrl}/admin/ontology/object-types/Customer`);
    await page.getByRole('heading', { name: 'Object type Customer' }).waitFor();
    await page.getByRole('group', { name: 'Property 4' }).getByLabel('Type', { exact: true }).selectOption('boolean');
    await page.getByRole('button', { name: 'Remove property 3 (email)' }).click();
    await page.getByRole('button', { name: 'Check change' }).click();
    const report = page.getByTestId('schema-report');
    await expect.poll(() => report.innerText()).toContain('Breaking change refused');
    const text = await report.innerText();
    expect(text).toContain('properties.email');
    expect(text).toContain('properties.credit');
    expect(text).toMatch(/1 object affected/);
    expect(await page.getByRole('button', { name: 'Apply change' }).isDisabled()).toBe(true);
    await shot('ontology-breaking-change.png');

    // Nothing changed: the type still has its four properties at the same schema version.
    const customer = await api<{ properties: unknown[]; schemaVersion: number }>('GET', '/ontology/object-types/Customer');
    expect(customer.body.properties).toHaveLength(4);
    expect(customer.body.schemaVersion).toBe(1);

    // A stricter cardinality contradicts Ada's two orders.
    await nav('Ontology manager');
    await page.getByRole('button', { name: 'Edit placed' }).click();
    const editLink = page.getByRole('form', { name: 'Edit link type placed' });
    await editLink.getByLabel('Cardinality').selectOption('one_to_one');
    await editLink.getByRole('button', { name: 'Check change' }).click();
    await expect.poll(() => editLink.getByTestId('schema-report').innerText()).toContain('cardinality_violated_by_data');
    expect(await editLink.getByRole('button', { name: 'Apply change' }).isDisabled()).toBe(true);
    await editLink.getByRole('button', { name: 'Cancel' }).click();

    // A safe change (a new optional property) applies as a new schema version.
    await page.goto(`${strata.baseUrl}/admin/ontology/object-types/Customer`);
    await page.getByRole('heading', { name: 'Object type Customer' }).waitFor();
    await page.getByRole('button', { name: 'Add property' }).click();
    await fillProperty(page.getByRole('group', { name: 'Property 5' }), { apiName: 'tier', type: 'enum', enumValues: 'standard, gold', description: 'Service level.' });
    await page.getByRole('button', { name: 'Check change' }).click();
    await expect.poll(() => page.getByTestId('schema-report').innerText()).toContain('Safe to apply');
    await page.getByRole('button', { name: 'Apply change' }).click();
    await status('Applied: Customer is now at schema version 4');
  });

  it('filters objects with the view in the URL', async () => {
    await page.goto(`${strata.baseUrl}/admin/ontology/objects?type=Customer&property=credit&op=gte&value=100`);
    const table = page.getByTestId('objects');
    await table.waitFor();
    await expect.poll(async () => table.locator('tbody th').allInnerTexts()).toEqual(['Ada Lovelace']);
    expect(await table.locator('caption').innerText()).toContain('where credit at least 100');
    expect(await page.getByLabel('Value').inputValue()).toBe('100');

    await page.getByLabel('Condition').selectOption('lt');
    await page.getByLabel('Sort by').selectOption('name');
    await page.getByLabel('Direction').selectOption('desc');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await expect.poll(() => new URL(page.url()).search).toBe('?type=Customer&property=credit&op=lt&value=100&sort=name&dir=desc');
    await expect.poll(async () => table.locator('tbody th').allInnerTexts()).toEqual(['Grace Hopper']);
    await shot('ontology-explorer.png');
  });

  it('shows an object with its links, graph and history', async () => {
    await page.goto(`${strata.baseUrl}/admin/ontology/objects/${ids['C-1']}`);
    await page.getByRole('heading', { name: /Ada Lovelace/ }).waitFor();
    const links = page.getByTestId('object-links');
    await links.getByRole('link', { name: 'O-2' }).waitFor();
    expect(await links.innerText()).toContain('placed order');

    const graph = page.getByTestId('ontology-graph');
    await graph.getByRole('link', { name: 'O-1 (Order)' }).waitFor();
    await graph.getByRole('link', { name: 'O-2 (Order)' }).waitFor();
    expect(await graph.locator('.ontology-edge-label').allTextContents()).toEqual(['placed order', 'placed order']);
    expect(await graph.getByRole('list', { name: 'Links in the graph' }).innerText()).toContain('Ada Lovelace placed order O-1');
    expect(await graph.locator('svg > title').textContent()).toContain('2 related objects within 1 hop');
    await page.getByRole('button', { name: '2 hops' }).click();
    await expect.poll(() => graph.locator('svg > title').textContent()).toContain('within 2 hops');

    const history = page.getByTestId('object-history');
    expect(await history.innerText()).toMatch(/created[\s\S]*direct API call/);
    await shot('ontology-object.png');

    // A node is a link to its object.
    await graph.getByRole('link', { name: 'O-1 (Order)' }).click();
    await page.getByRole('heading', { name: /O-1/ }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/admin/ontology/objects/${ids['O-1']}`);
  });

  it('refuses an edit that lost a race with a concurrent change (409), then saves after reloading', async () => {
    await page.goto(`${strata.baseUrl}/admin/ontology/objects/${ids['C-2']}`);
    await page.getByRole('heading', { name: /Grace Hopper/ }).waitFor();
    await page.getByRole('button', { name: 'Edit properties' }).click();
    await page.getByLabel('email', { exact: true }).fill('grace@example.com');

    // Someone else changes the object first, through the API.
    const concurrent = await api<{ version: number }>('PATCH', `/ontology/objects/${ids['C-2']}`, { properties: { credit: 75 }, expectedVersion: 1 });
    expect(concurrent.status).toBe(200);
    expect(concurrent.body.version).toBe(2);

    await page.getByRole('button', { name: 'Save changes' }).click();
    const conflict = page.getByTestId('version-conflict');
    await conflict.waitFor();
    expect(await conflict.innerText()).toContain('ontology.version_conflict');
    expect(await conflict.innerText()).toContain('You edited version 1');
    await shot('ontology-version-conflict.png');

    await conflict.getByRole('button', { name: 'Reload the object' }).click();
    await expect.poll(() => page.getByTestId('object-properties').innerText()).toContain('75');
    await page.getByRole('button', { name: 'Edit properties' }).click();
    await page.getByLabel('email', { exact: true }).fill('grace@example.com');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await status('is now at version 3');
    await expect.poll(() => page.getByTestId('object-history').locator('tbody tr').count()).toBe(3);
    expect(await page.getByTestId('object-history').innerText()).toContain('grace@example.com');
  });

  it('creates an action type, explains failing criteria and field errors, applies it, and reverts it', async () => {
    await nav('Action types');
    await page.getByRole('heading', { name: 'Action types', level: 1 }).waitFor();
    await page.getByLabel('Action api name').fill('markPaid');
    await page.getByLabel('Action display name').fill('Mark order paid');
    await page.getByLabel('Action description for agents').fill('Records the payment of an open order.');
    await page.getByLabel('Parameters, criteria, effects and approval (JSON)').fill(
      JSON.stringify(
        {
          parameters: [
            { apiName: 'order', type: 'object_reference', objectType: 'Order', description: 'The order that was paid' },
            { apiName: 'amount', type: 'decimal', maximum: 10000, description: 'Amount received in EUR' },
          ],
          criteria: [
            { id: 'orderOpen', kind: 'objectProperty', parameter: 'order', property: 'status', op: 'eq', value: 'open', description: 'Only open orders can be paid' },
            { id: 'covers', kind: 'parameter', parameter: 'amount', op: 'gte', value: 100, description: 'The payment covers at least 100 EUR' },
          ],
          effects: [{ kind: 'modifyObject', object: '{{params.order}}', properties: { status: 'paid' } }],
          approval: null,
        },
        null,
        2,
      ),
    );
    await page.getByRole('button', { name: 'Create action type' }).click();
    await page.getByRole('heading', { name: /Mark order paid/, level: 1 }).waitFor();

    const form = page.getByRole('form', { name: 'Run Mark order paid' });
    await form.getByLabel('order', { exact: true }).selectOption({ label: 'O-1' });
    await form.getByLabel('amount', { exact: true }).fill('20000');
    await form.getByRole('button', { name: 'Check' }).click();
    await expect.poll(() => page.locator('#param-amount-error').innerText()).toContain('10000');

    await form.getByLabel('amount', { exact: true }).fill('50');
    await form.getByRole('button', { name: 'Check' }).click();
    const report = page.getByTestId('criteria-report');
    await expect.poll(() => report.innerText()).toContain('1 failing criterion');
    const failing = report.getByRole('row', { name: /The payment covers at least 100 EUR/ });
    expect(await failing.innerText()).toMatch(/fail[\s\S]*amount gte 100[\s\S]*50/);
    expect(await report.getByRole('row', { name: /Only open orders can be paid/ }).innerText()).toContain('pass');
    await shot('ontology-action-check.png');

    // Apply is refused the same way, with the API's code.
    await form.getByRole('button', { name: 'Apply' }).click();
    await expect.poll(() => form.getByTestId('ontology-error').innerText()).toContain('ontology.action_criteria_not_met');

    await form.getByLabel('amount', { exact: true }).fill('120.50');
    await form.getByRole('button', { name: 'Apply' }).click();
    const result = page.getByTestId('action-result');
    await expect.poll(() => result.innerText()).toContain('Applied: 1 change made.');
    expect(await result.innerText()).toContain('status: open → paid');
    const log = page.getByTestId('action-log');
    await expect.poll(() => log.innerText()).toContain('applied');
    await shot('ontology-action-applied.png');

    const order = await api<{ properties: { status: string }; version: number }>('GET', `/ontology/objects/${ids['O-1']}`);
    expect(order.body.properties.status).toBe('paid');

    // The order's history names the action; the log reverts it.
    await result.getByRole('link', { name: /Order/ }).click();
    await page.getByRole('heading', { name: /O-1/ }).waitFor();
    await expect.poll(() => page.getByTestId('object-history').innerText()).toContain('action markPaid');

    await nav('Action log');
    await page.getByRole('heading', { name: 'Action log', level: 1 }).waitFor();
    await page.getByTestId('action-log').getByRole('button', { name: 'Revert' }).click();
    await page.getByRole('button', { name: 'Revert it' }).click();
    await status('Reverted');
    await expect.poll(async () => (await api<{ properties: { status: string } }>('GET', `/ontology/objects/${ids['O-1']}`)).body.properties.status).toBe('open');
    await expect.poll(() => page.getByTestId('action-log').innerText()).toContain('reverted');
    await shot('ontology-action-log.png');
  });

  it('submits an action that needs an approval, which runs once an approver agrees', async () => {
    // An approver (a service account with its own key), and an action type that needs one: both through the API.
    const account = await api<{ id: string }>('POST', '/governance/service-accounts', { name: 'finance-approver', description: 'Approves cancellations', roles: ['approver'] });
    const key = await api<{ token: string }>('POST', '/governance/api-keys', { name: 'finance-approver-key', serviceAccountId: account.body.id, roles: ['approver'] });
    expect(key.status).toBe(201);
    const created = await api<{ id: string }>('POST', '/ontology/action-types', {
      apiName: 'cancelOrder',
      displayName: 'Cancel order',
      description: 'Cancels an order; finance approves.',
      parameters: [{ apiName: 'order', type: 'object_reference', objectType: 'Order', description: 'The order to cancel' }],
      effects: [{ kind: 'modifyObject', object: '{{params.order}}', properties: { status: 'cancelled' } }],
      approval: { approverRoles: ['approver'] },
    });
    expect(created.status).toBe(201);

    await nav('Action types');
    await page.getByRole('link', { name: 'Cancel order' }).click();
    const form = page.getByRole('form', { name: 'Run Cancel order' });
    expect(await form.innerText()).toContain('Needs approval by role approver');
    await form.getByLabel('order', { exact: true }).selectOption({ label: 'O-2' });
    await form.getByRole('button', { name: 'Request' }).click();
    const result = page.getByTestId('action-result');
    await expect.poll(() => result.innerText()).toContain('awaits approval');
    expect((await api<{ properties: { status: string } }>('GET', `/ontology/objects/${ids['O-2']}`)).body.properties.status).toBe('open');
    await shot('ontology-action-awaiting-approval.png');

    await result.getByRole('link', { name: 'Open the approval request' }).click();
    await page.getByTestId('approval-facts').waitFor();
    expect(await page.getByTestId('approval-facts').innerText()).toContain('ontology.cancelOrder');
    const approvalId = new URL(page.url()).pathname.split('/').pop() as string;

    const decided = await fetch(`${strata.baseUrl}/governance/approvals/${approvalId}/decisions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key.body.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ decision: 'approve', reason: 'Customer asked by phone.' }),
    });
    expect(decided.status, await decided.clone().text()).toBe(200);
    await expect.poll(async () => (await api<{ properties: { status: string } }>('GET', `/ontology/objects/${ids['O-2']}`)).body.properties.status).toBe('cancelled');

    await nav('Action log');
    const row = page.getByTestId('action-log').getByRole('row', { name: /cancelOrder/ });
    await expect.poll(() => row.innerText()).toContain('applied');
    expect(await row.getByRole('link', { name: 'approval' }).getAttribute('href')).toBe(`/admin/governance/approvals/${approvalId}`);

    expect(pageErrors).toEqual([]);
  });
});
