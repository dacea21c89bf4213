import react from '@vitejs/plugin-react'
import { defineConfig } from 'vitest/config'

/**
 * Four suites:
 * - `unit`: pure logic, no brokers, runs anywhere.
 * - `component`: the renderer's components in jsdom, against the store with a fake API
 *   (src/renderer/src/test-kit). `npm test` runs it with `unit`.
 * - `integration`: real RabbitMQ and Redis on localhost; each file gets its own vhost and key
 *   prefix (src/test-support/brokers.ts), so files run side by side: most of their time is spent
 *   waiting on the brokers, not on this machine's two cores.
 * - `soak`: load-sized checks (a 1,000,000-entry stream, 10,000 queues, a 50,000-message move),
 *   one file at a time; `npm run test:soak` (CI runs it after `npm test`).
 * Projects with different worker counts run one after another (`groupOrder`) when one command names several.
 */
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          sequence: { groupOrder: 0 },
          include: ['src/**/*.test.{ts,tsx}'],
          exclude: ['src/**/*.integration.test.ts', 'src/**/*.soak.test.ts', 'src/**/*.component.test.tsx', 'node_modules/**'],
          environment: 'node',
        },
      },
      {
        plugins: [react()],
        test: {
          name: 'component',
          sequence: { groupOrder: 1 },
          include: ['src/renderer/**/*.component.test.tsx'],
          environment: 'jsdom',
          setupFiles: ['src/renderer/src/test-kit/setup.ts'],
        },
      },
      {
        test: {
          name: 'integration',
          sequence: { groupOrder: 2 },
          include: ['src/**/*.integration.test.ts'],
          environment: 'node',
          maxWorkers: 3,
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'soak',
          sequence: { groupOrder: 3 },
          include: ['src/**/*.soak.test.ts'],
          environment: 'node',
          maxWorkers: 1,
          testTimeout: 600_000,
          hookTimeout: 300_000,
        },
      },
    ],
  },
})
