import nx from '@nx/eslint-plugin';
import { depConstraints } from './tools/eslint/layer-constraints.mjs';

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  ...nx.configs['flat/javascript'],
  {
    ignores: ['**/dist', '**/node_modules', '**/generated/**', '.nx', '.strata', '**/vite.config.ts.timestamp-*', 'tools/generators/**/files/**'],
  },
  {
    files: ['**/*.ts', '**/*.tsx', '**/*.js', '**/*.jsx', '**/*.mjs'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: true,
          // The test-database helpers may be imported by any spec, db's own included (testing is
          // built on db: a test-only edge). The last block keeps them out of production code.
          allow: ['@strata/testing'],
          ignoredCircularDependencies: [['testing', 'db']],
          // From the "Dependency direction" block of docs/ARCHITECTURE.md.
          depConstraints: depConstraints(),
        },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['apps/*/src/**/*.ts', 'apps/*/src/**/*.tsx', 'libs/*/src/**/*.ts'],
    ignores: ['**/*.spec.ts', '**/*.spec.tsx', '**/*.e2e.ts', 'libs/testing/**', 'apps/*/src/testing/**', 'libs/*/src/**/testing/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [{ name: '@strata/testing', message: 'Test helpers belong in *.spec.ts files only.' }] },
      ],
    },
  },
];
