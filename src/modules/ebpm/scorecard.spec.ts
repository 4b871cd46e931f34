import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../shared/paths.js';
import fc from 'fast-check';
import {
  SCORECARD_COLORS,
  colorForProgress,
  loadScorecardSeed,
  parseScorecardCsv,
  publishedScorecard,
  scoreScorecard,
  scorecardColor,
  scorecardProgress,
  type ScorecardColor,
  type ScorecardRowInput,
} from './scorecard.js';
import { PublishedTableError } from './published-table.js';

const publishedCsv = join(projectRoot(), '..', 'shared', 'data', 'published', 'scorecard-meti-smrj-fy2019.csv');

const rates = (baselineRate: number, currentRate: number, targetRate: number) => ({ baselineRate, currentRate, targetRate });

describe('scorecard progress', () => {
  it('is the share of the way from baseline to target', () => {
    expect(scorecardProgress(rates(0, 0.15, 0.2))).toBe(0.75);
    expect(scorecardProgress(rates(0.1, 0.1, 0.5))).toBe(0);
    expect(scorecardProgress(rates(0.1, 0.05, 0.5))).toBe(-0.125);
    expect(scorecardProgress(rates(0.2, 0.6, 0.5))).toBeCloseTo(4 / 3, 12);
    // A target below the baseline (a rate to bring down) works the same way.
    expect(scorecardProgress(rates(0.5, 0.3, 0.3))).toBe(1);
  });

  it('is null when the target equals the baseline, and never −0', () => {
    expect(scorecardProgress(rates(0.3, 0.5, 0.3))).toBeNull();
    expect(Object.is(scorecardProgress(rates(0.2, 0.2, 0.1)), 0)).toBe(true);
    expect(() => scorecardProgress(rates(Number.NaN, 0, 0.2))).toThrow(RangeError);
  });
});

describe('scorecard colour', () => {
  it.each<[number, ScorecardColor]>([
    [1.5, 'BLUE'],
    [1, 'BLUE'],
    [0.999999, 'GREEN'],
    [0.7, 'GREEN'],
    [0.699999, 'YELLOW'],
    [0.4, 'YELLOW'],
    [0.399999, 'ORANGE'],
    [0.1, 'ORANGE'],
    [0.099999, 'RED'],
    [0, 'RED'],
    [-0.5, 'RED'],
  ])('progress %f is %s', (progress, color) => {
    expect(colorForProgress(progress)).toBe(color);
  });

  it.each<[number, number, number, ScorecardColor]>([
    // Band edges reached from decimal rates, where binary floating point lands just below the edge.
    [0.1, 0.4, 0.4, 'BLUE'],
    [0.1, 0.31, 0.4, 'GREEN'],
    [0.1, 0.309, 0.4, 'YELLOW'],
    [0.1, 0.22, 0.4, 'YELLOW'],
    [0.1, 0.219, 0.4, 'ORANGE'],
    [0.1, 0.13, 0.4, 'ORANGE'],
    [0.1, 0.129, 0.4, 'RED'],
    [0, 0.14, 0.2, 'GREEN'],
    [0, 0.08, 0.2, 'YELLOW'],
    [0, 0.02, 0.2, 'ORANGE'],
    [0, 0, 0.2, 'RED'],
  ])('baseline %f, current %f, target %f is %s', (baseline, current, target, color) => {
    expect(scorecardColor(rates(baseline, current, target))).toBe(color);
  });

  it('is BLUE when target equals baseline and current reaches it, RED otherwise', () => {
    expect(scorecardColor(rates(0.3, 0.3, 0.3))).toBe('BLUE');
    expect(scorecardColor(rates(0.3, 0.8, 0.3))).toBe('BLUE');
    expect(scorecardColor(rates(0.3, 0.29, 0.3))).toBe('RED');
  });

  it('agrees with exact arithmetic for every rate written in whole percent', () => {
    const percent = fc.integer({ min: 0, max: 100 });
    fc.assert(
      fc.property(percent, percent, percent, (baseline, current, target) => {
        fc.pre(baseline !== target);
        // progress ≥ k/10 ⇔ 10·(current − baseline) ≥ k·(target − baseline) when target > baseline (flipped otherwise)
        const reaches = (tenths: number) => {
          const left = 10 * (current - baseline);
          const right = tenths * (target - baseline);
          return target > baseline ? left >= right : left <= right;
        };
        const expected: ScorecardColor = reaches(10) ? 'BLUE' : reaches(7) ? 'GREEN' : reaches(4) ? 'YELLOW' : reaches(1) ? 'ORANGE' : 'RED';
        expect(scorecardColor(rates(baseline / 100, current / 100, target / 100))).toBe(expected);
      }),
      { numRuns: 2000 },
    );
  });

  it('scores rows in order and keeps their fields', () => {
    const row: ScorecardRowInput = { ministry: 'm', program: 'p', procedure: 'x', annualCount: 10, baselineRate: 0, currentRate: 0.1, targetRate: 0.2, deadline: null };
    expect(scoreScorecard([row, { ...row, currentRate: 0.2 }])).toEqual([
      { ...row, progress: 0.5, color: 'YELLOW' },
      { ...row, currentRate: 0.2, progress: 1, color: 'BLUE' },
    ]);
    expect(SCORECARD_COLORS).toEqual(['BLUE', 'GREEN', 'YELLOW', 'ORANGE', 'RED']);
  });
});

describe('parseScorecardCsv', () => {
  const header =
    'ministry,program,program_procedure_count,procedure,law,procedure_kind,annual_count_fy2019,online_count_fy2019,baseline_rate,current_rate,target_rate,deadline,online_complete';

  it('reads every column, with a BOM, CRLF, percentages, quoted thousands and blanks', () => {
    const text = `\uFEFF${header}\r\n経済産業省,事業A,"1,200",申請,法,民間事業者⇒国,"1,000",50,5%,0.30,50%,令和5年度中,○\r\n経済産業省,事業A,,届出,,,,,0.1,0.1,0.1,,×\r\n`;
    expect(parseScorecardCsv(text)).toEqual([
      {
        ministry: '経済産業省',
        program: '事業A',
        programProcedureCount: 1200,
        procedure: '申請',
        law: '法',
        procedureKind: '民間事業者⇒国',
        annualCount: 1000,
        onlineCount: 50,
        baselineRate: 0.05,
        currentRate: 0.3,
        targetRate: 0.5,
        deadline: '令和5年度中',
        onlineComplete: true,
      },
      {
        ministry: '経済産業省',
        program: '事業A',
        programProcedureCount: null,
        procedure: '届出',
        law: null,
        procedureKind: null,
        annualCount: null,
        onlineCount: null,
        baselineRate: 0.1,
        currentRate: 0.1,
        targetRate: 0.1,
        deadline: null,
        onlineComplete: false,
      },
    ]);
  });

  it('names the line of a malformed value', () => {
    const row = (values: string) => `${header}\n${values}\n`;
    const good = '経済産業省,事業A,1,申請,法,種,10,0,0,0,0.2,期限,';
    expect(parseScorecardCsv(row(good))).toHaveLength(1);
    expect(() => parseScorecardCsv(row(good.replace(',0,0,0.2,', ',0,abc,0.2,')))).toThrow(/line 2: current_rate must be a rate/);
    expect(() => parseScorecardCsv(row(good.replace(',0,0,0.2,', ',0,0,1.2,')))).toThrow(/target_rate must be at most 1/);
    expect(() => parseScorecardCsv(row(good.replace(',申請,', ',,')))).toThrow(/procedure is blank/);
    expect(() => parseScorecardCsv(row(good.replace(',10,0,', ',-3,0,')))).toThrow(/annual_count_fy2019 must be a whole number/);
    expect(() => parseScorecardCsv(row(good.replace(/,$/, ',?')))).toThrow(/online_complete/);
    expect(() => parseScorecardCsv(`${header}\n${good}\n${good},extra\n`)).toThrow(PublishedTableError);
    expect(() => parseScorecardCsv('ministry,program,procedure\n')).toThrow(/line 1: missing column baseline_rate/);
    expect(() => parseScorecardCsv('')).toThrow(/empty/);
  });
});

describe('the shipped scorecard seed', () => {
  it('holds the seven METI/SMRJ procedures, all RED at 0 % progress towards 20 %', () => {
    const seed = loadScorecardSeed();
    expect(seed.rows).toHaveLength(7);
    const scored = publishedScorecard();
    expect(scored.every((row) => row.progress === 0 && row.color === 'RED' && row.targetRate === 0.2)).toBe(true);
    expect(scored.map((row) => row.annualCount)).toEqual([209000, 6000, 67000, 97000, 54000, 46000, 30000]);
    expect(new Set(scored.map((row) => row.program))).toEqual(new Set(['小規模企業共済事業', '中小企業倒産防止共済事業']));
  });

  describe.skipIf(!existsSync(publishedCsv))(`agrees with ${publishedCsv} (skipped when absent)`, () => {
    it('has exactly the rows parseScorecardCsv reads from the published CSV', () => {
      expect(loadScorecardSeed().rows).toEqual(parseScorecardCsv(readFileSync(publishedCsv, 'utf8')));
    });
  });
});
