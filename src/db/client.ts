import { AsyncLocalStorage } from 'node:async_hooks';
import { join } from 'node:path';
import type { Logger } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { projectRoot } from '../shared/paths.js';
import { acquireDataDirLock } from './lock.js';
import * as schema from './schema/index.js';

export type Schema = typeof schema;
/** The drizzle database, whichever driver is behind it. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;

/** Counts SQL statements per async context (one HTTP request, one test), for N+1 guards. */
export interface StatementCounter {
  count: number;
  /** performance.now() when the HTTP request reached /graphql (for its Server-Timing header) */
  startedAt?: number;
}
export const statementCounterStorage = new AsyncLocalStorage<StatementCounter>();

class CountingLogger implements Logger {
  logQuery(): void {
    const counter = statementCounterStorage.getStore();
    if (counter) counter.count += 1;
  }
}

export interface Database {
  db: Db;
  driver: 'pglite' | 'postgres';
  /** the PostgreSQL URL (postgres driver only) */
  url?: string;
  /**
   * Runs raw SQL and returns its rows, whichever the driver. `prepared: true` (for a constant text on a hot path)
   * has PostgreSQL prepare it once per connection: an unprepared statement with parameters costs postgres.js two
   * round trips (see preparingClient).
   */
  query<T = Record<string, unknown>>(text: string, params?: unknown[], options?: { prepared?: boolean }): Promise<T[]>;
  /** runs raw SQL statements in one transaction (bulk paths that bypass the query builder) */
  transaction(work: (query: RawQuery) => Promise<void>): Promise<void>;
  close(): Promise<void>;
}

export type RawQuery = <T = Record<string, unknown>>(text: string, params?: unknown[]) => Promise<T[]>;

export interface OpenOptions {
  databaseUrl: string | undefined;
  dataDir: string;
  /** what this process is, written into the embedded database's lock (e.g. "sdp server") */
  purpose: string;
  /** a throw-away in-memory PGlite (tests) */
  inMemory?: boolean;
  poolSize?: number;
}

/**
 * The client drizzle gets: the same postgres.js pool, with drizzle's unnamed statements sent as prepared ones.
 * postgres.js sends a parameterised statement it has not prepared in two round trips (Parse + Describe, wait for
 * the parameter types, then Bind + Execute); a prepared one is described once per connection and then costs one.
 * drizzle asks for unnamed statements, so every loader read paid two round trips. Statements with many parameters
 * (a batch's id list) stay unnamed, so the per-connection statement cache keeps a bounded number of shapes.
 */
function preparingClient<C extends { unsafe: (...args: never[]) => unknown }>(client: C): C {
  const unsafe = client.unsafe.bind(client) as (query: string, params?: unknown[], options?: { prepare?: boolean }) => unknown;
  return new Proxy(client, {
    get(target, property, receiver) {
      if (property !== 'unsafe') return Reflect.get(target, property, receiver);
      return (query: string, params?: unknown[], options?: { prepare?: boolean }) =>
        unsafe(query, params, { ...options, prepare: (params?.length ?? 0) <= MAX_PREPARED_PARAMETERS });
    },
  });
}

/** Statements with at most this many parameters are prepared (see preparingClient). */
const MAX_PREPARED_PARAMETERS = 16;

/** Opens PostgreSQL when a URL is given, else the embedded PGlite in dataDir (taking its exclusive lock). */
export async function openDatabase(options: OpenOptions): Promise<Database> {
  const logger = new CountingLogger();
  if (options.databaseUrl) {
    const { default: postgres } = await import('postgres');
    const { drizzle } = await import('drizzle-orm/postgres-js');
    const client = postgres(options.databaseUrl, {
      max: options.poolSize ?? 10,
      onnotice: () => {},
    });
    const db = drizzle(preparingClient(client), { schema, logger }) as unknown as Db;
    return {
      db,
      driver: 'postgres',
      url: options.databaseUrl,
      async query<T>(text: string, params: unknown[] = [], options: { prepared?: boolean } = {}) {
        countStatement();
        return (await client.unsafe(text, params as never[], { prepare: options.prepared === true })) as unknown as T[];
      },
      async transaction(work) {
        await client.begin(async (tx) => {
          await work(async <T>(text: string, params: unknown[] = []) => {
            countStatement();
            return (await tx.unsafe(text, params as never[])) as unknown as T[];
          });
        });
      },
      close: () => client.end({ timeout: 5 }),
    };
  }
  const { PGlite } = await import('@electric-sql/pglite');
  const { pg_trgm } = await import('@electric-sql/pglite/contrib/pg_trgm');
  const { drizzle } = await import('drizzle-orm/pglite');
  let release: () => void = () => {};
  let dataPath: string | undefined;
  if (!options.inMemory) {
    release = acquireDataDirLock(options.dataDir, options.purpose);
    dataPath = join(options.dataDir, 'pgdata');
  }
  let client;
  try {
    client = await PGlite.create({ dataDir: dataPath, extensions: { pg_trgm } });
  } catch (error) {
    release();
    throw error;
  }
  const db = drizzle(client, { schema, logger }) as unknown as Db;
  return {
    db,
    driver: 'pglite',
    async query<T>(text: string, params: unknown[] = []) {
      countStatement();
      return (await client.query<T>(text, params)).rows;
    },
    async transaction(work) {
      await client.transaction(async (tx) => {
        await work(async <T>(text: string, params: unknown[] = []) => {
          countStatement();
          return (await tx.query<T>(text, params)).rows;
        });
      });
    },
    async close() {
      await client.close();
      release();
    },
  };
}

function countStatement() {
  const counter = statementCounterStorage.getStore();
  if (counter) counter.count += 1;
}

export const migrationsFolder = () => join(projectRoot(), 'drizzle');

/** Applies the drizzle/ migrations (serialised across processes on PostgreSQL by an advisory lock). */
export async function migrateDatabase(database: Database): Promise<void> {
  if (database.driver === 'postgres') {
    // one dedicated connection, so the session-level advisory lock covers the whole migration
    const { default: postgres } = await import('postgres');
    const { drizzle } = await import('drizzle-orm/postgres-js');
    const { migrate } = await import('drizzle-orm/postgres-js/migrator');
    const client = postgres(database.url!, { max: 1, onnotice: () => {} });
    try {
      await client`SELECT pg_advisory_lock(724001)`;
      await migrate(drizzle(client), { migrationsFolder: migrationsFolder() });
      await client`SELECT pg_advisory_unlock(724001)`;
    } finally {
      await client.end({ timeout: 5 });
    }
  } else {
    const { migrate } = await import('drizzle-orm/pglite/migrator');
    await migrate(database.db as never, { migrationsFolder: migrationsFolder() });
  }
}
