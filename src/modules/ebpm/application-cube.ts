/**
 * The protected application cube behind `Ebpm.applicationStats` and `sdp export ebpm`: loading its
 * cells, building it, and keeping one per database and data version.
 *
 * - Input: the rollup `ebpm_application_cells` (one row per combination of the six dimensions, kept
 *   current by triggers in the same transaction as the application change), so a build reads at
 *   most one row per non-empty cell, never every application.
 * - One cube per data version, built from the UNFILTERED cells keyed by every `EbpmDimension`
 *   (docs/ebpm-method.md, "How the resolver must use it"); every query is answered from it.
 * - Version: `ebpm_stats_version.version`, bumped by the same triggers (O(1) check per request).
 *   The version is read before the cells, so a cube is never labelled newer than its data: at
 *   worst a change committed in between causes one extra rebuild, never a stale answer.
 * - Small data (≤ {@link DEFAULT_INLINE_CELL_LIMIT} cells, the demo and most deployments): the cube
 *   is rebuilt on the request that first sees a new version, so figures include an application
 *   submitted a moment ago.
 * - Large data: building takes tens of seconds at a million cells (bench/results/ebpm.json) and must
 *   not block the event loop, so the cube is built in a worker thread, which on PostgreSQL also reads
 *   the cells on its own connection. While a new one is built, queries are answered
 *   from the previous cube (stale-while-revalidate), and a timer checks the version every
 *   {@link DEFAULT_REFRESH_INTERVAL_MS}, so an answer is at most one interval plus one build behind.
 */

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Database } from '../../db/client.js';
import { EbpmDimension } from '../../shared/enums.js';
import {
  CELL_COLUMNS_SQL, cellColumnsFromRow, cellsFromColumns, type CellColumns, type CubeWorkerData, type CubeWorkerQuery, type CubeWorkerReply,
} from './cube-cells.js';
import { protectCountCube, type CubeFilter, type DisclosureSummary, type PublishedCell } from './disclosure-control.js';

/** Every dimension the API groups or filters by, in the cube's key order. */
export const EBPM_DIMENSIONS: readonly EbpmDimension[] = Object.values(EbpmDimension);

/**
 * How many dimensions one query may combine (groupBy plus the filtered dimensions). Three keeps
 * the useful shapes (two dimensions of one measure, one dimension of one measure and year) while
 * the lattice stays at 42 tables and the sparse 4- to 6-dimension tables are never published
 * (docs/ebpm-method.md, "Cost and information loss").
 */
export const EBPM_MAX_GROUP_BY_DIMENSIONS = 3;

/** Up to this many cells the cube is rebuilt in the request thread (a few hundred ms at most). */
export const DEFAULT_INLINE_CELL_LIMIT = 20_000;

/** At scale, how often the version is checked in the background (an O(1) read). */
export const DEFAULT_REFRESH_INTERVAL_MS = 10_000;

/** The value stored for an unknown prefecture, industry or SME category. */
export const UNKNOWN_KEY = 'UNKNOWN';

/** Options of a cube cache. */
export interface ApplicationCubeOptions {
  /** disclosure threshold (cells with 1..threshold−1 applications are hidden) */
  readonly threshold: number;
  /** most dimensions a query may combine; default {@link EBPM_MAX_GROUP_BY_DIMENSIONS} */
  readonly maxGroupByDimensions?: number;
  /** cubes with more cells are built in a worker thread; default {@link DEFAULT_INLINE_CELL_LIMIT} */
  readonly inlineCellLimit?: number;
  /** background version check at scale; default {@link DEFAULT_REFRESH_INTERVAL_MS} */
  readonly refreshIntervalMs?: number;
}

/** A built cube that answers queries (in this thread or in its worker). */
export interface CubeHandle {
  publishedTable(groupBy: readonly EbpmDimension[], filter: CubeFilter<EbpmDimension>): Promise<PublishedCell[]>;
  dispose(): void;
}

/** One built cube and what it was built from. */
export interface CubeSnapshot {
  /** the data version (ebpm_stats_version) read before the cells */
  readonly version: bigint;
  /** finest cells (non-empty combinations of all six dimensions) when the build started */
  readonly cells: number;
  readonly builtAt: Date;
  /** time to read the cells and build the cube */
  readonly buildMs: number;
  readonly mode: 'inline' | 'worker';
  readonly summary: DisclosureSummary;
  readonly handle: CubeHandle;
}

/** The data version: increases with every statement that changes a counted application. */
export async function readStatsVersion(database: Database): Promise<bigint> {
  const rows = await database.query<{ version: string }>('SELECT version::text AS version FROM ebpm_stats_version WHERE id = 1');
  return BigInt(rows[0]?.version ?? '0');
}

/** Reads the non-empty finest cells from the rollup as one row of joined columns (see cube-cells.ts), keys in {@link EBPM_DIMENSIONS} order. */
export async function loadCellColumns(database: Database): Promise<CellColumns> {
  const [row] = await database.query<Record<string, unknown>>(CELL_COLUMNS_SQL);
  return cellColumnsFromRow(row!);
}

/** How many non-empty finest cells the rollup holds (decides where the cube is built). */
export async function countCells(database: Database): Promise<number> {
  const [row] = await database.query<{ n: string }>('SELECT count(*)::text AS n FROM ebpm_application_cells WHERE applications > 0');
  return Number(row!.n);
}

// ---------------------------------------------------------------------------------------------
// Building a cube in this thread or in a worker

/** Builds the cube in the calling thread. */
export function buildInlineCube(columns: CellColumns, options: { threshold: number; maxGroupByDimensions: number }): { handle: CubeHandle; summary: DisclosureSummary } {
  const cube = protectCountCube(EBPM_DIMENSIONS, cellsFromColumns(columns), options);
  return {
    summary: cube.summary(),
    handle: {
      publishedTable: async (groupBy, filter) => cube.publishedTable(groupBy, filter),
      dispose: () => {},
    },
  };
}

/** The URL of tsx's ESM register API (a dev dependency: only needed when running the TypeScript sources). */
function tsxEsmApiUrl(from: string): string {
  const packageJson = createRequire(from).resolve('tsx/package.json');
  const manifest = JSON.parse(readFileSync(packageJson, 'utf8')) as { exports: Record<string, { import: { default: string } }> };
  return pathToFileURL(join(dirname(packageJson), manifest.exports['./esm/api']!.import.default)).href;
}

/**
 * Starts a worker thread running cube-worker (compiled .js in production; under the test runner,
 * where this module is TypeScript, the worker registers tsx first).
 */
function startCubeWorker(data: CubeWorkerData): Worker {
  const here = import.meta.url;
  if (here.endsWith('.ts')) {
    const workerUrl = new URL('./cube-worker.ts', here).href;
    const tsxApi = tsxEsmApiUrl(here);
    const code = `import(${JSON.stringify(tsxApi)}).then((api) => { api.register(); return import(${JSON.stringify(workerUrl)}); });`;
    return new Worker(code, { eval: true, workerData: data });
  }
  return new Worker(new URL('./cube-worker.js', here), { workerData: data });
}

/**
 * Builds the cube in a worker thread; the worker then answers the queries until disposed. With a
 * PostgreSQL URL the worker reads the cells itself, so nothing heavy runs in this thread.
 */
export function buildWorkerCube(source: CubeWorkerData['source'], options: { threshold: number; maxGroupByDimensions: number }): Promise<{ handle: CubeHandle; summary: DisclosureSummary }> {
  return new Promise((resolve, reject) => {
    const worker = startCubeWorker({ dimensions: EBPM_DIMENSIONS, source, options });
    const pending = new Map<number, { resolve: (cells: PublishedCell[]) => void; reject: (error: Error) => void }>();
    let nextId = 1;
    let built = false;
    const failAll = (error: Error) => {
      for (const waiter of pending.values()) waiter.reject(error);
      pending.clear();
    };
    const handle: CubeHandle = {
      publishedTable(groupBy, filter) {
        return new Promise((resolveQuery, rejectQuery) => {
          const id = nextId++;
          pending.set(id, { resolve: resolveQuery, reject: rejectQuery });
          worker.ref(); // keep the process alive while an answer is awaited (idle workers are unref'd)
          worker.postMessage({ id, groupBy: [...groupBy], filter } satisfies CubeWorkerQuery);
        });
      },
      dispose() {
        failAll(new Error('the cube was replaced by a newer one'));
        void worker.terminate();
      },
    };
    worker.on('message', (reply: CubeWorkerReply) => {
      if (reply.type === 'built') {
        built = true;
        worker.unref();
        resolve({ handle, summary: reply.summary });
      } else if (reply.type === 'failed') {
        void worker.terminate();
        reject(new Error(`building the EBPM cube failed: ${reply.message}`));
      } else {
        const waiter = pending.get(reply.id);
        if (!waiter) return;
        pending.delete(reply.id);
        if (pending.size === 0) worker.unref();
        if (reply.type === 'answer') waiter.resolve(reply.cells);
        else {
          const error = reply.name === 'RangeError' ? new RangeError(reply.message) : new Error(reply.message);
          waiter.reject(error);
        }
      }
    });
    worker.on('error', (error) => {
      failAll(error);
      if (!built) reject(error);
    });
  });
}

// ---------------------------------------------------------------------------------------------
// The cache: one cube per database, options and data version

/** Keeps the latest cube of one database and rebuilds it when the data version changes. */
export class ApplicationCubeCache {
  private current: CubeSnapshot | undefined;
  private building: Promise<CubeSnapshot> | undefined;
  private timer: ReturnType<typeof setInterval> | undefined;
  private readonly threshold: number;
  private readonly maxGroupByDimensions: number;
  private readonly inlineCellLimit: number;
  private readonly refreshIntervalMs: number;

  constructor(private readonly database: Database, options: ApplicationCubeOptions) {
    this.threshold = Math.max(1, options.threshold);
    this.maxGroupByDimensions = options.maxGroupByDimensions ?? EBPM_MAX_GROUP_BY_DIMENSIONS;
    this.inlineCellLimit = options.inlineCellLimit ?? DEFAULT_INLINE_CELL_LIMIT;
    this.refreshIntervalMs = options.refreshIntervalMs ?? DEFAULT_REFRESH_INTERVAL_MS;
  }

  /** The latest built cube, without checking the version (for monitoring and tests). */
  latest(): CubeSnapshot | undefined {
    return this.current;
  }

  /** The most dimensions one query may combine. */
  get maxDimensions(): number {
    return this.maxGroupByDimensions;
  }

  /**
   * The cube to answer a query with. Small data: a cube of the current version (rebuilt here when
   * the version moved). Large data (worker mode): the latest built cube, with a rebuild started
   * in the background when the version moved.
   */
  async snapshot(): Promise<CubeSnapshot> {
    const version = await readStatsVersion(this.database);
    for (let attempt = 0; ; attempt++) {
      const current = this.current;
      if (current && current.version >= version) return current;
      if (current?.mode === 'worker') {
        this.rebuild().catch(() => {}); // reported by rebuild; the previous cube keeps answering
        return current;
      }
      const built = await this.rebuild();
      // A build started before `version` was committed is older than what this request must see.
      if (built.version >= version || attempt >= 2) return built;
    }
  }

  /** The build in flight, or a new one. */
  rebuild(): Promise<CubeSnapshot> {
    if (this.building) return this.building;
    const building = this.build().finally(() => {
      if (this.building === building) this.building = undefined;
    });
    this.building = building;
    building.catch((error: unknown) => {
      if (this.current) console.error('[sdp] EBPM cube rebuild failed; the previous cube keeps answering:', error);
    });
    return building;
  }

  /** Stops the background refresh and the worker of the current cube. */
  dispose(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.current?.handle.dispose();
    this.current = undefined;
  }

  private async build(): Promise<CubeSnapshot> {
    const started = performance.now();
    const version = await readStatsVersion(this.database);
    const options = { threshold: this.threshold, maxGroupByDimensions: this.maxGroupByDimensions };
    const cells = await countCells(this.database);
    const mode = cells > this.inlineCellLimit ? 'worker' : 'inline';
    let built: { handle: CubeHandle; summary: DisclosureSummary };
    if (mode === 'inline') built = buildInlineCube(await loadCellColumns(this.database), options);
    else if (this.database.url) built = await buildWorkerCube({ databaseUrl: this.database.url }, options);
    else built = await buildWorkerCube({ columns: await loadCellColumns(this.database) }, options);
    const { handle, summary } = built;
    const snapshot: CubeSnapshot = { version, cells, builtAt: new Date(), buildMs: performance.now() - started, mode, summary, handle };
    const previous = this.current;
    if (previous && previous.version > snapshot.version) {
      handle.dispose();
      return previous;
    }
    this.current = snapshot;
    previous?.handle.dispose();
    if (mode === 'worker') this.startRefreshTimer();
    return snapshot;
  }

  /** At scale: checks the version in the background, so answers stay within one interval plus one build. */
  private startRefreshTimer(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      readStatsVersion(this.database)
        .then((version) => {
          if (this.current && version > this.current.version) this.rebuild().catch(() => {});
        })
        .catch(() => this.dispose()); // the database was closed
    }, this.refreshIntervalMs);
    this.timer.unref();
  }
}

const caches = new WeakMap<Database, Map<string, ApplicationCubeCache>>();

/** The cube cache of a database for these options (one per process, shared by every request). */
export function applicationCubeCache(database: Database, options: ApplicationCubeOptions): ApplicationCubeCache {
  let byOptions = caches.get(database);
  if (!byOptions) caches.set(database, (byOptions = new Map()));
  const key = JSON.stringify([options.threshold, options.maxGroupByDimensions, options.inlineCellLimit, options.refreshIntervalMs]);
  let cache = byOptions.get(key);
  if (!cache) byOptions.set(key, (cache = new ApplicationCubeCache(database, options)));
  return cache;
}
