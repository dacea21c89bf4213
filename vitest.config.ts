import { defineConfig } from 'vitest/config'

// Two suites: `unit` (pure logic, no brokers, runs anywhere) and `integration` (real RabbitMQ and
// Redis on localhost; each file gets its own vhost and key prefix, see src/test-support/brokers.ts).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['src/**/*.test.{ts,tsx}'],
          exclude: ['src/**/*.integration.test.ts', 'node_modules/**'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'integration',
          include: ['src/**/*.integration.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
})
