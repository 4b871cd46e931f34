import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../shared/paths.js';
import {
  JSIC_ENTRIES,
  industryCodeForName,
  industryCodesForJgrantsList,
  jsicEntry,
  jsicLineage,
  normaliseIndustryCode,
  normaliseIndustryName,
} from './jsic.js';

/** The 20 major divisions as Jグランツ writes them (「、」), in code order. */
const JGRANTS_DIVISION_NAMES = [
  '農業、林業',
  '漁業',
  '鉱業、採石業、砂利採取業',
  '建設業',
  '製造業',
  '電気・ガス・熱供給・水道業',
  '情報通信業',
  '運輸業、郵便業',
  '卸売業、小売業',
  '金融業、保険業',
  '不動産業、物品賃貸業',
  '学術研究、専門・技術サービス業',
  '宿泊業、飲食サービス業',
  '生活関連サービス業、娯楽業',
  '教育、学習支援業',
  '医療、福祉',
  '複合サービス事業',
  'サービス業（他に分類されないもの）',
  '公務（他に分類されるものを除く）',
  '分類不能の産業',
];

describe('JSIC Rev.14 code list (seeds/jsic.json)', () => {
  it('has the 20 major divisions A..T and the 99 middle groups', () => {
    const majors = JSIC_ENTRIES.filter((entry) => entry.level === 'major').map((entry) => entry.code);
    expect(majors).toEqual('ABCDEFGHIJKLMNOPQRST'.split(''));
    const middles = JSIC_ENTRIES.filter((entry) => entry.level === 'middle');
    expect(middles).toHaveLength(99);
    expect(middles.map((entry) => entry.code.slice(1))).toEqual(Array.from({ length: 99 }, (_, i) => String(i + 1).padStart(2, '0')));
  });

  it('ships every minor group and detail, each under a parent one level up', () => {
    const byCode = new Map(JSIC_ENTRIES.map((entry) => [entry.code, entry]));
    expect(byCode.size).toBe(JSIC_ENTRIES.length);
    const levels = ['major', 'middle', 'minor', 'detail'];
    for (const entry of JSIC_ENTRIES) {
      if (entry.level === 'major') {
        expect(entry.parent).toBeNull();
        continue;
      }
      const parent = byCode.get(entry.parent ?? '');
      expect(parent, entry.code).toBeDefined();
      expect(levels.indexOf(parent!.level)).toBe(levels.indexOf(entry.level) - 1);
      expect(entry.code.startsWith(parent!.code)).toBe(true);
    }
    expect(JSIC_ENTRIES.filter((entry) => entry.level === 'minor').length).toBeGreaterThan(500);
    for (const code of ['E191', 'E193', 'G391', 'G392', 'M751', 'M76', 'N80', 'I50', 'I61', 'K693']) {
      expect(jsicEntry(code), code).not.toBeNull();
    }
  });

  it('writes every name in the official form (「，」, full-width brackets), with English names filled in', () => {
    for (const entry of JSIC_ENTRIES) {
      expect(normaliseIndustryName(entry.name), entry.code).toBe(entry.name);
      expect(entry.name).not.toMatch(/[、,]/);
      expect(entry.nameEn.trim().length, entry.code).toBeGreaterThan(0);
    }
    expect(jsicEntry('A')!.name).toBe('農業，林業');
    expect(jsicEntry('M751')!.name).toBe('旅館，ホテル');
    expect(jsicEntry('G')!.nameEn).toBe('INFORMATION AND COMMUNICATIONS');
  });
});

describe('normaliseIndustryName', () => {
  it.each([
    ['卸売業、小売業', '卸売業，小売業'],
    ['卸売業，小売業', '卸売業，小売業'],
    ['農業,林業', '農業，林業'],
    ['宿泊業､飲食サービス業', '宿泊業，飲食サービス業'],
    [' 医療、 福祉 ', '医療，福祉'],
    ['サービス業(他に分類されないもの)', 'サービス業（他に分類されないもの）'],
    ['サービス業＜他に分類されないもの＞', 'サービス業（他に分類されないもの）'],
    ['電気･ガス･熱供給･水道業', '電気・ガス・熱供給・水道業'],
    ['非鉄金属第１次製錬・精製業', '非鉄金属第１次製錬・精製業'],
  ])('%s → %s', (input, expected) => {
    expect(normaliseIndustryName(input)).toBe(expected);
  });
});

describe('industryCodeForName', () => {
  it('maps each Jグランツ division name to its letter', () => {
    expect(JGRANTS_DIVISION_NAMES.map(industryCodeForName)).toEqual('ABCDEFGHIJKLMNOPQRST'.split(''));
  });

  it('accepts the official and comma spellings', () => {
    expect(industryCodeForName('製造業')).toBe('E');
    expect(industryCodeForName('卸売業，小売業')).toBe('I');
    expect(industryCodeForName('宿泊業,飲食サービス業')).toBe('M');
    expect(industryCodeForName('サービス業(他に分類されないもの)')).toBe('R');
  });

  it('returns null for names that are not major divisions', () => {
    expect(industryCodeForName('食料品製造業')).toBeNull();
    expect(industryCodeForName('卸売業')).toBeNull();
    expect(industryCodeForName('')).toBeNull();
  });

  it('splits a Jグランツ industry list joined with " / "', () => {
    expect(industryCodesForJgrantsList('製造業 / 卸売業、小売業 / 製造業 / 宇宙業')).toEqual({ codes: ['E', 'I'], unmatched: ['宇宙業'] });
    expect(industryCodesForJgrantsList('')).toEqual({ codes: [], unmatched: [] });
  });
});

describe('normaliseIndustryCode and jsicEntry', () => {
  it.each([
    ['E', 'E'],
    ['e24', 'E24'],
    ['Ｅ２４', 'E24'],
    ['E-24', 'E24'],
    [' G391 ', 'G391'],
    ['24', 'E24'],
    ['391', 'G391'],
    ['1911', 'E1911'],
  ])('%s → %s', (input, expected) => {
    expect(normaliseIndustryCode(input)).toBe(expected);
  });

  it.each(['', 'U', 'E2', 'E39', 'G24', 'E12345', '00', 'manufacturing'])('rejects %j', (input) => {
    expect(normaliseIndustryCode(input)).toBeNull();
  });

  it('keeps well-formed codes that Rev.14 does not have, but jsicEntry reports them absent', () => {
    expect(normaliseIndustryCode('E2498')).toBe('E2498');
    expect(jsicEntry('E2498')).toBeNull();
  });

  it('finds entries and their lineage', () => {
    expect(jsicEntry('g391')).toMatchObject({ code: 'G391', level: 'minor', name: 'ソフトウェア業', parent: 'G39' });
    expect(jsicLineage('E1911').map((entry) => entry.code)).toEqual(['E', 'E19', 'E191', 'E1911']);
    expect(jsicLineage('E2498')).toEqual([]);
  });
});

const referenceDir = '/work/shared/data/real/reference';

describe.skipIf(!existsSync(referenceDir))(`seeds/jsic.json against ${referenceDir} (skipped when the folder is absent)`, () => {
  it('matches every major and middle group of the reference CSV, names normalised', () => {
    const lines = readFileSync(join(referenceDir, 'jsic_rev14_major_middle.csv'), 'utf8').trim().split(/\r?\n/).slice(1);
    expect(lines).toHaveLength(119);
    for (const line of lines) {
      const [level, major, middle, nameJa] = line.split(',');
      const entry = jsicEntry(`${major}${middle}`);
      expect(entry, `${major}${middle}`).not.toBeNull();
      expect(entry!.level).toBe(level);
      expect(entry!.name).toBe(normaliseIndustryName(nameJa!));
    }
  });

  it('is what scripts/build-jsic.mjs builds from the reference files', () => {
    const output = execFileSync(process.execPath, ['scripts/build-jsic.mjs', '--check', '--source', referenceDir], {
      cwd: projectRoot(),
      encoding: 'utf8',
    });
    expect(output).toContain('up to date');
  });
});
