/**
 * The finest cells of the EBPM cube in a compact, transferable form, and the messages exchanged
 * with a cube worker (cube-worker.ts). Free of GraphQL imports, so a worker thread loads little.
 */

import type { CountCell, CubeFilter, DisclosureSummary, PublishedCell } from './disclosure-control.js';

/**
 * The finest cells in columns (dictionary codes per dimension), cheap to hand to a worker thread.
 * `codes[cell × 6 + d]` indexes `dictionaries[d]`.
 */
export interface EncodedCells {
  readonly dictionaries: string[][];
  readonly codes: Int32Array;
  readonly applications: Int32Array;
  readonly adopted: Int32Array;
}

/** The encoded cells as the disclosure-control module takes them (keys in the order of `encoded.dictionaries`). */
export function decodeCells(encoded: EncodedCells): CountCell[] {
  const dimensionCount = encoded.dictionaries.length;
  const cells: CountCell[] = new Array(encoded.applications.length);
  for (let r = 0; r < cells.length; r++) {
    const keys = new Array<string>(dimensionCount);
    for (let d = 0; d < dimensionCount; d++) keys[d] = encoded.dictionaries[d]![encoded.codes[r * dimensionCount + d]!]!;
    cells[r] = { keys, applications: encoded.applications[r]!, adopted: encoded.adopted[r]! };
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
  readonly encoded: EncodedCells;
  readonly options: { readonly threshold: number; readonly maxGroupByDimensions: number };
}

