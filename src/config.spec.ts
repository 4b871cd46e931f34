import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';

describe('loadConfig', () => {
  it('has defaults for everything but the database URL', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ databaseUrl: undefined, databasePoolSize: 10, port: 4000, host: '127.0.0.1', seedDemo: true, rateLimitPerMinute: 1200 });
  });

  it('reads the PostgreSQL pool size and refuses one below 1 or not a whole number, naming the variable', () => {
    expect(loadConfig({ DATABASE_POOL_SIZE: '4' }).databasePoolSize).toBe(4);
    expect(() => loadConfig({ DATABASE_POOL_SIZE: '0' })).toThrow('DATABASE_POOL_SIZE must be at least 1, got "0"');
    expect(() => loadConfig({ DATABASE_POOL_SIZE: 'many' })).toThrow('DATABASE_POOL_SIZE must be a non-negative integer, got "many"');
  });
});
