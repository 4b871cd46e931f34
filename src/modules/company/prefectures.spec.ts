import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../shared/paths.js';
import {
  allPrefectures, prefectureByCode, prefectureCodeForAddress, prefectureCodeForName, prefecturesInRegion,
} from './prefectures.js';

const soumuCsv = join(projectRoot(), '..', 'shared', 'data', 'real', 'reference', 'prefectures_jisx0401_from_soumu.csv');

describe('prefectures (seeds/prefectures.json)', () => {
  it('holds the 47 prefectures in code order, each in one Jグランツ region block', () => {
    const all = allPrefectures();
    expect(all).toHaveLength(47);
    expect(all.map((p) => p.code)).toEqual(Array.from({ length: 47 }, (_, i) => String(i + 1).padStart(2, '0')));
    const blocks = new Set(all.map((p) => p.region));
    expect([...blocks]).toEqual([
      '北海道地方', '東北地方', '関東・甲信越地方', '東海・北陸地方', '近畿地方', '中国地方', '四国地方', '九州・沖縄地方',
    ]);
  });

  it('finds a prefecture by code', () => {
    expect(prefectureByCode('13')).toMatchObject({ name: '東京都', nameKana: 'トウキョウト', nameEn: 'Tokyo', region: '関東・甲信越地方' });
    expect(prefectureByCode(1)?.name).toBe('北海道');
    expect(prefectureByCode('４７')?.name).toBe('沖縄県');
    expect(prefectureByCode('48')).toBeNull();
    expect(prefectureByCode('')).toBeNull();
  });

  it('finds the code for official names, names without suffix, kana and romaji spellings', () => {
    const cases: [string, string][] = [
      ['東京都', '13'], ['東京', '13'], ['Tokyo', '13'], ['TOKYO', '13'], ['Tōkyō-to', '13'], ['Tokyo Metropolis', '13'],
      ['とうきょうと', '13'], ['トウキョウ', '13'], ['北海道', '01'], ['Hokkaido', '01'], ['Hokkaidō', '01'],
      ['京都府', '26'], ['京都', '26'], ['Kyoto-fu', '26'], ['大阪', '27'], ['Osaka Prefecture', '27'],
      ['Gunma', '10'], ['Gumma', '10'], ['Hyogo', '28'], ['Hyōgo', '28'], ['Kouchi', '39'], ['Ōita', '44'],
      ['愛知県', '23'], ['ｱｲﾁｹﾝ', '23'], ['  愛知 ', '23'],
    ];
    for (const [name, code] of cases) expect({ name, code: prefectureCodeForName(name) }).toEqual({ name, code });
    for (const unknown of ['', '東', 'Atlantis', '月面', '関東']) expect(prefectureCodeForName(unknown)).toBeNull();
  });

  it('resolves every prefecture from its own name, short name, kana and romaji', () => {
    for (const p of allPrefectures()) {
      expect(prefectureCodeForName(p.name)).toBe(p.code);
      expect(prefectureCodeForName(p.nameKana)).toBe(p.code);
      expect(prefectureCodeForName(p.nameEn)).toBe(p.code);
      expect(prefectureCodeForName(p.name.replace(/[都府県]$/, ''))).toBe(p.code);
    }
  });

  it('finds the prefecture an address starts with', () => {
    expect(prefectureCodeForAddress('東京都千代田区霞が関１丁目３－１')).toBe('13');
    expect(prefectureCodeForAddress('京都府京都市上京区')).toBe('26');
    expect(prefectureCodeForAddress('京都市上京区')).toBeNull();
    expect(prefectureCodeForAddress('')).toBeNull();
  });

  it('lists the prefectures of Jグランツ region blocks, their halves and aliases', () => {
    const codes = (region: string): string[] => prefecturesInRegion(region).map((p) => p.code);
    expect(codes('関東・甲信越地方')).toEqual(['08', '09', '10', '11', '12', '13', '14', '15', '19', '20']);
    expect(codes('関東・甲信越')).toEqual(codes('関東・甲信越地方'));
    expect(codes('東海・北陸地方')).toEqual(['16', '17', '18', '21', '22', '23', '24']);
    expect(codes('北海道地方')).toEqual(['01']);
    expect(codes('九州・沖縄地方')).toHaveLength(8);
    expect(codes('関東')).toEqual(['08', '09', '10', '11', '12', '13', '14']);
    expect(codes('甲信越')).toEqual(['15', '19', '20']);
    expect(codes('北陸地方')).toEqual(['16', '17', '18']);
    expect(codes('関西')).toEqual(codes('近畿地方'));
    expect(codes('どこか')).toEqual([]);
    const union = ['北海道地方', '東北地方', '関東・甲信越地方', '東海・北陸地方', '近畿地方', '中国地方', '四国地方', '九州・沖縄地方']
      .flatMap(codes);
    expect(new Set(union).size).toBe(47);
    expect(union).toHaveLength(47);
  });
});

describe.skipIf(!existsSync(soumuCsv))('seeds/prefectures.json against the 総務省 list (../shared/data/real/reference)', () => {
  it('has the same codes, local government codes, names, kana and romaji', () => {
    const [header, ...rows] = readFileSync(soumuCsv, 'utf8').trim().split(/\r?\n/);
    expect(header).toBe('pref_code,lg_code,pref_name,pref_kana_halfwidth,pref_kana,pref_roma');
    const fromCsv = rows.map((row) => {
      const [code, lgCode, name, , nameKana, nameEn] = row.split(',');
      return { code, lgCode, name, nameKana, nameEn };
    });
    expect(allPrefectures().map(({ code, lgCode, name, nameKana, nameEn }) => ({ code, lgCode, name, nameKana, nameEn })))
      .toEqual(fromCsv);
  });
});
