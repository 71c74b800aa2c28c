import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', '.run/', '.data/', 'test-artifacts/', 'src/http/public/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['telegraf', 'telegraf/*', 'wechaty', 'wechaty/*', 'wechaty-puppet*'], message: 'Only src/platforms/ may import platform libraries.' },
          ],
        },
      ],
    },
  },
  {
    files: ['src/platforms/**/*.ts', 'test/**/*.ts', 'scripts/**/*.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    // Flows and handlers call services; only services touch the database.
    files: ['flows/**/*.ts', 'handlers/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['telegraf', 'telegraf/*', 'wechaty', 'wechaty/*', 'wechaty-puppet*'], message: 'Only src/platforms/ may import platform libraries.' },
            { group: ['mongoose', 'mongodb'], message: 'Flows and handlers call services; only services touch models.' },
          ],
        },
      ],
    },
  },
  {
    files: ['src/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['mongoose', 'ioredis', 'bullmq', 'node:fs', 'node:net', 'fastify', 'pino', '../db/*', '../queue/*', '../services/*'], message: 'The domain is pure: no I/O.' }] },
      ],
    },
  },
);
