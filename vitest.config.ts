import { fileURLToPath } from 'node:url';
import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

const engineSrc = fileURLToPath(new URL('./libs/form-engine/src/index.ts', import.meta.url));
const seedsSrc = fileURLToPath(new URL('./seeds/src/index.ts', import.meta.url));

// Tests import the libraries from source, so a test run never depends on a stale dist/.
const alias = { '@credo/form-engine': engineSrc, '@credo/seeds': seedsSrc };

export default defineConfig({
  test: {
    projects: [
      {
        resolve: { alias },
        test: {
          name: 'unit',
          include: ['libs/**/src/**/*.spec.ts', 'seeds/src/**/*.spec.ts', 'apps/web/src/**/*.spec.ts'],
          environment: 'node',
        },
      },
      {
        // Nest needs decorator metadata, which esbuild does not emit: swc does.
        plugins: [swc.vite({ module: { type: 'es6' } })],
        resolve: { alias },
        test: {
          name: 'e2e',
          include: ['apps/api/src/**/*.spec.ts', 'test/api/**/*.test.ts', 'test/bench/**/*.test.ts'],
          globalSetup: ['test/support/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          fileParallelism: true,
          maxWorkers: 2,
        },
      },
      {
        plugins: [swc.vite({ module: { type: 'es6' } })],
        resolve: { alias },
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          globalSetup: ['test/support/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
