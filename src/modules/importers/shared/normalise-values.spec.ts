import { describe, expect, it } from 'vitest';
import { JSIC_MAJOR_DIVISIONS, jsicMajorFor } from './jsic-major.js';
import {
  cleanText, isBlank, parseBoolean, parseDate, parseDecimal, parseInstant, parseInteger, splitList,
} from './normalise-values.js';

describe('isBlank / cleanText', () => {
  it('treats null, "", whitespace and the "Null" spellings as no value', () => {
    for (const blank of [null, undefined, '', '  ', 'Null', 'null', 'NULL', 'None']) expect(isBlank(blank)).toBe(true);
    for (const value of ['-', '0', 0, false, 'なし']) expect(isBlank(value)).toBe(false);
    expect(cleanText('  経済産業省 ')).toBe('経済産業省');
    expect(cleanText('Null')).toBeNull();
    expect(cleanText(12)).toBe('12');
    expect(cleanText({})).toBeNull();
  });
});

describe('parseInteger', () => {
  it('reads amounts in the spellings the APIs use', () => {
    const cases: [unknown, number | null][] = [
      [1234, 1234], ['1234', 1234], ['1,000,000', 1_000_000], ['１，０００，０００', 1_000_000], ['1000000円', 1_000_000],
      ['-23832000', -23_832_000], ['−500', -500], ['▲1,000', -1000], ['△20', -20], ['+7', 7], ['1000.0', 1000],
      [' 42 ', 42], ['Null', null], ['', null], [null, null],
    ];
    for (const [raw, value] of cases) expect({ raw, ...parseInteger(raw) }).toEqual({ raw, value, problem: null });
  });

  it('reports values that are not integers', () => {
    for (const raw of ['abc', '1.5', '1,2.3', 1.5, Number.NaN, '99999999999999999999', {}, true]) {
      const parsed = parseInteger(raw);
      expect(parsed.value).toBeNull();
      expect(parsed.problem).toMatch(/not an integer|not a number|not a finite number|too large/);
    }
  });
});

describe('parseDecimal', () => {
  it('reads decimals from numbers and strings', () => {
    expect(parseDecimal(34.6).value).toBe(34.6);
    expect(parseDecimal('４１．８').value).toBe(41.8);
    expect(parseDecimal('.5').value).toBe(0.5);
    expect(parseDecimal('x').problem).toMatch(/not a number/);
  });
});

describe('parseDate', () => {
  it('reads every date spelling as YYYY-MM-DD', () => {
    const cases: [string, string][] = [
      ['2020-08-25', '2020-08-25'], ['2020/8/5', '2020-08-05'], ['2020.08.25', '2020-08-25'], ['20200825', '2020-08-25'],
      ['2018-04-02T00:00:00+09:00', '2018-04-02'], ['2019-07-14 00:00:00.0', '2019-07-14'], ['2026-04-01T00:55Z', '2026-04-01'],
      ['２０２０年８月２５日', '2020-08-25'], ['令和2年10月31日', '2020-10-31'], ['令和元年５月１日', '2019-05-01'],
      ['平成31年4月30日', '2019-04-30'], ['昭和64年1月7日', '1989-01-07'],
    ];
    for (const [raw, value] of cases) expect({ raw, value: parseDate(raw).value }).toEqual({ raw, value });
  });

  it('rejects impossible and unknown dates and passes blanks as null', () => {
    expect(parseDate('2021-02-29').problem).toMatch(/impossible/);
    expect(parseDate('2020-02-29').value).toBe('2020-02-29');
    expect(parseDate('2020-13-01').problem).toMatch(/impossible/);
    expect(parseDate('yesterday').problem).toMatch(/unrecognised/);
    expect(parseDate('Null')).toEqual({ value: null, problem: null });
    expect(parseDate(20200825).problem).toMatch(/not a date/);
  });
});

describe('parseInstant', () => {
  it('normalises ISO-like datetimes to UTC ISO strings', () => {
    expect(parseInstant('2026-04-01T00:55Z').value).toBe('2026-04-01T00:55:00.000Z');
    expect(parseInstant('2026-09-30T07:00:00.000Z').value).toBe('2026-09-30T07:00:00.000Z');
    expect(parseInstant('2018-04-02T00:00:00+09:00').value).toBe('2018-04-01T15:00:00.000Z');
    expect(parseInstant('2018-04-02T00:00:00+0900').value).toBe('2018-04-01T15:00:00.000Z');
    expect(parseInstant('2026/04/01 09:00').value).toBe('2026-04-01T09:00:00.000Z');
    expect(parseInstant('2026-05-01T09:00:00').value).toBe('2026-05-01T09:00:00.000Z');
    expect(parseInstant('2024-03-01', '+09:00').value).toBe('2024-02-29T15:00:00.000Z');
    expect(parseInstant('2026-04-01T12:34:56.789123Z').value).toBe('2026-04-01T12:34:56.789Z');
  });

  it('reports unreadable datetimes', () => {
    expect(parseInstant('締切未定').problem).toMatch(/unrecognised/);
    expect(parseInstant('2026-02-30T00:00Z').problem).toMatch(/impossible/);
    expect(parseInstant('2026-01-01T25:00Z').problem).toMatch(/impossible/);
    expect(parseInstant(null)).toEqual({ value: null, problem: null });
  });
});

describe('parseBoolean / splitList', () => {
  it('reads the boolean spellings', () => {
    expect([true, 'true', 1, '有', 'あり'].map(parseBoolean)).toEqual([true, true, true, true, true]);
    expect([false, 'false', 0, '無', 'なし'].map(parseBoolean)).toEqual([false, false, false, false, false]);
    expect([null, 'Null', 'maybe', 2].map(parseBoolean)).toEqual([null, null, null, null]);
  });

  it('splits " / "-joined lists, dropping blanks and repeats', () => {
    expect(splitList('a / b /  / a / Null')).toEqual(['a', 'b']);
    expect(splitList(null)).toEqual([]);
    expect(splitList('北海道/青森県', /\s*\/\s*/)).toEqual(['北海道', '青森県']);
  });
});

describe('jsicMajorFor', () => {
  it('maps every official name and its 「、」 / "," spellings to the letter', () => {
    for (const division of JSIC_MAJOR_DIVISIONS) {
      expect(jsicMajorFor(division.name)).toBe(division);
      expect(jsicMajorFor(division.name.replace(/，/g, '、'))).toBe(division);
      expect(jsicMajorFor(division.name.replace(/，/g, ','))).toBe(division);
      expect(jsicMajorFor(division.code)).toBe(division);
    }
    expect(jsicMajorFor('サービス業(他に分類されないもの)')?.code).toBe('R');
    expect(jsicMajorFor(' 卸売業、 小売業 ')?.code).toBe('I');
    expect(jsicMajorFor('ｅ')?.code).toBe('E');
    expect(jsicMajorFor('宇宙産業')).toBeNull();
    expect(jsicMajorFor('U')).toBeNull();
  });
});
