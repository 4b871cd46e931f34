import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../shared/paths.js';
import { adoptionRateFor, findSubsidyFrame, loadSubsidyFrames, parseSubsidyFramesCsv } from './subsidy-frames.js';

const publishedCsv = join(projectRoot(), '..', 'shared', 'data', 'published', 'subsidy-frames-applications-adoptions-to-fy2022.csv');
const header = 'program,frame,applications_fy2022,applications_cumulative,adopted_fy2022,adopted_cumulative';

describe('parseSubsidyFramesCsv', () => {
  it('reads the figures of each frame', () => {
    expect(parseSubsidyFramesCsv(`${header}\nIT導入補助金,通常枠,24392,54667,14246,28607\n`)).toEqual([
      { program: 'IT導入補助金', frame: '通常枠', applicationsFy2022: 24392, applicationsCumulative: 54667, adoptedFy2022: 14246, adoptedCumulative: 28607 },
    ]);
  });

  it('rejects blank, malformed and inconsistent figures with their line', () => {
    expect(() => parseSubsidyFramesCsv(`${header}\nX,通常枠,10,20,11,15\n`)).toThrow(/line 2: adopted_fy2022 exceeds applications_fy2022/);
    expect(() => parseSubsidyFramesCsv(`${header}\nX,通常枠,10,20,5,25\n`)).toThrow(/adopted_cumulative exceeds/);
    expect(() => parseSubsidyFramesCsv(`${header}\nX,通常枠,30,20,5,5\n`)).toThrow(/applications_fy2022 exceeds applications_cumulative/);
    expect(() => parseSubsidyFramesCsv(`${header}\nX,通常枠,10,20,5,4\n`)).toThrow(/adopted_fy2022 exceeds adopted_cumulative/);
    expect(() => parseSubsidyFramesCsv(`${header}\nX,通常枠,,20,5,5\n`)).toThrow(/applications_fy2022 is blank/);
    expect(() => parseSubsidyFramesCsv(`${header}\nX,通常枠,1.5,20,5,5\n`)).toThrow(/whole number/);
    expect(() => parseSubsidyFramesCsv('program,frame\n')).toThrow(/missing column applications_fy2022/);
  });
});

describe('the shipped subsidy-frame seed', () => {
  it('holds the four CSV programmes and 事業再構築補助金', () => {
    const { frames, sources } = loadSubsidyFrames();
    expect(new Set(frames.map((f) => f.program))).toEqual(
      new Set(['ものづくり補助金', '小規模事業者持続化補助金', 'IT導入補助金', '事業承継・引継ぎ補助金', '事業再構築補助金']),
    );
    expect(frames.every((f) => f.source in sources)).toBe(true);
    // Figures the README of the published folder quotes.
    expect(findSubsidyFrame({ program: '事業再構築補助金', frame: '通常枠' })).toMatchObject({ applicationsCumulative: 99416, adoptedCumulative: 38045 });
    expect(findSubsidyFrame({ program: '事業再構築補助金', frame: '緊急事態宣言特別枠' })).toMatchObject({ applicationsCumulative: 24151, adoptedCumulative: 15503 });
  });

  describe.skipIf(!existsSync(publishedCsv))(`agrees with ${publishedCsv} (skipped when absent)`, () => {
    it('has exactly the CSV rows, marked as such', () => {
      const fromCsv = loadSubsidyFrames()
        .frames.filter((f) => f.source === 'published-csv')
        .map(({ source: _source, ...figures }) => figures);
      expect(fromCsv).toEqual(parseSubsidyFramesCsv(readFileSync(publishedCsv, 'utf8')));
    });
  });
});

describe('adoptionRateFor', () => {
  it('divides adoptions by applications, cumulative by default', () => {
    expect(adoptionRateFor({ program: 'ものづくり補助金', frame: '通常枠' })).toBe(19765 / 35134);
    expect(adoptionRateFor({ program: 'ものづくり補助金', frame: '通常枠' }, 'FY2022')).toBe(6806 / 11783);
    expect(adoptionRateFor({ program: '事業再構築補助金', frame: '通常枠' })).toBe(38045 / 99416);
    // The same frame name in another programme is another frame.
    expect(adoptionRateFor({ program: '小規模事業者持続化補助金', frame: '通常枠' })).toBe(66531 / 107781);
  });

  it('is null for a frame with no applications in FY2022 (it had ended)', () => {
    expect(adoptionRateFor({ program: 'IT導入補助金', frame: '特別枠' }, 'FY2022')).toBeNull();
    expect(adoptionRateFor({ program: 'IT導入補助金', frame: '特別枠' })).toBe(21181 / 66072);
  });

  it('matches names regardless of full-width letters and blanks, and rejects unknown frames', () => {
    expect(adoptionRateFor({ program: '事業再構築補助金', frame: 'グローバルＶ字回復枠' })).toBe(1 / 3);
    expect(adoptionRateFor({ program: 'IT導入補助金 ', frame: 'デジタル化基盤導入類型' })).toBe(37639 / 45836);
    expect(() => adoptionRateFor({ program: 'ものづくり補助金', frame: '存在しない枠' })).toThrow(RangeError);
  });

  it('gives rates between 0 and 1 for every shipped frame', () => {
    for (const frame of loadSubsidyFrames().frames) {
      for (const period of ['FY2022', 'CUMULATIVE'] as const) {
        const rate = adoptionRateFor(frame, period);
        if (rate !== null) expect(rate).toBeGreaterThanOrEqual(0);
        if (rate !== null) expect(rate).toBeLessThanOrEqual(1);
      }
    }
  });
});
