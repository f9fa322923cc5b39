import { defineConfig, globalIgnores } from 'eslint/config';
import nextVitals from 'eslint-config-next/core-web-vitals';
import nextTs from 'eslint-config-next/typescript';

const eslintConfig = defineConfig([
  ...nextVitals,
  ...nextTs,
  {
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    // The call's logic is plain TypeScript: React stays in components/ and lib/hooks/.
    files: ['lib/**/*.ts'],
    ignores: ['lib/hooks/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: ['react', 'react-dom', 'zustand'], patterns: ['next/*', 'react/*'] },
      ],
    },
  },
  {
    // Playwright fixtures receive a callback named `use`; it is not React's hook.
    files: ['e2e/**/*.ts', 'bench/**/*.ts'],
    rules: { 'react-hooks/rules-of-hooks': 'off' },
  },
  globalIgnores([
    '.next/**',
    'dist/**',
    'next-env.d.ts',
    'test-results/**',
    'playwright-report/**',
    'bench/results/**',
    // Built by scripts/build-blur-assets.mjs: the bundled blur worker and MediaPipe's own files.
    'public/blur/**',
  ]),
]);

export default eslintConfig;
