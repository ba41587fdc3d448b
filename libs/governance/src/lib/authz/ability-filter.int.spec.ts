import { subject } from '@casl/ability';
import { accessibleBy } from '@casl/prisma/runtime';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '@strata/kernel';
import { createTestDatabase, type TestDatabase } from '@strata/testing';
import type { PolicyRule } from '../policies/policy-rule';
import { compileAbility } from './compile-ability';

const WORDS = ['ab', 'abc', 'b', 'bot', 'claims', 'ops', 'x'];
const ROLES = ['viewer', 'builder', 'auditor', 'claims-reviewer'];

const name = fc.array(fc.constantFrom(...WORDS), { minLength: 1, maxLength: 3 }).map((parts) => parts.join('-'));
const account = fc.record({
  name,
  description: fc.constantFrom('', 'claims', 'ops team', 'abc'),
  roles: fc.subarray(ROLES),
  disabled: fc.boolean(),
  ageDays: fc.integer({ min: 0, max: 30 }),
});

const NOW = new Date('2026-06-01T00:00:00Z');
const day = 86_400_000;

/** Conditions in Prisma's where syntax over ServiceAccount's columns, nested with AND/OR/NOT. */
const leaf: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  fc.constantFrom(...WORDS).map((word) => ({ name: { startsWith: word } })),
  fc.constantFrom(...WORDS).map((word) => ({ name: { contains: word } })),
  fc.constantFrom(...WORDS).map((word) => ({ name: { endsWith: word } })),
  fc.subarray(['ab', 'b', 'bot', 'claims-ops', 'x-x']).map((names) => ({ name: { in: names } })),
  fc.constantFrom('', 'claims', 'ops team').map((description) => ({ description })),
  fc.constantFrom(...ROLES).map((role) => ({ roles: { has: role } })),
  fc.subarray(ROLES, { minLength: 1 }).map((roles) => ({ roles: { hasSome: roles } })),
  fc.subarray(ROLES, { minLength: 1 }).map((roles) => ({ roles: { hasEvery: roles } })),
  fc.boolean().map((isEmpty) => ({ roles: { isEmpty } })),
  fc.boolean().map((disabled) => ({ disabledAt: disabled ? { not: null } : null })),
);
const condition: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  { weight: 3, arbitrary: leaf },
  { weight: 1, arbitrary: fc.array(leaf, { minLength: 1, maxLength: 3 }).map((AND) => ({ AND })) },
  { weight: 1, arbitrary: fc.array(leaf, { minLength: 1, maxLength: 3 }).map((OR) => ({ OR })) },
  { weight: 1, arbitrary: leaf.map((NOT) => ({ NOT })) },
);
const rule: fc.Arbitrary<PolicyRule> = fc.record({
  roles: fc.subarray(ROLES, { minLength: 1 }),
  action: fc.constant('read'),
  subject: fc.constant('ServiceAccount'),
  conditions: fc.option(condition, { nil: undefined }),
  inverted: fc.boolean(),
});

describe("the ability's answer for a record agrees with the database filter for lists", () => {
  let db: TestDatabase;
  const tenantId = newId();
  let rows: Array<Record<string, unknown>>;

  beforeAll(async () => {
    db = await createTestDatabase();
    await db.prisma.tenant.create({ data: { id: tenantId, slug: 'prop', name: 'Property' } });
    const accounts = fc.sample(fc.uniqueArray(account, { minLength: 40, maxLength: 40, selector: (a) => a.name }), { numRuns: 1, seed: 7 })[0] ?? [];
    await db.prisma.serviceAccount.createMany({
      data: accounts.map((a) => ({
        id: newId(),
        tenantId,
        name: a.name,
        description: a.description,
        roles: a.roles,
        disabledAt: a.disabled ? new Date(NOW.getTime() - day) : null,
        createdAt: new Date(NOW.getTime() - a.ageDays * day),
      })),
    });
    rows = await db.prisma.serviceAccount.findMany({ where: { tenantId } });
    expect(rows).toHaveLength(40);
  });
  afterAll(() => db?.close());

  it('for random policies and principals', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(rule, { minLength: 1, maxLength: 4 }), fc.subarray(ROLES, { minLength: 1 }), async (rules, roles) => {
        const ability = compileAbility({
          principal: { type: 'user', id: 'u', roles },
          tenantId,
          builtInRules: [],
          customRules: rules,
          classifiedSubjects: [],
        });
        const inMemory = rows.filter((row) => ability.can('read', subject('ServiceAccount', { ...row }))).map((row) => row['id']);
        let inDatabase: unknown[];
        if (!ability.can('read', 'ServiceAccount')) {
          inDatabase = [];
        } else {
          const where = accessibleBy(ability as never, 'read' as never).ofType('ServiceAccount' as never) as object;
          inDatabase = (await db.prisma.serviceAccount.findMany({ where: { AND: [where as object, { tenantId }] }, select: { id: true } })).map((row) => row.id);
        }
        expect([...inDatabase].sort()).toEqual([...inMemory].sort());
      }),
      { numRuns: 150, seed: 20261122 },
    );
  });
});
