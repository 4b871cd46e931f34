/**
 * Applications and adoptions by subsidy frame (公募枠), FY2022 (令和4年度) and cumulative to its
 * end, from the SMRJ mid-term evaluation. Used to calibrate generated application data so that
 * adoption behaves like the real programmes.
 */

import { readFileSync } from 'node:fs';
import { seedPath } from '../../shared/paths.js';
import { PublishedTableError, parseCount, readCsvRecords } from './published-table.js';

/** One frame of one subsidy programme. */
export interface SubsidyFrameKey {
  /** e.g. ものづくり補助金 */
  readonly program: string;
  /** e.g. 通常枠 */
  readonly frame: string;
}

/** The published figures of one frame. Cumulative figures run from the programme's start to the end of FY2022. */
export interface SubsidyFrameFigures extends SubsidyFrameKey {
  readonly applicationsFy2022: number;
  readonly applicationsCumulative: number;
  readonly adoptedFy2022: number;
  readonly adoptedCumulative: number;
}

/** A frame as shipped in the seed, with where its figures come from. */
export interface SubsidyFrameSeedRow extends SubsidyFrameFigures {
  /** a key of the seed's `sources` */
  readonly source: string;
}

/** Which figures an adoption rate is computed from. */
export type AdoptionPeriod = 'FY2022' | 'CUMULATIVE';

const COLUMNS = ['program', 'frame', 'applications_fy2022', 'applications_cumulative', 'adopted_fy2022', 'adopted_cumulative'] as const;

/** Checks that adopted ≤ applications and FY2022 ≤ cumulative; returns a problem or null. */
function frameProblem(figures: SubsidyFrameFigures): string | null {
  if (figures.adoptedFy2022 > figures.applicationsFy2022) return 'adopted_fy2022 exceeds applications_fy2022';
  if (figures.adoptedCumulative > figures.applicationsCumulative) return 'adopted_cumulative exceeds applications_cumulative';
  if (figures.applicationsFy2022 > figures.applicationsCumulative) return 'applications_fy2022 exceeds applications_cumulative';
  if (figures.adoptedFy2022 > figures.adoptedCumulative) return 'adopted_fy2022 exceeds adopted_cumulative';
  return null;
}

/**
 * Parses ../shared/data/published/subsidy-frames-applications-adoptions-to-fy2022.csv
 * (program, frame, applications_fy2022, applications_cumulative, adopted_fy2022, adopted_cumulative).
 * @throws PublishedTableError naming the line of a blank, malformed or inconsistent value.
 */
export function parseSubsidyFramesCsv(text: string): SubsidyFrameFigures[] {
  return readCsvRecords(text, COLUMNS).map(({ line, values }) => {
    const text = (column: string): string => {
      const value = (values.get(column) ?? '').trim();
      if (value === '') throw new PublishedTableError(line, `${column} is blank`);
      return value;
    };
    const count = (column: string): number => parseCount(text(column), line, column)!;
    const figures: SubsidyFrameFigures = {
      program: text('program'),
      frame: text('frame'),
      applicationsFy2022: count('applications_fy2022'),
      applicationsCumulative: count('applications_cumulative'),
      adoptedFy2022: count('adopted_fy2022'),
      adoptedCumulative: count('adopted_cumulative'),
    };
    const problem = frameProblem(figures);
    if (problem) throw new PublishedTableError(line, problem);
    return figures;
  });
}

/** File name of the subsidy-frame seed under seeds/. */
export const SUBSIDY_FRAMES_SEED_FILE = 'subsidy-frames-fy2022.json';

/** The seed file's shape. */
export interface SubsidyFramesSeed {
  readonly title: string;
  readonly sources: Readonly<Record<string, string>>;
  readonly notes: readonly string[];
  readonly frames: readonly SubsidyFrameSeedRow[];
}

let cachedSeed: SubsidyFramesSeed | undefined;

/** Frame names compared after NFKC and without spaces (全角/半角 and stray blanks do not matter). */
function nameKey(name: string): string {
  return name.normalize('NFKC').replace(/\s+/g, '');
}

/**
 * The frames shipped as seeds/subsidy-frames-fy2022.json, checked on first load.
 * @throws Error naming the frame when the file is malformed.
 */
export function loadSubsidyFrames(): SubsidyFramesSeed {
  if (cachedSeed) return cachedSeed;
  const seed = JSON.parse(readFileSync(seedPath(SUBSIDY_FRAMES_SEED_FILE), 'utf8')) as SubsidyFramesSeed;
  if (!Array.isArray(seed.frames) || seed.frames.length === 0) throw new Error(`${SUBSIDY_FRAMES_SEED_FILE}: frames must be a non-empty array`);
  const seen = new Set<string>();
  seed.frames.forEach((frame, i) => {
    const where = `${SUBSIDY_FRAMES_SEED_FILE}: frames[${i}]`;
    if (typeof frame.program !== 'string' || typeof frame.frame !== 'string') throw new Error(`${where}: program and frame must be strings`);
    for (const key of ['applicationsFy2022', 'applicationsCumulative', 'adoptedFy2022', 'adoptedCumulative'] as const) {
      if (!Number.isSafeInteger(frame[key]) || frame[key] < 0) throw new Error(`${where}.${key} must be a count`);
    }
    const problem = frameProblem(frame);
    if (problem) throw new Error(`${where}: ${problem}`);
    if (!(frame.source in seed.sources)) throw new Error(`${where}: unknown source ${frame.source}`);
    const key = `${nameKey(frame.program)}\u0000${nameKey(frame.frame)}`;
    if (seen.has(key)) throw new Error(`${where}: ${frame.program} ${frame.frame} appears twice`);
    seen.add(key);
  });
  cachedSeed = seed;
  return seed;
}

/** The shipped figures of one frame, or undefined when the seed does not have it. */
export function findSubsidyFrame(key: SubsidyFrameKey): SubsidyFrameSeedRow | undefined {
  const program = nameKey(key.program);
  const frame = nameKey(key.frame);
  return loadSubsidyFrames().frames.find((row) => nameKey(row.program) === program && nameKey(row.frame) === frame);
}

/**
 * The share of applications adopted in one frame: adopted ÷ applications over FY2022 or over the
 * programme's whole run to the end of FY2022 (default; larger and more stable). Null when the
 * frame had no applications in that period (frames that ended before FY2022).
 * Frame names repeat across programmes (通常枠), so the programme is part of the key.
 * @throws RangeError when the seed has no such frame.
 */
export function adoptionRateFor(key: SubsidyFrameKey, period: AdoptionPeriod = 'CUMULATIVE'): number | null {
  const figures = findSubsidyFrame(key);
  if (!figures) throw new RangeError(`no published figures for ${key.program} ${key.frame}`);
  const [adopted, applications] =
    period === 'FY2022' ? [figures.adoptedFy2022, figures.applicationsFy2022] : [figures.adoptedCumulative, figures.applicationsCumulative];
  return applications > 0 ? adopted / applications : null;
}
