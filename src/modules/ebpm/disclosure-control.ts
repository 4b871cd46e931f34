/**
 * Statistical disclosure control for the EBPM count tables (`Ebpm.applicationStats`).
 *
 * The API answers any `groupBy` combination of the EBPM dimensions over one filter, including the
 * grand total (`groupBy: []`). An attacker therefore holds a whole lattice of tables: for a set of
 * dimensions D, every table grouped by a subset of D. Each cell of a table grouped by H \ {d} is the
 * total of a 1-D *line* of the table grouped by H (all dimensions of H fixed except d). Every such
 * line gives the attacker one linear equation `margin = Σ line cells`.
 *
 * Rules applied here (see docs/ebpm-method.md for the reasoning):
 *
 * - Primary suppression: a cell with `0 < applications < threshold` (default 10). Zero cells are
 *   published: a zero reveals that nobody of that group applied, which is not information about any
 *   identifiable applicant, and suppressing zeros would only advertise that a cell is non-empty.
 *   Zero cells also never serve as complements.
 * - Both numbers of a cell (`applications` and `adopted`) are hidden together, so every equation
 *   over applications has the same unknowns as the matching one over adopted.
 * - Complementary suppression over the whole lattice at once: for every line, the number of hidden
 *   quantities among the line's cells *and its margin* must never be exactly one. An equation with a
 *   single unknown is the only way a line-by-line attacker can start, so when no equation anywhere
 *   has exactly one unknown the attacker recovers nothing (this also holds for the aggregate
 *   equations that span several dimensions; see the proof sketch in docs/ebpm-method.md).
 *   A violated line is repaired by hiding one more cell: the line's cell that creates the fewest new
 *   single-unknown lines, then the smallest, then the first by keys. When the only unknown is a cell
 *   whose line has no other non-zero cell, the cell equals its margin, so the margin is hidden
 *   instead. Suppression only grows, so the repair loop ends.
 * - Tables are not suppressed one by one: independent per-table suppression leaks (a complement
 *   hidden in a coarse table can be summed back from a finer table that publishes its line, and
 *   then the primary cell next to it falls out). The suppression pattern of every table is a
 *   projection of one pattern computed for the whole lattice, so every query sees consistent flags.
 *   The caller must therefore build one cube from the **unfiltered** cells keyed by **every**
 *   dimension the API lets users group or filter by (not only the requested ones), and answer each
 *   query with {@link ProtectedCountCube.publishedTable}`(groupBy, filter)`.
 * - Filters are answered from that same cube (never by filtering the data before building a cube,
 *   which would let `measureIds: [m1, m2]` minus `measureIds: [m2]` reveal a hidden m1): the table
 *   grouped by `groupBy` plus the filtered dimensions, cells outside the filter dropped, the rest
 *   summed; a sum with a hidden addend is hidden. Every published number is then a sum of numbers
 *   the unfiltered lattice publishes anyway.
 *
 * Out of scope (documented limits): full linear-algebra or interval (bounds) attacks, differencing
 * between data versions (a cube per data snapshot), and attribute disclosure when `adopted` is 0 or
 * equals `applications` in a published cell.
 */

/** The disclosure threshold used when none is given: cells with 1..9 applications are hidden. */
export const DEFAULT_DISCLOSURE_THRESHOLD = 10;

/** The largest number of dimensions a cube may have (the lattice has 2^n tables). */
export const MAX_CUBE_DIMENSIONS = 12;

/** One cell of a count table: an application count and the adopted sub-count, keyed by one value per dimension. */
export interface CountCell {
  /** One value per dimension, in the cube's dimension order. */
  readonly keys: readonly string[];
  readonly applications: number;
  /** Sub-count of `applications`: 0 ≤ adopted ≤ applications. */
  readonly adopted: number;
}

/** Why a cell is hidden. */
export type SuppressionReason = 'PRIMARY' | 'COMPLEMENTARY';

/** A cell with its true numbers and its suppression decision (for audit and tests; never serve it). */
export interface AuditedCell {
  readonly keys: readonly string[];
  readonly applications: number;
  readonly adopted: number;
  readonly suppressed: boolean;
  readonly reason: SuppressionReason | null;
}

/** A cell as the API may serve it (shape of the contract's `EbpmCell`): numbers are null when suppressed. */
export interface PublishedCell {
  readonly keys: readonly string[];
  readonly applications: number | null;
  readonly adopted: number | null;
  /** adopted ÷ applications; null when suppressed or when there are no applications. */
  readonly adoptionRate: number | null;
  readonly suppressed: boolean;
}

/**
 * Values to keep, per dimension (e.g. `{ MEASURE: ['m1', 'm2'], FISCAL_YEAR: ['2022'] }`). A
 * dimension left out is not filtered; an empty list keeps nothing.
 */
export type CubeFilter<D extends string> = Partial<Record<D, readonly string[]>>;

export interface DisclosureControlOptions {
  /** Cells with 0 < applications < threshold are primary-suppressed. Integer ≥ 1; default 10. */
  readonly threshold?: number;
  /**
   * The most dimensions one `groupBy` may combine (default: all of them). Only the tables with at
   * most this many dimensions are protected and answerable, which avoids protecting a very sparse
   * finest table nobody may ask for. The API must then reject longer `groupBy` lists.
   */
  readonly maxGroupByDimensions?: number;
}

/** Counts describing one protected cube (information loss). */
export interface DisclosureSummary {
  readonly dimensions: number;
  readonly tables: number;
  readonly cells: number;
  readonly nonZeroCells: number;
  readonly primary: number;
  readonly complementary: number;
}

/** True when a cell with this many applications must be hidden on its own (primary suppression). */
export function isPrimarySensitive(applications: number, threshold: number = DEFAULT_DISCLOSURE_THRESHOLD): boolean {
  return applications > 0 && applications < threshold;
}

/**
 * Protects a whole lattice of count tables at once.
 *
 * @param dimensions the dimensions every cell is keyed by (e.g. all `EbpmDimension` values), in key order.
 * @param cells the finest cells (keyed by all `dimensions`); cells with the same keys are added up,
 *   so one cell per application (`applications: 1`) is accepted too. Cells with zero applications may
 *   be passed or left out: an absent cell is a zero.
 * @param options threshold (default 10) and the longest `groupBy` allowed.
 * @returns a cube that answers every allowed `groupBy` with consistent suppression flags.
 * @throws RangeError on malformed input (wrong key count, negative or fractional counts,
 *   adopted > applications, duplicate or too many dimensions, bad options).
 */
export function protectCountCube<D extends string>(
  dimensions: readonly D[],
  cells: Iterable<CountCell>,
  options: DisclosureControlOptions = {},
): ProtectedCountCube<D> {
  return new ProtectedCountCube(dimensions, cells, options);
}

/**
 * Convenience for a single answer: protects the cube of `cells` and returns the `groupBy` table,
 * restricted by `filter`, as the API serves it. Answering many queries from one
 * {@link protectCountCube} (cached while the data does not change) is cheaper and gives the same flags.
 */
export function publishedCountTable<D extends string>(
  dimensions: readonly D[],
  cells: Iterable<CountCell>,
  groupBy: readonly D[],
  filter: CubeFilter<D> = {},
  options: DisclosureControlOptions = {},
): PublishedCell[] {
  return protectCountCube(dimensions, cells, options).publishedTable(groupBy, filter);
}

/** A lattice of count tables with one consistent suppression pattern. Build it with {@link protectCountCube}. */
export class ProtectedCountCube<D extends string> {
  readonly dimensions: readonly D[];
  readonly threshold: number;
  readonly maxGroupByDimensions: number;

  /** Per dimension: its distinct values sorted by code unit; a value's code is its index. */
  private readonly dictionaries: string[][];
  /** Lattice tables (dimension bit masks), by dimension count then mask. */
  private readonly masks: number[];
  /** mask → index in `masks`, -1 when the table is not in the lattice. */
  private readonly tableIndexOfMask: Int32Array;
  /** First cell id of each table; cells of a table are contiguous and sorted by keys. */
  private readonly tableStart: number[];
  private readonly tableSize: number[];
  private readonly cellTable: Int32Array;
  /** cell × dimension → value code, -1 for dimensions the cell's table does not group by. */
  private readonly cellCodes: Int32Array;
  private readonly applications: Float64Array;
  private readonly adopted: Float64Array;
  /** Per cell: 0 visible, 1 primary, 2 complementary. */
  private readonly reasons: Uint8Array;

  constructor(dimensions: readonly D[], cells: Iterable<CountCell>, options: DisclosureControlOptions = {}) {
    const dimensionCount = dimensions.length;
    if (new Set(dimensions).size !== dimensionCount) throw new RangeError(`duplicate dimension in [${dimensions.join(', ')}]`);
    if (dimensionCount > MAX_CUBE_DIMENSIONS) {
      throw new RangeError(`a cube may have at most ${MAX_CUBE_DIMENSIONS} dimensions, got ${dimensionCount}`);
    }
    const threshold = options.threshold ?? DEFAULT_DISCLOSURE_THRESHOLD;
    if (!Number.isInteger(threshold) || threshold < 1) throw new RangeError(`threshold must be an integer ≥ 1, got ${threshold}`);
    const maxGroupBy = options.maxGroupByDimensions ?? dimensionCount;
    if (!Number.isInteger(maxGroupBy) || maxGroupBy < 0 || maxGroupBy > dimensionCount) {
      throw new RangeError(`maxGroupByDimensions must be an integer from 0 to ${dimensionCount}, got ${maxGroupBy}`);
    }
    this.dimensions = [...dimensions];
    this.threshold = threshold;
    this.maxGroupByDimensions = maxGroupBy;

    const finest = aggregateFinestCells(cells, dimensionCount);
    this.dictionaries = buildDictionaries(finest, dimensionCount);
    const finestCodes = encodeFinestCells(finest, this.dictionaries);

    this.masks = [];
    for (let mask = 0; mask < 1 << dimensionCount; mask++) if (popCount(mask) <= maxGroupBy) this.masks.push(mask);
    this.masks.sort((a, b) => popCount(a) - popCount(b) || a - b);
    this.tableIndexOfMask = new Int32Array(1 << dimensionCount).fill(-1);
    this.masks.forEach((mask, index) => (this.tableIndexOfMask[mask] = index));

    const built = buildTables(this.masks, finest, finestCodes, this.dictionaries);
    this.tableStart = built.tableStart;
    this.tableSize = built.tableSize;
    this.cellTable = built.cellTable;
    this.cellCodes = built.cellCodes;
    this.applications = built.applications;
    this.adopted = built.adopted;

    const parents = buildParents(this.masks, built.projections, built.cellTable.length, dimensionCount);
    this.reasons = suppress({
      dimensionCount,
      threshold,
      cellTable: this.cellTable,
      applications: this.applications,
      parentOf: parents,
    });
  }

  /**
   * The table grouped by `groupBy`, restricted by `filter`, with true numbers and reasons. For audit
   * and tests only: the API must serve {@link publishedTable}. Cells are sorted by their keys in
   * `groupBy` order.
   *
   * A filter never creates a new aggregate: the answer is read from the lattice table grouped by
   * `groupBy` plus the filtered dimensions, its cells outside the filter are dropped, and the rest are
   * added up over the filtered dimensions not in `groupBy`. A sum with a suppressed addend is
   * suppressed, so every published number is a sum of numbers the unfiltered cube publishes anyway
   * (filtering the data before building a cube would let `filter: [m1, m2]` minus `filter: [m2]`
   * reveal a hidden m1).
   * @throws RangeError when `groupBy` repeats or names an unknown dimension, or when `groupBy` plus
   *   the filtered dimensions combine more dimensions than allowed.
   */
  auditTable(groupBy: readonly D[], filter: CubeFilter<D> = {}): AuditedCell[] {
    const positionOf = (dimension: string): number => {
      const position = this.dimensions.indexOf(dimension as D);
      if (position < 0) throw new RangeError(`unknown dimension ${dimension}`);
      return position;
    };
    const positions = groupBy.map(positionOf);
    if (new Set(positions).size !== positions.length) throw new RangeError(`groupBy repeats a dimension: [${groupBy.join(', ')}]`);
    const allowedCodes = new Map<number, Set<number>>();
    for (const [dimension, values] of Object.entries(filter) as [D, readonly string[] | undefined][]) {
      if (values === undefined) continue;
      const position = positionOf(dimension);
      const dictionary = this.dictionaries[position]!;
      allowedCodes.set(position, new Set(values.map((value) => dictionary.indexOf(value)).filter((code) => code >= 0)));
    }
    const mask = [...positions, ...allowedCodes.keys()].reduce((m, position) => m | (1 << position), 0);
    if (popCount(mask) > this.maxGroupByDimensions) {
      throw new RangeError(`groupBy and filter may combine at most ${this.maxGroupByDimensions} dimensions, got ${popCount(mask)}`);
    }
    const table = this.tableIndexOfMask[mask]!;
    const dimensionCount = this.dimensions.length;

    interface Group {
      codes: number[];
      applications: number;
      adopted: number;
      addends: number;
      reason: number;
    }
    const groups = new Map<string, Group>();
    for (let cell = this.tableStart[table]!, end = cell + this.tableSize[table]!; cell < end; cell++) {
      let kept = true;
      for (const [position, codes] of allowedCodes) if (!codes.has(this.cellCodes[cell * dimensionCount + position]!)) kept = false;
      if (!kept) continue;
      const codes = positions.map((position) => this.cellCodes[cell * dimensionCount + position]!);
      const id = codes.join(',');
      let group = groups.get(id);
      if (!group) {
        group = { codes, applications: 0, adopted: 0, addends: 0, reason: VISIBLE };
        groups.set(id, group);
      }
      group.applications += this.applications[cell]!;
      group.adopted += this.adopted[cell]!;
      group.addends++;
      group.reason = Math.max(group.reason, this.reasons[cell]!);
    }
    if (positions.length === 0 && groups.size === 0) groups.set('', { codes: [], applications: 0, adopted: 0, addends: 0, reason: VISIBLE });

    const result = [...groups.values()].map((group) => {
      // A sum of several cells is hidden when any addend is; it is primary when it is small itself.
      const reason =
        group.addends > 1 && group.reason !== VISIBLE ? (isPrimarySensitive(group.applications, this.threshold) ? PRIMARY : COMPLEMENTARY) : group.reason;
      const cell: AuditedCell = {
        keys: group.codes.map((code, i) => this.dictionaries[positions[i]!]![code]!),
        applications: group.applications,
        adopted: group.adopted,
        suppressed: reason !== VISIBLE,
        reason: reason === PRIMARY ? 'PRIMARY' : reason === COMPLEMENTARY ? 'COMPLEMENTARY' : null,
      };
      return { codes: group.codes, cell };
    });
    // Codes follow the code-unit order of the values, so sorting codes sorts keys.
    result.sort((a, b) => compareCodes(a.codes, b.codes));
    return result.map((entry) => entry.cell);
  }

  /**
   * The table grouped by `groupBy` and restricted by `filter`, as the API serves it: suppressed
   * cells carry null numbers. Keys are in `groupBy` order; cells are sorted by keys. See
   * {@link auditTable} for how filters are answered.
   * @throws RangeError when `groupBy` repeats or names an unknown dimension, or when `groupBy` plus
   *   the filtered dimensions combine more dimensions than allowed.
   */
  publishedTable(groupBy: readonly D[], filter: CubeFilter<D> = {}): PublishedCell[] {
    return this.auditTable(groupBy, filter).map(toPublishedCell);
  }

  /** How many cells the lattice holds and how many of them are hidden, by reason. */
  summary(): DisclosureSummary {
    let nonZeroCells = 0;
    let primary = 0;
    let complementary = 0;
    for (let cell = 0; cell < this.reasons.length; cell++) {
      if (this.applications[cell]! > 0) nonZeroCells++;
      if (this.reasons[cell] === PRIMARY) primary++;
      else if (this.reasons[cell] === COMPLEMENTARY) complementary++;
    }
    return {
      dimensions: this.dimensions.length,
      tables: this.masks.length,
      cells: this.reasons.length,
      nonZeroCells,
      primary,
      complementary,
    };
  }
}

/** Hides the numbers of a suppressed audited cell and adds the adoption rate of a visible one. */
export function toPublishedCell(cell: AuditedCell): PublishedCell {
  if (cell.suppressed) return { keys: cell.keys, applications: null, adopted: null, adoptionRate: null, suppressed: true };
  return {
    keys: cell.keys,
    applications: cell.applications,
    adopted: cell.adopted,
    adoptionRate: cell.applications > 0 ? cell.adopted / cell.applications : null,
    suppressed: false,
  };
}

// ---------------------------------------------------------------------------------------------
// Internals

const VISIBLE = 0;
const PRIMARY = 1;
const COMPLEMENTARY = 2;

interface FinestCell {
  keys: string[];
  applications: number;
  adopted: number;
}

function popCount(mask: number): number {
  let count = 0;
  for (let m = mask; m !== 0; m &= m - 1) count++;
  return count;
}

function compareCodes(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function assertCount(value: unknown, what: string): asserts value is number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${what} must be a non-negative integer, got ${String(value)}`);
  }
}

/** Validates the input cells and adds up cells with the same keys. */
function aggregateFinestCells(cells: Iterable<CountCell>, dimensionCount: number): FinestCell[] {
  const byKey = new Map<string, FinestCell>();
  for (const cell of cells) {
    if (!Array.isArray(cell.keys) || cell.keys.length !== dimensionCount) {
      throw new RangeError(`a cell must have ${dimensionCount} keys, got ${JSON.stringify(cell.keys)}`);
    }
    for (const key of cell.keys) if (typeof key !== 'string') throw new RangeError(`keys must be strings, got ${JSON.stringify(cell.keys)}`);
    assertCount(cell.applications, `applications of ${JSON.stringify(cell.keys)}`);
    assertCount(cell.adopted, `adopted of ${JSON.stringify(cell.keys)}`);
    if (cell.adopted > cell.applications) {
      throw new RangeError(`adopted (${cell.adopted}) exceeds applications (${cell.applications}) in ${JSON.stringify(cell.keys)}`);
    }
    const id = cell.keys.map((key) => `${key.length}:${key}`).join('');
    const existing = byKey.get(id);
    if (existing) {
      existing.applications += cell.applications;
      existing.adopted += cell.adopted;
    } else {
      byKey.set(id, { keys: [...cell.keys], applications: cell.applications, adopted: cell.adopted });
    }
  }
  return [...byKey.values()];
}

function buildDictionaries(finest: readonly FinestCell[], dimensionCount: number): string[][] {
  const dictionaries: string[][] = [];
  for (let d = 0; d < dimensionCount; d++) {
    dictionaries.push([...new Set(finest.map((cell) => cell.keys[d]!))].sort(compareStrings));
  }
  return dictionaries;
}

function encodeFinestCells(finest: readonly FinestCell[], dictionaries: readonly string[][]): Int32Array {
  const dimensionCount = dictionaries.length;
  const lookups = dictionaries.map((values) => new Map(values.map((value, code) => [value, code])));
  const codes = new Int32Array(finest.length * dimensionCount);
  finest.forEach((cell, f) => {
    for (let d = 0; d < dimensionCount; d++) codes[f * dimensionCount + d] = lookups[d]!.get(cell.keys[d]!)!;
  });
  return codes;
}

interface BuiltTables {
  tableStart: number[];
  tableSize: number[];
  cellTable: Int32Array;
  cellCodes: Int32Array;
  applications: Float64Array;
  adopted: Float64Array;
  /** Per table: finest cell index → cell id in that table. */
  projections: Int32Array[];
}

/** Projects the finest cells onto every lattice table; cells of each table get ids in key order. */
function buildTables(
  masks: readonly number[],
  finest: readonly FinestCell[],
  finestCodes: Int32Array,
  dictionaries: readonly string[][],
): BuiltTables {
  const dimensionCount = dictionaries.length;
  const finestCount = finest.length;
  const tableStart: number[] = [];
  const tableSize: number[] = [];
  const projections: Int32Array[] = [];
  /** Per cell id: a finest cell that adds into it (its codes give the cell's keys). */
  const representatives: number[] = [];
  const applications: number[] = [];
  const adopted: number[] = [];

  for (const mask of masks) {
    const grouped: number[] = [];
    for (let d = 0; d < dimensionCount; d++) if ((mask & (1 << d)) !== 0) grouped.push(d);
    // Mixed-radix keys (first dimension most significant) sort like the code tuples; they are
    // exact while the product of the cardinalities fits a double, else fall back to joined codes.
    let radixProduct = 1;
    for (const d of grouped) radixProduct *= Math.max(1, dictionaries[d]!.length);
    const numericKeys = radixProduct <= Number.MAX_SAFE_INTEGER;
    const localOf = new Map<number | string, number>();
    const localKey: (number | string)[] = [];
    const localRepresentative: number[] = [];
    const localApplications: number[] = [];
    const localAdopted: number[] = [];
    const localProjection = new Int32Array(finestCount);
    for (let f = 0; f < finestCount; f++) {
      const base = f * dimensionCount;
      let key: number | string;
      if (numericKeys) {
        let k = 0;
        for (const d of grouped) k = k * dictionaries[d]!.length + finestCodes[base + d]!;
        key = k;
      } else {
        key = grouped.map((d) => finestCodes[base + d]!).join(',');
      }
      let index = localOf.get(key);
      if (index === undefined) {
        index = localKey.length;
        localOf.set(key, index);
        localKey.push(key);
        localRepresentative.push(f);
        localApplications.push(0);
        localAdopted.push(0);
      }
      localApplications[index]! += finest[f]!.applications;
      localAdopted[index]! += finest[f]!.adopted;
      localProjection[f] = index;
    }
    // The grand total exists even when there is no cell at all.
    if (mask === 0 && localKey.length === 0) {
      localKey.push(0);
      localRepresentative.push(-1);
      localApplications.push(0);
      localAdopted.push(0);
    }

    const order = [...localKey.keys()];
    if (numericKeys) order.sort((a, b) => (localKey[a] as number) - (localKey[b] as number));
    else {
      order.sort((a, b) => {
        const ra = localRepresentative[a]! * dimensionCount;
        const rb = localRepresentative[b]! * dimensionCount;
        for (const d of grouped) if (finestCodes[ra + d] !== finestCodes[rb + d]) return finestCodes[ra + d]! - finestCodes[rb + d]!;
        return 0;
      });
    }
    const firstId = representatives.length;
    const idOfLocal = new Int32Array(order.length);
    order.forEach((localIndex, rank) => {
      idOfLocal[localIndex] = firstId + rank;
      representatives.push(localRepresentative[localIndex]!);
      applications.push(localApplications[localIndex]!);
      adopted.push(localAdopted[localIndex]!);
    });
    for (let f = 0; f < finestCount; f++) localProjection[f] = idOfLocal[localProjection[f]!]!;
    projections.push(localProjection);
    tableStart.push(firstId);
    tableSize.push(order.length);
  }

  const cellCount = representatives.length;
  const cellTable = new Int32Array(cellCount);
  const cellCodes = new Int32Array(cellCount * dimensionCount).fill(-1);
  masks.forEach((mask, table) => {
    for (let cell = tableStart[table]!, end = cell + tableSize[table]!; cell < end; cell++) {
      cellTable[cell] = table;
      const representative = representatives[cell]!;
      if (representative < 0) continue;
      for (let d = 0; d < dimensionCount; d++) {
        if ((mask & (1 << d)) !== 0) cellCodes[cell * dimensionCount + d] = finestCodes[representative * dimensionCount + d]!;
      }
    }
  });
  return {
    tableStart,
    tableSize,
    cellTable,
    cellCodes,
    applications: Float64Array.from(applications),
    adopted: Float64Array.from(adopted),
    projections,
  };
}

/** cell × dimension → the cell of the table without that dimension it adds into (-1 when not grouped by it). */
function buildParents(masks: readonly number[], projections: readonly Int32Array[], cellCount: number, dimensionCount: number): Int32Array {
  const tableOfMask = new Map(masks.map((mask, table) => [mask, table]));
  const parentOf = new Int32Array(cellCount * dimensionCount).fill(-1);
  masks.forEach((mask, table) => {
    const projection = projections[table]!;
    for (let d = 0; d < dimensionCount; d++) {
      if ((mask & (1 << d)) === 0) continue;
      const parentProjection = projections[tableOfMask.get(mask & ~(1 << d))!]!;
      for (let f = 0; f < projection.length; f++) parentOf[projection[f]! * dimensionCount + d] = parentProjection[f]!;
    }
  });
  return parentOf;
}

interface SuppressionInput {
  dimensionCount: number;
  threshold: number;
  cellTable: Int32Array;
  applications: Float64Array;
  parentOf: Int32Array;
}

/**
 * Primary suppression, then complementary suppression until no line equation of the lattice has
 * exactly one hidden quantity.
 *
 * Equation (p, d) — id `p × n + d` — says: cell p (of a table not grouped by d) equals the sum of
 * the cells of the table grouped by p's dimensions plus d that add into p. Every cell belongs to
 * exactly n equation slots: as a member for each dimension it is grouped by, as the margin for
 * each other one (a slot without members, at the finest allowed level, is no equation).
 */
function suppress(input: SuppressionInput): Uint8Array {
  const { dimensionCount: n, threshold, cellTable, applications, parentOf } = input;
  const cellCount = cellTable.length;
  const reasons = new Uint8Array(cellCount);
  for (let cell = 0; cell < cellCount; cell++) if (isPrimarySensitive(applications[cell]!, threshold)) reasons[cell] = PRIMARY;

  // Members of each equation, as compressed rows.
  const slotCount = cellCount * n;
  const memberStart = new Int32Array(slotCount + 1);
  for (let cell = 0; cell < cellCount; cell++) {
    for (let d = 0; d < n; d++) {
      const parent = parentOf[cell * n + d]!;
      if (parent >= 0) memberStart[parent * n + d + 1]!++;
    }
  }
  for (let slot = 0; slot < slotCount; slot++) memberStart[slot + 1]! += memberStart[slot]!;
  const members = new Int32Array(memberStart[slotCount]!);
  const fill = memberStart.slice(0, slotCount);
  for (let cell = 0; cell < cellCount; cell++) {
    for (let d = 0; d < n; d++) {
      const parent = parentOf[cell * n + d]!;
      if (parent >= 0) members[fill[parent * n + d]!++] = cell;
    }
  }
  const isEquation = (slot: number): boolean => memberStart[slot + 1]! > memberStart[slot]!;

  /** The equation of `cell` along dimension d: as a member when grouped by d, else as the margin. */
  const equationOf = (cell: number, d: number): number => {
    const parent = parentOf[cell * n + d]!;
    return parent >= 0 ? parent * n + d : cell * n + d;
  };

  const hidden = new Int32Array(slotCount);
  for (let slot = 0; slot < slotCount; slot++) {
    if (!isEquation(slot)) continue;
    let count = reasons[Math.floor(slot / n)] !== VISIBLE ? 1 : 0;
    for (let i = memberStart[slot]!; i < memberStart[slot + 1]!; i++) if (reasons[members[i]!] !== VISIBLE) count++;
    hidden[slot] = count;
  }

  const queue: number[] = [];
  for (let slot = 0; slot < slotCount; slot++) if (isEquation(slot) && hidden[slot] === 1) queue.push(slot);

  /** Lines that hiding `cell` would leave with one unknown, minus those it would repair. */
  const cascadeCost = (cell: number, except: number): number => {
    let cost = 0;
    for (let d = 0; d < n; d++) {
      const slot = equationOf(cell, d);
      if (slot === except || !isEquation(slot)) continue;
      if (hidden[slot] === 0) cost++;
      else if (hidden[slot] === 1) cost--;
    }
    return cost;
  };

  const hide = (cell: number): void => {
    reasons[cell] = COMPLEMENTARY;
    for (let d = 0; d < n; d++) {
      const slot = equationOf(cell, d);
      if (!isEquation(slot)) continue;
      hidden[slot]!++;
      if (hidden[slot] === 1) queue.push(slot);
    }
  };

  for (let head = 0; head < queue.length; head++) {
    const slot = queue[head]!;
    if (hidden[slot] !== 1) continue;
    const margin = Math.floor(slot / n);
    const marginHidden = reasons[margin] !== VISIBLE;
    let best = -1;
    let bestCost = 0;
    for (let i = memberStart[slot]!; i < memberStart[slot + 1]!; i++) {
      const candidate = members[i]!;
      if (reasons[candidate] !== VISIBLE || applications[candidate] === 0) continue;
      const cost = cascadeCost(candidate, slot);
      if (
        best < 0 ||
        cost < bestCost ||
        (cost === bestCost && applications[candidate]! < applications[best]!) ||
        (cost === bestCost && applications[candidate] === applications[best] && candidate < best)
      ) {
        best = candidate;
        bestCost = cost;
      }
    }
    if (best < 0) {
      // The one hidden member is the line's only non-zero cell, so it equals the margin: hide that.
      if (marginHidden) throw new Error('disclosure control invariant broken: a hidden margin with no non-zero cell');
      best = margin;
    }
    hide(best);
  }
  return reasons;
}
