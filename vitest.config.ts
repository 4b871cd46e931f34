import { defineConfig } from 'vitest/config';

export default defineConfig({
  // type-graphql reads decorator metadata: have oxc emit it (tsx/esbuild do not).
  oxc: { decorator: { legacy: true, emitDecoratorMetadata: true } },
  test: {
    include: ['src/**/*.spec.ts', 'tests/**/*.test.ts'],
    setupFiles: ['tests/setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
