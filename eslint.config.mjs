// @ts-check
import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import reactHooks from 'eslint-plugin-react-hooks'
import globals from 'globals'
import { builtinModules } from 'node:module'

// Layer rules (docs/coding.md "Layers, enforced by lint"): each folder may import only from the
// layers below it. A broken rule fails `npm run lint`; src/layers.test.ts proves that it does.
const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)]
const electronOnly = {
  name: 'electron',
  message: 'Only src/main/index.ts, src/main/app/** and src/main/ipc/** (and the preload) may import electron.',
}
const DOM_GLOBALS = ['window', 'document', 'navigator', 'localStorage', 'sessionStorage', 'location', 'HTMLElement']

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', '.tmp/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
      'no-empty': ['error', { allowEmptyCatch: true }],
    },
  },
  {
    files: ['src/**/*.{ts,tsx}'],
    ignores: ['src/main/index.ts', 'src/main/app/**', 'src/main/ipc/**', 'src/preload/**'],
    rules: {
      'no-restricted-imports': ['error', { paths: [electronOnly], patterns: [{ group: ['electron/*'], message: electronOnly.message }] }],
    },
  },
  {
    files: ['src/shared/**/*.ts'],
    languageOptions: { globals: {} },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [electronOnly, ...nodeBuiltins.map((name) => ({ name, message: 'src/shared runs everywhere: no Node built-ins.' }))],
          patterns: [{ group: ['**/main/**', '**/renderer/**', '**/preload/**', '**/cli/**'], message: 'src/shared imports only src/shared.' }],
        },
      ],
      'no-restricted-globals': [
        'error',
        ...DOM_GLOBALS.map((name) => ({ name, message: 'src/shared must not use the DOM.' })),
        { name: 'process', message: 'src/shared must not use Node globals.' },
        { name: 'Buffer', message: 'src/shared must not use Node globals.' },
      ],
    },
  },
  {
    files: ['src/renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': [
        'error',
        {
          paths: [electronOnly, ...nodeBuiltins.map((name) => ({ name, message: 'The renderer has no Node: talk to the core through getApi().' }))],
          patterns: [{ group: ['**/main/**', '**/preload/**', '**/cli/**'], message: 'The renderer imports only src/shared and itself.' }],
        },
      ],
    },
  },
  {
    files: ['src/main/core/**', 'src/main/brokers/**', 'src/main/storage/**', 'src/main/web/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [electronOnly],
          patterns: [
            { group: ['electron/*'], message: electronOnly.message },
            { group: ['**/renderer/**', '**/preload/**', '**/cli/**'], message: 'The core does not import front ends.' },
          ],
        },
      ],
    },
  },
)
