import { resolve } from 'node:path';

/** Typed environment, parsed in one place. */
export interface Config {
  /** PostgreSQL connection string; when unset the embedded PGlite database in dataDir is used */
  databaseUrl: string | undefined;
  /** most PostgreSQL connections the server opens (postgres.js pool; ignored for PGlite) */
  databasePoolSize: number;
  /** folder of the embedded database, the local signing key and the lock file */
  dataDir: string;
  port: number;
  host: string;
  /** load the demo data into an empty database at start */
  seedDemo: boolean;
  /** EBPM disclosure threshold: cells with fewer applications are suppressed */
  disclosureThreshold: number;
  /** GraphQL limits */
  maxQueryDepth: number;
  maxQueryComplexity: number;
  maxAliases: number;
  /** requests per minute per client (token subject or IP) */
  rateLimitPerMinute: number;
}

function intFromEnv(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a non-negative integer, got "${raw}"`);
  return value;
}

function positiveIntFromEnv(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const value = intFromEnv(env, name, fallback);
  if (value < 1) throw new Error(`${name} must be at least 1, got "${env[name]}"`);
  return value;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return {
    databaseUrl: env.DATABASE_URL || undefined,
    databasePoolSize: positiveIntFromEnv(env, 'DATABASE_POOL_SIZE', 10),
    dataDir: resolve(env.DATA_DIR || './.data'),
    port: intFromEnv(env, 'PORT', 4000),
    host: env.HOST || '127.0.0.1',
    seedDemo: env.SEED_DEMO !== '0',
    disclosureThreshold: intFromEnv(env, 'DISCLOSURE_THRESHOLD', 10),
    maxQueryDepth: intFromEnv(env, 'MAX_QUERY_DEPTH', 12),
    maxQueryComplexity: intFromEnv(env, 'MAX_QUERY_COMPLEXITY', 5000),
    maxAliases: intFromEnv(env, 'MAX_ALIASES', 30),
    rateLimitPerMinute: intFromEnv(env, 'RATE_LIMIT_PER_MINUTE', 1200),
  };
}
