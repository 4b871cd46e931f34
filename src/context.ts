import DataLoader from 'dataloader';
import type { Config } from './config.js';
import type { Database, Db } from './db/client.js';
import type { Viewer } from './shared/auth/viewer.js';

/**
 * Per-request context: who asks, the database, the request's DataLoaders and the request time.
 * Services take it as their first argument; nothing in a module keeps request state of its own.
 */
export interface Context {
  config: Config;
  database: Database;
  db: Db;
  viewer: Viewer;
  /** one instant per request, so every rule sees the same "now" */
  now: Date;
  /** the request's DataLoader for a name, created on first use */
  loader<K, V, C = K>(name: string, create: () => DataLoader<K, V, C>): DataLoader<K, V, C>;
  /** a request-scoped memo (e.g. the viewer's consents), created on first use */
  memo<T>(name: string, create: () => T): T;
}

export function createContext(config: Config, database: Database, viewer: Viewer, now = new Date()): Context {
  const loaders = new Map<string, DataLoader<unknown, unknown, unknown>>();
  const memos = new Map<string, unknown>();
  return {
    config,
    database,
    db: database.db,
    viewer,
    now,
    loader<K, V, C>(name: string, create: () => DataLoader<K, V, C>) {
      let loader = loaders.get(name) as DataLoader<K, V, C> | undefined;
      if (!loader) {
        loader = create();
        loaders.set(name, loader as DataLoader<unknown, unknown, unknown>);
      }
      return loader;
    },
    memo<T>(name: string, create: () => T): T {
      if (!memos.has(name)) memos.set(name, create());
      return memos.get(name) as T;
    },
  };
}

/** Groups rows by a key, in the order of `keys` (DataLoader batch functions). */
export function groupInOrder<K, R>(keys: readonly K[], rows: R[], keyOf: (row: R) => K): R[][] {
  const groups = new Map<K, R[]>();
  for (const row of rows) {
    const k = keyOf(row);
    let g = groups.get(k);
    if (!g) groups.set(k, (g = []));
    g.push(row);
  }
  return keys.map((k) => groups.get(k) ?? []);
}

/** Picks one row per key, in the order of `keys`, null for misses. */
export function oneInOrder<K, R>(keys: readonly K[], rows: R[], keyOf: (row: R) => K): Array<R | null> {
  const byKey = new Map<K, R>();
  for (const row of rows) byKey.set(keyOf(row), row);
  return keys.map((k) => byKey.get(k) ?? null);
}
