/**
 * The finest cells of the EBPM cube as the database hands them over, and the messages exchanged
 * with a cube worker (cube-worker.ts). Free of GraphQL imports, so a worker thread loads little.
 *
 * The cells travel as one row of columns, each the values of every cell joined by
 * {@link CELL_SEPARATOR} (PostgreSQL `string_agg`). Reading a million cells this way costs the
 * server a few large strings instead of a million row objects, and splitting them happens where the
 * cube is built (in the worker at scale), so the request thread is not blocked.
 */

import type { CountCell, CubeFilter, DisclosureSummary, PublishedCell } from './disclosure-control.js';

/** Separates values in a {@link CellColumns} string (ASCII record separator: never part of an id or code). */
export const CELL_SEPARATOR = '\u001e';

/** Key columns of the rollup `ebpm_application_cells`, in the cube's dimension order (MEASURE … STATUS). */
const KEY_COLUMNS = ['measure_id', 'fiscal_year::text', 'prefecture', 'industry', 'sme_category', 'status'] as const;

/** Index of the status column among {@link KEY_COLUMNS}. */
const STATUS_COLUMN = 5;

/** One statement reading every non-empty cell of the rollup as one row of joined columns. */
export const CELL_COLUMNS_SQL = `SELECT count(*)::text AS n, ${[...KEY_COLUMNS, 'applications::text']
  .map((column, i) => `coalesce(string_agg(${column}, '${CELL_SEPARATOR}'), '') AS c${i}`)
  .join(', ')} FROM ebpm_application_cells WHERE applications > 0`;

/** The row of {@link CELL_COLUMNS_SQL} as {@link CellColumns}. */
export function cellColumnsFromRow(row: Record<string, unknown>): CellColumns {
  const text = (name: string) => String(row[name] ?? '');
  return {
    count: Number(row.n),
    keys: KEY_COLUMNS.map((_, i) => text(`c${i}`)),
    applications: text(`c${KEY_COLUMNS.length}`),
    adoptedStatus: 'ADOPTED',
    statusColumn: STATUS_COLUMN,
  };
}

/** The non-empty finest cells, column by column (values joined by {@link CELL_SEPARATOR}), keys in cube order. */
export interface CellColumns {
  /** number of cells */
  readonly count: number;
  /** one joined string per dimension, in the cube's dimension order */
  readonly keys: readonly string[];
  /** applications of each cell, as decimal text */
  readonly applications: string;
  /** the key value of the status column that marks adopted applications ('ADOPTED') */
  readonly adoptedStatus: string;
  /** index in `keys` of the status column */
  readonly statusColumn: number;
}

/**
 * The cells as the disclosure-control module takes them: `adopted` is the count of a cell whose
 * status is ADOPTED (status is one of the dimensions), else 0.
 * @throws Error when a column does not hold `count` values.
 */
export function cellsFromColumns(columns: CellColumns): CountCell[] {
  if (columns.count === 0) return [];
  const split = (text: string, what: string): string[] => {
    const values = text.split(CELL_SEPARATOR);
    if (values.length !== columns.count) throw new Error(`cube cells: ${what} has ${values.length} values for ${columns.count} cells`);
    return values;
  };
  const keyColumns = columns.keys.map((text, d) => split(text, `key column ${d}`));
  const counts = split(columns.applications, 'applications');
  const statuses = keyColumns[columns.statusColumn]!;
  const cells: CountCell[] = new Array(columns.count);
  for (let r = 0; r < columns.count; r++) {
    const applications = Number(counts[r]);
    cells[r] = {
      keys: keyColumns.map((column) => column[r]!),
      applications,
      adopted: statuses[r] === columns.adoptedStatus ? applications : 0,
    };
  }
  return cells;
}

/** Messages between a cube worker and this thread (see cube-worker.ts). */
export type CubeWorkerReply =
  | { readonly type: 'built'; readonly summary: DisclosureSummary }
  | { readonly type: 'failed'; readonly message: string }
  | { readonly type: 'answer'; readonly id: number; readonly cells: PublishedCell[] }
  | { readonly type: 'error'; readonly id: number; readonly name: string; readonly message: string };

/** A query sent to a cube worker. */
export interface CubeWorkerQuery {
  readonly id: number;
  readonly groupBy: readonly string[];
  readonly filter: CubeFilter<string>;
}

/** What a cube worker receives as workerData. */
export interface CubeWorkerData {
  /** the cube's dimensions, in key order */
  readonly dimensions: readonly string[];
  /** the cells, or where to read them: a PostgreSQL URL the worker reads them from itself (nothing heavy in the server thread) */
  readonly source: { readonly columns: CellColumns } | { readonly databaseUrl: string };
  readonly options: { readonly threshold: number; readonly maxGroupByDimensions: number };
}
