import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { print, type DocumentNode } from 'graphql';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { loadConfig, type Config } from '../../src/config.js';
import { migrateDatabase, openDatabase, type Database } from '../../src/db/client.js';
import { syncCatalogue } from '../../src/modules/measure/measure.service.js';
import { startServer, type RunningServer } from '../../src/server.js';
import { freshDatabaseUrl } from './database.js';
import { loadOrCreateLocalKey, signLocalToken, type LocalTokenClaims } from '../../src/shared/auth/tokens.js';

/**
 * A real HTTP server over a fresh database built from the migrations: in-memory PGlite by default,
 * or a new database on the PostgreSQL server of SDP_TEST_DATABASE_URL (the CI run sets it).
 */
export interface TestServer {
  url: string;
  database: Database;
  config: Config;
  /** POSTs a GraphQL operation; returns the JSON body and the SQL statement count of the request */
  request<T = Record<string, unknown>>(query: string | DocumentNode, variables?: Record<string, unknown>, options?: { token?: string; headers?: Record<string, string> }): Promise<GraphQLResponse<T>>;
  /** sends a codegen-typed operation (tests/generated/graphql.ts): result and variables are typed */
  run<R, V>(document: TypedDocumentNode<R, V>, variables: V, options?: { token?: string }): Promise<GraphQLResponse<R>>;
  token(claims: LocalTokenClaims, ttl?: string): Promise<string>;
  close(): Promise<void>;
}

export interface GraphQLResponse<T> {
  status: number;
  data: T | null;
  errors?: Array<{ message: string; path?: Array<string | number>; extensions?: { code?: string; field?: string; [k: string]: unknown } }>;
  statements: number;
}

export const usingPostgres = () => Boolean(process.env.SDP_TEST_DATABASE_URL);


/** Starts a server; `prepare` may load data into the database before it serves. */
export async function startTestServer(options: { env?: Record<string, string>; prepare?: (db: Database) => Promise<void>; catalogue?: boolean } = {}): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sdp-test-'));
  const pg = await freshDatabaseUrl();
  const config: Config = {
    ...loadConfig({ ...options.env, DATA_DIR: dataDir, PORT: '0', SEED_DEMO: '0' }),
    databaseUrl: pg?.url,
  };
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir, purpose: 'test server', inMemory: !pg });
  await migrateDatabase(database);
  // the measure catalogue, as the server loads it at start (catalogue: false for an empty measure table)
  if (options.catalogue ?? true) await syncCatalogue(database);
  if (options.prepare) await options.prepare(database);
  const server: RunningServer = await startServer(config, database);
  const key = await loadOrCreateLocalKey(dataDir);
  async function request<T>(query: string | DocumentNode, variables?: Record<string, unknown>, opts: { token?: string; headers?: Record<string, string> } = {}): Promise<GraphQLResponse<T>> {
      const res = await fetch(`${server.url}graphql`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
          ...opts.headers,
        },
        body: JSON.stringify({ query: typeof query === 'string' ? query : print(query), variables }),
      });
      const body = (await res.json()) as { data?: T | null; errors?: GraphQLResponse<T>['errors'] };
      return { status: res.status, data: body.data ?? null, errors: body.errors, statements: Number(res.headers.get('x-sdp-sql-statements') ?? NaN) };
  }
  return {
    url: server.url,
    database,
    config,
    request,
    run(document, variables, opts) {
      return request(document, variables as Record<string, unknown>, opts);
    },
    token: (claims, ttl = '1h') => signLocalToken(key, claims, ttl),
    async close() {
      await server.close();
      await database.close();
      await pg?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
