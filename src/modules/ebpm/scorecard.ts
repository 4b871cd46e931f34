/**
 * The online-usage scorecard (オンライン利用率 進捗の見える化) of procedures, as the government
 * publishes it: progress towards each procedure's target online-usage rate and a colour band.
 *
 * Rule (METI scorecard, seed 000_63f464cdce5bec55.txt):
 * progress = (current − baseline) / (target − baseline), the baseline being the FY2019 rate;
 * BLUE target reached (≥ 100 %), GREEN 70–<100 %, YELLOW 40–<70 %, ORANGE 10–<40 %, RED < 10 %.
 */

import { readFileSync } from 'node:fs';
import { seedPath } from '../../shared/paths.js';
import { PublishedTableError, parseCount, readCsvRecords } from './published-table.js';

/** The colour bands, best first (the contract's `ScorecardColor`). */
export const SCORECARD_COLORS = ['BLUE', 'GREEN', 'YELLOW', 'ORANGE', 'RED'] as const;
export type ScorecardColor = (typeof SCORECARD_COLORS)[number];

/** Lower bound of each band except RED, as a share of the way from baseline to target. */
export const SCORECARD_BANDS: readonly { readonly color: ScorecardColor; readonly from: number }[] = [
  { color: 'BLUE', from: 1 },
  { color: 'GREEN', from: 0.7 },
  { color: 'YELLOW', from: 0.4 },
  { color: 'ORANGE', from: 0.1 },
];

/** One procedure of the scorecard (the contract's `ScorecardRow` without the computed fields). Rates are fractions (0.2 = 20 %). */
export interface ScorecardRowInput {
  readonly ministry: string;
  readonly program: string;
  readonly procedure: string;
  /** 年間手続件数 in the baseline year */
  readonly annualCount: number | null;
  /** online-usage rate of the baseline year (FY2019 in the METI scorecard) */
  readonly baselineRate: number;
  readonly currentRate: number;
  readonly targetRate: number;
  /** 達成期限 as published, e.g. 令和5年度中 */
  readonly deadline: string | null;
}

/** A scorecard row with its progress and colour. */
export interface ScoredScorecardRow extends ScorecardRowInput {
  /** (current − baseline) / (target − baseline), rounded to 12 decimals; null when target equals baseline */
  readonly progress: number | null;
  readonly color: ScorecardColor;
}

/** Every column of the published METI scorecard table. */
export interface ScorecardSourceRow extends ScorecardRowInput {
  /** 手続件数 of the whole programme */
  readonly programProcedureCount: number | null;
  /** 法令 */
  readonly law: string | null;
  /** 手続の種類, e.g. 民間事業者⇒中小企業基盤整備機構 */
  readonly procedureKind: string | null;
  /** 年間オンライン件数 in the baseline year */
  readonly onlineCount: number | null;
  /** オンライン完結 ○/×; null when blank */
  readonly onlineComplete: boolean | null;
}

/**
 * (current − baseline) / (target − baseline); null when target equals baseline.
 * Rounded to 12 decimals so that rates written in decimal land on the band edge they mean
 * ((0.31 − 0.1) / (0.4 − 0.1) is 0.6999999999999998 in binary floating point, and 0.7 here).
 */
export function scorecardProgress(rates: Pick<ScorecardRowInput, 'baselineRate' | 'currentRate' | 'targetRate'>): number | null {
  const { baselineRate, currentRate, targetRate } = rates;
  for (const [name, value] of Object.entries({ baselineRate, currentRate, targetRate })) {
    if (!Number.isFinite(value)) throw new RangeError(`${name} must be a finite number, got ${value}`);
  }
  if (targetRate === baselineRate) return null;
  const progress = (currentRate - baselineRate) / (targetRate - baselineRate);
  return Math.round(progress * 1e12) / 1e12 + 0; // + 0 turns −0 into 0
}

/** The colour of a progress value: BLUE ≥ 1, GREEN ≥ 0.7, YELLOW ≥ 0.4, ORANGE ≥ 0.1, else RED. */
export function colorForProgress(progress: number): ScorecardColor {
  if (Number.isNaN(progress)) throw new RangeError('progress must be a number');
  for (const band of SCORECARD_BANDS) if (progress >= band.from) return band.color;
  return 'RED';
}

/**
 * The colour of a row. When target equals baseline there is no progress to measure; the row is
 * BLUE when the target is reached (current ≥ target, as online-usage targets are floors) and RED
 * otherwise, since the published rule has no band for a target already at the baseline.
 */
export function scorecardColor(rates: Pick<ScorecardRowInput, 'baselineRate' | 'currentRate' | 'targetRate'>): ScorecardColor {
  const progress = scorecardProgress(rates);
  if (progress === null) return rates.currentRate >= rates.targetRate ? 'BLUE' : 'RED';
  return colorForProgress(progress);
}

/** Adds progress and colour to one row. */
export function scoreScorecardRow<Row extends ScorecardRowInput>(row: Row): Row & ScoredScorecardRow {
  return { ...row, progress: scorecardProgress(row), color: scorecardColor(row) };
}

/** Adds progress and colour to every row, keeping their order. */
export function scoreScorecard<Row extends ScorecardRowInput>(rows: readonly Row[]): (Row & ScoredScorecardRow)[] {
  return rows.map(scoreScorecardRow);
}

// ---------------------------------------------------------------------------------------------
// The published CSV (../shared/data/published/scorecard-meti-smrj-fy2019.csv)

const REQUIRED_COLUMNS = ['ministry', 'program', 'procedure', 'baseline_rate', 'current_rate', 'target_rate'] as const;

/** A rate as a fraction: "0.20" or "20%" → 0.2; must lie in [0, 1]. */
function parseRate(text: string | undefined, line: number, column: string): number {
  const value = (text ?? '').normalize('NFKC').trim();
  const percent = value.endsWith('%');
  const number = percent ? value.slice(0, -1).trim() : value;
  if (!/^\d+(\.\d+)?$|^\.\d+$/.test(number)) throw new PublishedTableError(line, `${column} must be a rate, got "${value}"`);
  const rate = percent ? Number((Number(number) / 100).toPrecision(12)) : Number(number);
  if (rate > 1) throw new PublishedTableError(line, `${column} must be at most 1 (100%), got "${value}"`);
  return rate;
}

function parseOnlineComplete(text: string | undefined, line: number): boolean | null {
  const value = (text ?? '').trim();
  if (value === '') return null;
  if (['○', '〇', 'o', 'O'].includes(value)) return true;
  if (['×', 'x', 'X', '✕'].includes(value)) return false;
  throw new PublishedTableError(line, `online_complete must be ○, × or blank, got "${value}"`);
}

function optionalText(text: string | undefined): string | null {
  const value = (text ?? '').trim();
  return value === '' ? null : value;
}

/**
 * Parses the published METI scorecard CSV (columns ministry, program, program_procedure_count,
 * procedure, law, procedure_kind, annual_count_fy2019, online_count_fy2019, baseline_rate,
 * current_rate, target_rate, deadline, online_complete). Rates are fractions or percentages.
 * Columns other than ministry, program, procedure and the three rates may be absent (then null).
 * @throws PublishedTableError naming the line of the first malformed value.
 */
export function parseScorecardCsv(text: string): ScorecardSourceRow[] {
  return readCsvRecords(text, REQUIRED_COLUMNS).map(({ line, values }) => {
    const required = (column: string): string => {
      const value = (values.get(column) ?? '').trim();
      if (value === '') throw new PublishedTableError(line, `${column} is blank`);
      return value;
    };
    return {
      ministry: required('ministry'),
      program: required('program'),
      programProcedureCount: parseCount(values.get('program_procedure_count'), line, 'program_procedure_count'),
      procedure: required('procedure'),
      law: optionalText(values.get('law')),
      procedureKind: optionalText(values.get('procedure_kind')),
      annualCount: parseCount(values.get('annual_count_fy2019'), line, 'annual_count_fy2019'),
      onlineCount: parseCount(values.get('online_count_fy2019'), line, 'online_count_fy2019'),
      baselineRate: parseRate(values.get('baseline_rate'), line, 'baseline_rate'),
      currentRate: parseRate(values.get('current_rate'), line, 'current_rate'),
      targetRate: parseRate(values.get('target_rate'), line, 'target_rate'),
      deadline: optionalText(values.get('deadline')),
      onlineComplete: parseOnlineComplete(values.get('online_complete'), line),
    };
  });
}

// ---------------------------------------------------------------------------------------------
// The committed seed (seeds/scorecard-meti-smrj-fy2019.json)

/** File name of the scorecard seed under seeds/. */
export const SCORECARD_SEED_FILE = 'scorecard-meti-smrj-fy2019.json';

/** The seed file's shape. */
export interface ScorecardSeed {
  readonly title: string;
  readonly source: string;
  readonly notes: readonly string[];
  readonly rows: readonly ScorecardSourceRow[];
}

let cachedSeed: ScorecardSeed | undefined;

/**
 * The published METI/SMRJ scorecard rows shipped as seeds/scorecard-meti-smrj-fy2019.json,
 * checked on first load.
 * @throws Error naming the row and field when the file is malformed.
 */
export function loadScorecardSeed(): ScorecardSeed {
  if (cachedSeed) return cachedSeed;
  const seed = JSON.parse(readFileSync(seedPath(SCORECARD_SEED_FILE), 'utf8')) as ScorecardSeed;
  if (!Array.isArray(seed.rows) || seed.rows.length === 0) throw new Error(`${SCORECARD_SEED_FILE}: rows must be a non-empty array`);
  seed.rows.forEach((row, i) => {
    for (const key of ['ministry', 'program', 'procedure'] as const) {
      if (typeof row[key] !== 'string' || row[key] === '') throw new Error(`${SCORECARD_SEED_FILE}: rows[${i}].${key} must be a non-empty string`);
    }
    for (const key of ['baselineRate', 'currentRate', 'targetRate'] as const) {
      if (typeof row[key] !== 'number' || !(row[key] >= 0 && row[key] <= 1)) throw new Error(`${SCORECARD_SEED_FILE}: rows[${i}].${key} must be a rate in [0, 1]`);
    }
    for (const key of ['annualCount', 'onlineCount', 'programProcedureCount'] as const) {
      if (row[key] !== null && !(Number.isSafeInteger(row[key]) && row[key] >= 0)) throw new Error(`${SCORECARD_SEED_FILE}: rows[${i}].${key} must be null or a count`);
    }
  });
  cachedSeed = seed;
  return seed;
}

/** The shipped scorecard with progress and colour, in the published order. */
export function publishedScorecard(): (ScorecardSourceRow & ScoredScorecardRow)[] {
  return scoreScorecard(loadScorecardSeed().rows);
}
