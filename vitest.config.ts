import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

export default defineConfig({
  // type-graphql reads decorator metadata: have oxc emit it (tsx/esbuild do not).
  oxc: { decorator: { legacy: true, emitDecoratorMetadata: true } },
  resolve: {
    // one copy of graphql: the CommonJS entry Node gives type-graphql, not the .mjs one vite would pick
    alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }],
  },
  test: {
    include: ['src/**/*.spec.ts', 'tests/**/*.test.ts'],
    setupFiles: ['tests/setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
