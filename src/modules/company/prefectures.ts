import { readFileSync } from 'node:fs';
import { seedPath } from '../../shared/paths.js';

/**
 * The 47 prefectures (JIS X 0401), read from the committed seeds/prefectures.json.
 *
 * The table was built from 総務省's prefecture list (../shared/data/real/reference/
 * prefectures_jisx0401_from_soumu.csv: code, 6-digit 地方公共団体コード, name, kana, romaji).
 * `region` is the Jグランツ `target_area_search` block the prefecture belongs to
 * (北海道地方, 東北地方, 関東・甲信越地方, 東海・北陸地方, 近畿地方, 中国地方, 四国地方, 九州・沖縄地方).
 * Jグランツ does not publish the block membership; the one used here (関東・甲信越 = 1都6県 + 新潟,
 * 山梨, 長野; 東海・北陸 = 富山, 石川, 福井, 岐阜, 静岡, 愛知, 三重) is the usual geographic split and
 * agrees with independent Jグランツ clients.
 */
export interface Prefecture {
  /** JIS X 0401 two-digit code, "01".."47" */
  code: string;
  /** official name with its suffix: 北海道, 東京都, 京都府, 大阪府, 愛知県 */
  name: string;
  /** katakana reading of the full name (トウキョウト) */
  nameKana: string;
  /** romaji as 総務省 spells it (Tokyo, Gumma, Hyogo) */
  nameEn: string;
  /** 全国地方公共団体コード of the prefecture (6 digits, with its check digit) */
  lgCode: string;
  /** the Jグランツ region block, e.g. 関東・甲信越地方 */
  region: string;
}

interface PrefectureIndex {
  all: readonly Prefecture[];
  byCode: Map<string, Prefecture>;
  byNameKey: Map<string, Prefecture>;
}

let index: PrefectureIndex | undefined;

/** Hiragana → katakana, NFKC (half-width kana, full-width letters), no spaces. */
function kanaKey(text: string): string {
  return text
    .normalize('NFKC')
    .replace(/[\u3041-\u3096]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0x60))
    .replace(/\s+/g, '');
}

/** Lower-case romaji without diacritics, suffixes or long-vowel spellings: "Tōkyō-to" → "tokyo", "Gunma" → "gumma". */
function romajiKey(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .trim()
    .replace(/\s+(prefecture|pref\.?|metropolis)$/, '')
    .replace(/[-\s](ken|fu|to|do)$/, '')
    .replace(/[^a-z]/g, '')
    .replace(/n(?=[bmp])/g, 'm')
    .replace(/ou/g, 'o')
    .replace(/oo/g, 'o')
    .replace(/oh(?=[^aeiou]|$)/g, 'o')
    .replace(/uu/g, 'u');
}

/** Name without its 都/道/府/県 suffix (北海道 keeps its name: the 道 is part of it). */
function shortName(name: string): string {
  return name === '北海道' ? name : name.replace(/[都府県]$/, '');
}

/** Kana reading without the suffix reading (ケン, フ, ト). */
function shortKana(nameKana: string, name: string): string {
  if (name.endsWith('県')) return nameKana.replace(/ケン$/, '');
  if (name.endsWith('府')) return nameKana.replace(/フ$/, '');
  if (name.endsWith('都')) return nameKana.replace(/ト$/, '');
  return nameKana;
}

function isPrefecture(value: unknown): value is Prefecture {
  if (typeof value !== 'object' || value === null) return false;
  const p = value as Record<string, unknown>;
  return typeof p.code === 'string' && /^\d{2}$/.test(p.code)
    && typeof p.name === 'string' && typeof p.nameKana === 'string'
    && typeof p.nameEn === 'string' && typeof p.lgCode === 'string' && typeof p.region === 'string';
}

function loadIndex(): PrefectureIndex {
  if (index) return index;
  const path = seedPath('prefectures.json');
  const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
  if (!Array.isArray(parsed) || parsed.length !== 47 || !parsed.every(isPrefecture)) {
    throw new Error(`${path} must hold the 47 prefectures as {code, name, nameKana, nameEn, lgCode, region}`);
  }
  const all = Object.freeze(parsed.map((p) => Object.freeze({ ...p })));
  const byCode = new Map(all.map((p) => [p.code, p]));
  const byNameKey = new Map<string, Prefecture>();
  for (const p of all) {
    for (const key of [
      p.name, shortName(p.name), kanaKey(p.nameKana), kanaKey(shortKana(p.nameKana, p.name)), `en:${romajiKey(p.nameEn)}`,
    ]) {
      byNameKey.set(key, p);
    }
  }
  index = { all, byCode, byNameKey };
  return index;
}

/** All 47 prefectures in code order. */
export function allPrefectures(): readonly Prefecture[] {
  return loadIndex().all;
}

/** The prefecture with a JIS X 0401 code ("13", also 13 or "１３"); null when there is none. */
export function prefectureByCode(code: string | number): Prefecture | null {
  const text = String(code).normalize('NFKC').trim();
  const padded = /^\d$/.test(text) ? `0${text}` : text;
  return loadIndex().byCode.get(padded) ?? null;
}

/**
 * The JIS X 0401 code for a prefecture name: the official name (東京都), the name without its
 * suffix (東京), the kana reading (トウキョウト, とうきょう) or romaji in the usual spellings
 * (Tokyo, Tōkyō-to, TOKYO, Gunma / Gumma, Hyogo / Hyōgo, Osaka Prefecture). Null when unknown.
 */
export function prefectureCodeForName(name: string): string | null {
  const trimmed = name.normalize('NFKC').trim();
  if (!trimmed) return null;
  const { byNameKey } = loadIndex();
  const direct = byNameKey.get(trimmed) ?? byNameKey.get(kanaKey(trimmed));
  if (direct) return direct.code;
  if (/^[\p{Script=Latin}\s.\-']+$/u.test(trimmed)) return byNameKey.get(`en:${romajiKey(trimmed)}`)?.code ?? null;
  return null;
}

/** The prefecture code an address starts with (東京都千代田区… → "13"); null when it starts with none. */
export function prefectureCodeForAddress(address: string): string | null {
  const trimmed = address.normalize('NFKC').trim();
  for (const p of loadIndex().all) {
    if (trimmed.startsWith(p.name)) return p.code;
  }
  return null;
}

/** Sub-blocks of the Jグランツ region blocks and common aliases, as prefecture codes. */
const SUB_REGIONS: Record<string, readonly string[]> = {
  関東: ['08', '09', '10', '11', '12', '13', '14'],
  甲信越: ['15', '19', '20'],
  東海: ['21', '22', '23', '24'],
  北陸: ['16', '17', '18'],
  九州: ['40', '41', '42', '43', '44', '45', '46'],
  沖縄: ['47'],
};
const REGION_ALIASES: Record<string, string> = { 関西: '近畿' };

/**
 * The prefectures of a region: a Jグランツ block (関東・甲信越地方, with or without 地方), one of its
 * halves (関東, 甲信越, 東海, 北陸, 九州, 沖縄) or 関西 (= 近畿). Empty when the region is unknown.
 */
export function prefecturesInRegion(regionName: string): Prefecture[] {
  const { all, byCode } = loadIndex();
  const stripped = regionName.normalize('NFKC').trim().replace(/\s+/g, '').replace(/･/g, '・').replace(/地方$/, '');
  const key = REGION_ALIASES[stripped] ?? stripped;
  const block = all.filter((p) => p.region.replace(/地方$/, '') === key);
  if (block.length > 0) return block;
  const sub = SUB_REGIONS[key];
  return sub ? sub.map((code) => byCode.get(code)!) : [];
}
