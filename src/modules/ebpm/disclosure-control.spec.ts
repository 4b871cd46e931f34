import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  DEFAULT_DISCLOSURE_THRESHOLD,
  isPrimarySensitive,
  protectCountCube,
  publishedCountTable,
  toPublishedCell,
  type CountCell,
  type PublishedCell,
} from './disclosure-control.js';

// ---------------------------------------------------------------------------------------------
// The attacker: everything the API answers for one filter, solved line by line.

interface Recovered {
  applications: number;
  adopted: number;
}

/** Published tables by dimension mask; keys of each cell are in ascending dimension order. */
type Answers = Map<number, readonly PublishedCell[]>;

function dimensionsOf(mask: number, dimensionCount: number): number[] {
  return [...Array(dimensionCount).keys()].filter((d) => (mask & (1 << d)) !== 0);
}

function bitCount(mask: number): number {
  return dimensionsOf(mask, 31).length;
}

function cellId(mask: number, keys: readonly string[]): string {
  return `${mask}:${JSON.stringify(keys)}`;
}

/**
 * Solves every equation the answers imply (a coarser cell = the sum of the finer cells that add
 * into it) by repeated single-unknown elimination until nothing new is found. With `lines: true`
 * only 1-D lines are used; otherwise every pair of tables where one refines the other.
 * Absent cells are known zeros. Returns every suppressed value it recovered.
 */
function attack(answers: Answers, dimensionCount: number, options: { linesOnly: boolean }): Map<string, Recovered> {
  const known = new Map<string, Recovered>();
  const unknown = new Set<string>();
  for (const [mask, cells] of answers) {
    for (const cell of cells) {
      const id = cellId(mask, cell.keys);
      if (cell.suppressed) unknown.add(id);
      else known.set(id, { applications: cell.applications!, adopted: cell.adopted! });
    }
  }
  interface Equation {
    margin: string;
    terms: string[];
  }
  const equations: Equation[] = [];
  for (const [fine, fineCells] of answers) {
    for (const coarse of answers.keys()) {
      if (coarse === fine || (coarse & fine) !== coarse) continue;
      if (options.linesOnly && bitCount(fine) - bitCount(coarse) !== 1) continue;
      const fineDims = dimensionsOf(fine, dimensionCount);
      const keep = dimensionsOf(coarse, dimensionCount).map((d) => fineDims.indexOf(d));
      const byMargin = new Map<string, string[]>();
      for (const cell of fineCells) {
        const margin = cellId(coarse, keep.map((i) => cell.keys[i]!));
        const terms = byMargin.get(margin) ?? [];
        terms.push(cellId(fine, cell.keys));
        byMargin.set(margin, terms);
      }
      for (const [margin, terms] of byMargin) {
        if (!known.has(margin) && !unknown.has(margin)) throw new Error(`answers are inconsistent: no cell ${margin}`);
        equations.push({ margin, terms });
      }
    }
  }
  const recovered = new Map<string, Recovered>();
  let progress = true;
  while (progress) {
    progress = false;
    for (const { margin, terms } of equations) {
      const open = [margin, ...terms].filter((id) => !known.has(id));
      if (open.length !== 1) continue;
      const target = open[0]!;
      const sum = (ids: string[], field: keyof Recovered) => ids.reduce((s, id) => s + (known.get(id)?.[field] ?? 0), 0);
      const others = terms.filter((id) => id !== target);
      const value: Recovered =
        target === margin
          ? { applications: sum(terms, 'applications'), adopted: sum(terms, 'adopted') }
          : {
              applications: known.get(margin)!.applications - sum(others, 'applications'),
              adopted: known.get(margin)!.adopted - sum(others, 'adopted'),
            };
      known.set(target, value);
      recovered.set(target, value);
      progress = true;
    }
  }
  return recovered;
}

/** The true table of every lattice mask, computed independently of the code under test. */
function truthOf(cells: readonly CountCell[], dimensionCount: number, maxDims: number): Map<string, Recovered> {
  const truth = new Map<string, Recovered>();
  for (let mask = 0; mask < 1 << dimensionCount; mask++) {
    if (bitCount(mask) > maxDims) continue;
    const dims = dimensionsOf(mask, dimensionCount);
    for (const cell of cells) {
      const id = cellId(mask, dims.map((d) => cell.keys[d]!));
      const entry = truth.get(id) ?? { applications: 0, adopted: 0 };
      entry.applications += cell.applications;
      entry.adopted += cell.adopted;
      truth.set(id, entry);
    }
    if (cells.length === 0 && mask === 0) truth.set(cellId(0, []), { applications: 0, adopted: 0 });
  }
  return truth;
}

const DIMENSION_NAMES = ['A', 'B', 'C', 'D', 'E', 'F'] as const;

/** Every table the API would answer, each from the protected cube. */
function answersOf(cells: readonly CountCell[], dimensionCount: number, threshold: number, maxDims = dimensionCount): Answers {
  const dimensions = DIMENSION_NAMES.slice(0, dimensionCount);
  const cube = protectCountCube(dimensions, cells, { threshold, maxGroupByDimensions: maxDims });
  const answers: Answers = new Map();
  for (let mask = 0; mask < 1 << dimensionCount; mask++) {
    if (bitCount(mask) > maxDims) continue;
    answers.set(mask, cube.publishedTable(dimensionsOf(mask, dimensionCount).map((d) => dimensions[d]!)));
  }
  return answers;
}

interface Verdict {
  recovered: Map<string, Recovered>;
  recoveredPrimary: string[];
}

/** Runs both attackers and checks the answers against the truth. */
function assess(cells: readonly CountCell[], dimensionCount: number, threshold: number, maxDims = dimensionCount): Verdict {
  const answers = answersOf(cells, dimensionCount, threshold, maxDims);
  const truth = truthOf(cells, dimensionCount, maxDims);
  // The answers hold exactly the true non-suppressed numbers and hide every primary cell.
  let answered = 0;
  for (const [mask, table] of answers) {
    for (const cell of table) {
      answered++;
      const real = truth.get(cellId(mask, cell.keys))!;
      expect(real).toBeDefined();
      if (isPrimarySensitive(real.applications, threshold)) expect(cell.suppressed).toBe(true);
      if (real.applications === 0) expect(cell.suppressed).toBe(false);
      if (!cell.suppressed) expect({ applications: cell.applications, adopted: cell.adopted }).toEqual(real);
    }
  }
  expect(answered).toBe(truth.size);
  const recovered = attack(answers, dimensionCount, { linesOnly: false });
  const linesOnly = attack(answers, dimensionCount, { linesOnly: true });
  for (const [id, value] of linesOnly) recovered.set(id, value);
  for (const [id, value] of recovered) expect(value).toEqual(truth.get(id)); // the attacker is sound
  const recoveredPrimary = [...recovered.keys()].filter((id) => isPrimarySensitive(truth.get(id)!.applications, threshold));
  return { recovered, recoveredPrimary };
}

function cell(keys: string[], applications: number, adopted = Math.floor(applications / 2)): CountCell {
  return { keys, applications, adopted };
}

// ---------------------------------------------------------------------------------------------

describe('the attacker', () => {
  it('recovers a lone suppressed cell from its line and the published total', () => {
    const answers: Answers = new Map([
      [0, [{ keys: [], applications: 53, adopted: 20, adoptionRate: null, suppressed: false }]],
      [
        1,
        [
          { keys: ['a1'], applications: null, adopted: null, adoptionRate: null, suppressed: true },
          { keys: ['a2'], applications: 20, adopted: 8, adoptionRate: null, suppressed: false },
          { keys: ['a3'], applications: 30, adopted: 11, adoptionRate: null, suppressed: false },
        ],
      ],
    ]);
    expect(attack(answers, 1, { linesOnly: true }).get(cellId(1, ['a1']))).toEqual({ applications: 3, adopted: 1 });
  });

  it('breaks independent per-table suppression even though every table has ≥ 2 hidden cells per line', () => {
    // Each table below was suppressed on its own with "≥ 2 hidden per line, complement = smallest":
    // A: a1 (3) is primary, a2 (45) its complement. AB: the a1 row is primary, the columns b1 and
    // b2 take their smallest other cell as complement, which lies in row a3, not a2.
    const rows: Record<string, number[]> = { a1: [1, 2, 0], a2: [20, 20, 5], a3: [15, 15, 40] };
    const hiddenInAB = new Set(['a1|b1', 'a1|b2', 'a3|b1', 'a3|b2']);
    const hiddenInA = new Set(['a1', 'a2']);
    const published = (keys: string[], applications: number, hidden: boolean): PublishedCell =>
      toPublishedCell({ keys, applications, adopted: 0, suppressed: hidden, reason: hidden ? 'PRIMARY' : null });
    const ab: PublishedCell[] = [];
    for (const [a, counts] of Object.entries(rows)) {
      counts.forEach((count, j) => {
        if (count > 0) ab.push(published([a, `b${j + 1}`], count, hiddenInAB.has(`${a}|b${j + 1}`)));
      });
    }
    const aTable = Object.entries(rows).map(([a, counts]) => published([a], counts.reduce((s, x) => s + x, 0), hiddenInA.has(a)));
    const bTable = [0, 1, 2].map((j) => published([`b${j + 1}`], Object.values(rows).reduce((s, r) => s + r[j]!, 0), false));
    const answers: Answers = new Map([
      [0, [published([], 118, false)]],
      [1, aTable],
      [2, bTable],
      [3, ab],
    ]);
    // Premise: within each table, every line holding a hidden cell holds at least two.
    for (const line of [['a1|b1', 'a1|b2', 'a1|b3'], ['a3|b1', 'a3|b2', 'a3|b3'], ['a1|b1', 'a2|b1', 'a3|b1'], ['a1|b2', 'a2|b2', 'a3|b2']]) {
      expect(line.filter((id) => hiddenInAB.has(id)).length).toBeGreaterThanOrEqual(2);
    }
    const recovered = attack(answers, 2, { linesOnly: true });
    // Row a2 is fully published in AB, so a2 = 45, and then a1 = 118 − 45 − 70 = 3.
    expect(recovered.get(cellId(1, ['a2']))).toEqual({ applications: 45, adopted: 0 });
    expect(recovered.get(cellId(1, ['a1']))).toEqual({ applications: 3, adopted: 0 });
  });
});

describe('disclosure control: hand-made edge cases', () => {
  it('adds the next smallest non-zero cell when a line holds a single primary cell', () => {
    const cube = protectCountCube(['A'], [cell(['a1'], 3), cell(['a2'], 20), cell(['a3'], 30), cell(['a4'], 0)]);
    expect(cube.auditTable(['A']).map((c) => [c.keys[0], c.reason])).toEqual([
      ['a1', 'PRIMARY'],
      ['a2', 'COMPLEMENTARY'],
      ['a3', null],
      ['a4', null],
    ]);
    expect(cube.publishedTable([])).toEqual([{ keys: [], applications: 53, adopted: 26, adoptionRate: 26 / 53, suppressed: false }]);
    expect(assess([cell(['a1'], 3), cell(['a2'], 20), cell(['a3'], 30)], 1, 10).recovered.size).toBe(0);
  });

  it('hides both cells of a line of two', () => {
    const cells = [cell(['a1'], 4), cell(['a2'], 200)];
    const table = protectCountCube(['A'], cells).publishedTable(['A']);
    expect(table.every((c) => c.suppressed && c.applications === null && c.adopted === null && c.adoptionRate === null)).toBe(true);
    expect(assess(cells, 1, 10).recovered.size).toBe(0);
  });

  it('hides everything, the grand total included, when all cells are small', () => {
    const cells = [cell(['a1', 'b1'], 1), cell(['a1', 'b2'], 2), cell(['a2', 'b1'], 3), cell(['a2', 'b2'], 2)];
    const cube = protectCountCube(['A', 'B'], cells);
    for (const groupBy of [[], ['A'], ['B'], ['A', 'B'], ['B', 'A']] as ('A' | 'B')[][]) {
      expect(cube.publishedTable(groupBy).every((c) => c.suppressed)).toBe(true);
    }
    expect(cube.auditTable([])[0]).toMatchObject({ applications: 8, reason: 'PRIMARY' });
    expect(assess(cells, 2, 10).recoveredPrimary).toEqual([]);
  });

  it('publishes zero cells and never uses them as complements', () => {
    // a1 is small and alone in its row: the row total A=a1 equals it and is primary too.
    const cells = [cell(['a1', 'b1'], 3), cell(['a1', 'b2'], 0), cell(['a2', 'b1'], 40), cell(['a2', 'b2'], 50)];
    const cube = protectCountCube(['A', 'B'], cells);
    const audit = cube.auditTable(['A', 'B']);
    expect(audit.find((c) => c.keys.join() === 'a1,b2')).toMatchObject({ suppressed: false, applications: 0 });
    expect(cube.auditTable(['A']).find((c) => c.keys[0] === 'a1')).toMatchObject({ reason: 'PRIMARY' });
    const verdict = assess(cells, 2, 10);
    expect(verdict.recoveredPrimary).toEqual([]);
  });

  it('hides a margin that equals a hidden complement alone in its line', () => {
    // Column b1 needs a complement for (a1,b1)=2; (a2,b1)=30 is the only other non-zero cell, and it
    // is alone in row a2, so the row total a2 = 30 must be hidden with it, then a2's line needs a partner.
    const cells = [cell(['a1', 'b1'], 2), cell(['a1', 'b2'], 25), cell(['a2', 'b1'], 30), cell(['a3', 'b2'], 60)];
    const cube = protectCountCube(['A', 'B'], cells);
    const a2 = cube.auditTable(['A']).find((c) => c.keys[0] === 'a2')!;
    expect(a2).toMatchObject({ suppressed: true, reason: 'COMPLEMENTARY' });
    expect(assess(cells, 2, 10).recovered.size).toBe(0);
  });

  it('keeps a published single-cell line consistent with its published margin', () => {
    const cells = [cell(['a1', 'b1'], 50), cell(['a2', 'b2'], 70)];
    const cube = protectCountCube(['A', 'B'], cells);
    expect(cube.summary()).toMatchObject({ primary: 0, complementary: 0 });
    expect(cube.publishedTable(['B', 'A']).map((c) => c.keys)).toEqual([
      ['b1', 'a1'],
      ['b2', 'a2'],
    ]);
  });

  it('protects the case that breaks independent suppression', () => {
    const rows: Record<string, number[]> = { a1: [1, 2, 0], a2: [20, 20, 5], a3: [15, 15, 40] };
    const cells = Object.entries(rows).flatMap(([a, counts]) => counts.map((n, j) => cell([a, `b${j + 1}`], n)));
    const verdict = assess(cells, 2, 10);
    expect(verdict.recovered.size).toBe(0);
  });

  it('handles a single-valued dimension, an empty input and the smallest threshold', () => {
    expect(protectCountCube(['A'], [cell(['only'], 5)]).publishedTable(['A'])[0]!.suppressed).toBe(true);
    expect(protectCountCube(['A'], [cell(['only'], 50)]).publishedTable([])[0]!.suppressed).toBe(false);
    expect(protectCountCube(['A'], []).publishedTable([])).toEqual([
      { keys: [], applications: 0, adopted: 0, adoptionRate: null, suppressed: false },
    ]);
    expect(protectCountCube(['A'], []).publishedTable(['A'])).toEqual([]);
    expect(protectCountCube(['A'], [cell(['a1'], 1)], { threshold: 1 }).summary().primary).toBe(0);
  });

  it('adds up duplicate keys, so one cell per application is accepted', () => {
    const perApplication = [...Array(12).keys()].map((i) => ({ keys: ['m1'], applications: 1, adopted: i % 3 === 0 ? 1 : 0 }));
    expect(publishedCountTable(['MEASURE'], perApplication, ['MEASURE'])).toEqual([
      { keys: ['m1'], applications: 12, adopted: 4, adoptionRate: 4 / 12, suppressed: false },
    ]);
  });

  it('rejects malformed input and groupBy', () => {
    expect(() => protectCountCube(['A', 'A'], [])).toThrow(RangeError);
    expect(() => protectCountCube(['A'], [cell(['a', 'b'], 3)])).toThrow(/1 keys/);
    expect(() => protectCountCube(['A'], [{ keys: ['a'], applications: 2.5, adopted: 0 }])).toThrow(/non-negative integer/);
    expect(() => protectCountCube(['A'], [{ keys: ['a'], applications: -1, adopted: 0 }])).toThrow(RangeError);
    expect(() => protectCountCube(['A'], [{ keys: ['a'], applications: 3, adopted: 4 }])).toThrow(/exceeds/);
    expect(() => protectCountCube(['A'], [], { threshold: 0 })).toThrow(/threshold/);
    const cube = protectCountCube(['A', 'B', 'C'], [cell(['a', 'b', 'c'], 30)], { maxGroupByDimensions: 2 });
    expect(() => cube.publishedTable(['A', 'A'])).toThrow(/repeats/);
    expect(() => cube.publishedTable(['Z' as 'A'])).toThrow(/unknown dimension/);
    expect(() => cube.publishedTable(['A', 'B', 'C'])).toThrow(/at most 2/);
  });

  it('uses 10 as the default threshold', () => {
    expect(DEFAULT_DISCLOSURE_THRESHOLD).toBe(10);
    expect([0, 1, 9, 10].map((n) => isPrimarySensitive(n))).toEqual([false, true, true, false]);
  });
});

// ---------------------------------------------------------------------------------------------

/** A random table: 1..maxDims dimensions of 1..4 values, many small and empty cells. */
function randomTable(dimensionCount: number) {
  return fc
    .record({
      cardinalities: fc.array(fc.integer({ min: 1, max: 4 }), { minLength: dimensionCount, maxLength: dimensionCount }),
      threshold: fc.oneof(fc.constant(10), fc.integer({ min: 2, max: 12 })),
    })
    .chain(({ cardinalities, threshold }) => {
      const size = cardinalities.reduce((p, c) => p * c, 1);
      const count = fc.oneof(
        { weight: 3, arbitrary: fc.constant(0) },
        { weight: 4, arbitrary: fc.integer({ min: 1, max: 12 }) },
        { weight: 3, arbitrary: fc.integer({ min: 10, max: 80 }) },
      );
      const entry = fc.tuple(count, fc.double({ min: 0, max: 1, noNaN: true }));
      return fc.record({
        threshold: fc.constant(threshold),
        cells: fc.array(entry, { minLength: size, maxLength: size }).map((entries) =>
          entries.flatMap(([applications, share], index) => {
            const keys: string[] = [];
            let rest = index;
            for (let d = 0; d < dimensionCount; d++) {
              keys.push(`${DIMENSION_NAMES[d]!.toLowerCase()}${rest % cardinalities[d]!}`);
              rest = Math.floor(rest / cardinalities[d]!);
            }
            // Absent and explicit zero cells must behave the same: leave half of the zeros out.
            if (applications === 0 && index % 2 === 0) return [];
            return [{ keys, applications, adopted: Math.floor(applications * share) }];
          }),
        ),
      });
    });
}

describe('disclosure control: no primary cell is ever recovered (random tables)', () => {
  for (const [dimensionCount, numRuns] of [
    [1, 300],
    [2, 300],
    [3, 200],
    [4, 40],
  ] as const) {
    it(`${dimensionCount} dimension(s), every groupBy answered`, () => {
      let withComplements = 0;
      fc.assert(
        fc.property(randomTable(dimensionCount), ({ cells, threshold }) => {
          const verdict = assess(cells, dimensionCount, threshold);
          expect(verdict.recoveredPrimary).toEqual([]);
          // Stronger: no equation ever has a single unknown, so not even a complement leaks.
          expect([...verdict.recovered.keys()]).toEqual([]);
          const dimensions = DIMENSION_NAMES.slice(0, dimensionCount);
          if (protectCountCube(dimensions, cells, { threshold }).summary().complementary > 0) withComplements++;
        }),
        { numRuns },
      );
      // The generator must exercise complementary suppression, or the property says little.
      expect(withComplements).toBeGreaterThan(numRuns / 10);
    });
  }

  it('3 dimensions when groupBy may combine at most 2', () => {
    fc.assert(
      fc.property(randomTable(3), ({ cells, threshold }) => {
        const verdict = assess(cells, 3, threshold, 2);
        expect(verdict.recoveredPrimary).toEqual([]);
        expect([...verdict.recovered.keys()]).toEqual([]);
      }),
      { numRuns: 150 },
    );
  });

  it('gives the same flags whatever the input order', () => {
    fc.assert(
      fc.property(
        randomTable(3).chain((table) => fc.record({ table: fc.constant(table), order: fc.shuffledSubarray(table.cells, { minLength: table.cells.length }) })),
        ({ table, order }) => {
          const dimensions = ['A', 'B', 'C'] as const;
          const first = protectCountCube(dimensions, table.cells, { threshold: table.threshold });
          const second = protectCountCube(dimensions, order, { threshold: table.threshold });
          for (const groupBy of [[], ['A'], ['B', 'C'], ['C', 'A', 'B']] as ('A' | 'B' | 'C')[][]) {
            expect(second.auditTable(groupBy)).toEqual(first.auditTable(groupBy));
          }
        },
      ),
      { numRuns: 100 },
    );
  });

  it('hides nothing when every non-zero cell reaches the threshold and all margins do too', () => {
    const cells = [cell(['a1', 'b1'], 10), cell(['a1', 'b2'], 11), cell(['a2', 'b1'], 0), cell(['a2', 'b2'], 25)];
    expect(protectCountCube(['A', 'B'], cells).summary()).toMatchObject({ primary: 0, complementary: 0 });
  });
});

describe('disclosure control: filters', () => {
  const dimensions = ['A', 'B', 'C'] as const;
  type D3 = (typeof dimensions)[number];

  it('selects rows when the filtered dimension is grouped by, with the unfiltered flags', () => {
    const cells = [cell(['a1', 'b1', 'c1'], 3), cell(['a1', 'b2', 'c1'], 40), cell(['a2', 'b1', 'c1'], 25), cell(['a2', 'b2', 'c2'], 30)];
    const cube = protectCountCube(dimensions, cells);
    const all = cube.publishedTable(['A', 'B']);
    expect(cube.publishedTable(['A', 'B'], { A: ['a1'] })).toEqual(all.filter((c) => c.keys[0] === 'a1'));
    expect(cube.publishedTable(['A'], {})).toEqual(cube.publishedTable(['A']));
    expect(cube.publishedTable(['A'], { B: [] })).toEqual([]);
    expect(cube.publishedTable([], { B: [] })).toEqual([{ keys: [], applications: 0, adopted: 0, adoptionRate: null, suppressed: false }]);
    expect(cube.publishedTable(['A'], { A: ['unknown'] })).toEqual([]);
  });

  it('does not let one filter be subtracted from another', () => {
    // m1 is small; filtering the data first would publish m1 + m2 and m2, hence m1.
    const cells = [cell(['m1', '2022', 'x'], 4), cell(['m2', '2022', 'x'], 30), cell(['m3', '2022', 'x'], 50)];
    const cube = protectCountCube(dimensions, cells);
    const both = cube.publishedTable([], { A: ['m1', 'm2'] })[0]!;
    const second = cube.publishedTable([], { A: ['m2'] })[0]!;
    expect(both.suppressed || second.suppressed).toBe(true);
    expect(cube.auditTable([], { A: ['m1', 'm2'] })[0]).toMatchObject({ applications: 34, suppressed: true, reason: 'COMPLEMENTARY' });
    expect(cube.auditTable([], { A: ['m1'] })[0]).toMatchObject({ applications: 4, reason: 'PRIMARY' });
  });

  it('rejects a groupBy and filter that together exceed the allowed dimensions', () => {
    const cube = protectCountCube(dimensions, [cell(['a', 'b', 'c'], 30)], { maxGroupByDimensions: 2 });
    expect(cube.publishedTable(['A'], { B: ['b'] })).toHaveLength(1);
    expect(() => cube.publishedTable(['A', 'B'], { C: ['c'] })).toThrow(/groupBy and filter may combine at most 2/);
    expect(() => cube.publishedTable(['A'], { Z: ['z'] } as never)).toThrow(/unknown dimension Z/);
  });

  it('publishes only sums of numbers the unfiltered tables publish (random tables and filters)', () => {
    const subsetOf = (values: string[]) => fc.subarray(values);
    fc.assert(
      fc.property(
        randomTable(3).chain((table) => {
          const values = dimensions.map((_, d) => [...new Set(table.cells.map((c) => c.keys[d]!))]);
          return fc.record({
            table: fc.constant(table),
            groupBy: fc.subarray([...dimensions]),
            filter: fc.record({ A: subsetOf(values[0]!), B: subsetOf(values[1]!), C: subsetOf(values[2]!) }, { requiredKeys: [] }),
          });
        }),
        ({ table, groupBy, filter }) => {
          const cube = protectCountCube(dimensions, table.cells, { threshold: table.threshold });
          const filtered = cube.publishedTable(groupBy, filter);
          // The unfiltered table over groupBy + filtered dimensions, as anyone can ask for it.
          const wide = dimensions.filter((d) => groupBy.includes(d) || filter[d] !== undefined);
          const source = cube.publishedTable(wide);
          for (const answer of filtered) {
            const addends = source.filter(
              (c) =>
                wide.every((d, i) => filter[d] === undefined || filter[d]!.includes(c.keys[i]!)) &&
                groupBy.every((d: D3, j) => c.keys[wide.indexOf(d)] === answer.keys[j]),
            );
            if (answer.suppressed) {
              expect(addends.some((c) => c.suppressed)).toBe(true);
            } else {
              expect(addends.every((c) => !c.suppressed)).toBe(true);
              expect(answer.applications).toBe(addends.reduce((sum, c) => sum + c.applications!, 0));
              expect(answer.adopted).toBe(addends.reduce((sum, c) => sum + c.adopted!, 0));
            }
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('disclosure control: scale', () => {
  it('protects a six-dimension cube of several thousand cells quickly', () => {
    // Deterministic pseudo-random data shaped like applicationStats: 6 EBPM dimensions.
    let seed = 20240401;
    const next = () => {
      // mulberry32
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const cells: CountCell[] = [];
    for (let i = 0; i < 6000; i++) {
      const applications = 1 + Math.floor(next() ** 3 * 60);
      cells.push({
        keys: [`m${Math.floor(next() * 15)}`, `${2018 + Math.floor(next() * 5)}`, `${1 + Math.floor(next() * 47)}`, `${'ABCDEFGHIJ'[Math.floor(next() * 10)]}`, ['SMALL', 'MEDIUM'][Math.floor(next() * 2)]!, ['ADOPTED', 'REJECTED'][Math.floor(next() * 2)]!],
        applications,
        adopted: Math.floor(applications * next()),
      });
    }
    const started = performance.now();
    const cube = protectCountCube(['MEASURE', 'FISCAL_YEAR', 'PREFECTURE', 'INDUSTRY', 'SME_CATEGORY', 'STATUS'], cells);
    const elapsed = performance.now() - started;
    const summary = cube.summary();
    expect(summary.tables).toBe(64);
    expect(summary.primary).toBeGreaterThan(0);
    expect(elapsed).toBeLessThan(10_000);
    // Grand total of 6000 cells is published.
    expect(cube.publishedTable([])[0]!.suppressed).toBe(false);
  });
});
