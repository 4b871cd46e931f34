import { readFileSync } from 'node:fs';
import { seedPath } from '../../shared/paths.js';

/**
 * 日本標準産業分類 (JSIC) Rev.14, read from the committed seeds/jsic.json (built by scripts/build-jsic.mjs).
 *
 * Codes are the major letter followed by the numeric JSIC code: "E" (major), "E19" (middle), "E191" (minor),
 * "E1911" (detail). Names use the official separator 「，」 (Jグランツ writes 「、」; see normaliseIndustryName).
 */

export type JsicLevel = 'major' | 'middle' | 'minor' | 'detail';

export interface JsicEntry {
  /** "E", "E19", "E191", "E1911" */
  code: string;
  level: JsicLevel;
  /** official Japanese name with 「，」 separators, e.g. 卸売業，小売業 */
  name: string;
  nameEn: string;
  /** code one level up; null for a major division */
  parent: string | null;
}

const LEVEL_BY_DIGITS: Record<number, JsicLevel> = { 0: 'major', 2: 'middle', 3: 'minor', 4: 'detail' };

function loadJsicEntries(): readonly JsicEntry[] {
  const path = seedPath('jsic.json');
  const document = JSON.parse(readFileSync(path, 'utf8')) as { entries?: unknown };
  if (!Array.isArray(document.entries)) throw new Error(`${path}: "entries" must be an array`);
  return Object.freeze(
    document.entries.map((raw: unknown, index) => {
      const entry = raw as Partial<JsicEntry>;
      const code = entry.code;
      if (typeof code !== 'string' || !/^[A-T](\d{2}(\d{1,2})?)?$/.test(code)) {
        throw new Error(`${path}: entry ${index} has a malformed code ${JSON.stringify(code)}`);
      }
      if (entry.level !== LEVEL_BY_DIGITS[code.length - 1]) throw new Error(`${path}: ${code} has level ${entry.level}`);
      if (typeof entry.name !== 'string' || typeof entry.nameEn !== 'string') throw new Error(`${path}: ${code} lacks a name`);
      return Object.freeze({ code, level: entry.level, name: entry.name, nameEn: entry.nameEn, parent: entry.parent ?? null });
    }),
  );
}

/** Every JSIC Rev.14 entry (20 majors, 99 middles, all minors and details), in code order. */
export const JSIC_ENTRIES: readonly JsicEntry[] = loadJsicEntries();

const ENTRY_BY_CODE = new Map(JSIC_ENTRIES.map((entry) => [entry.code, entry]));
/** middle code "24" → major letter "E" (middle codes are unique across majors). */
const MAJOR_BY_MIDDLE_DIGITS = new Map(
  JSIC_ENTRIES.filter((entry) => entry.level === 'middle').map((entry) => [entry.code.slice(1), entry.code[0]!]),
);

/** NFKC for code input only (Ｅ２４ → E24); names keep their full-width characters. */
function halfWidth(text: string): string {
  return text.normalize('NFKC');
}

/**
 * Canonical form of a JSIC code: "e24" → "E24", "Ｅ２４" → "E24", "E-24" → "E24", "24" → "E24", "391" → "G391".
 * A code given without its letter gets the letter of its middle group. Returns null when the input is not
 * shaped like a JSIC code or when the letter contradicts the middle group ("E39": 39 belongs to G). Codes that are
 * well formed but absent from Rev.14 (e.g. a retired detail code) are returned as they are; use jsicEntry to check.
 */
export function normaliseIndustryCode(code: string): string | null {
  const compact = halfWidth(code).trim().toUpperCase().replace(/[\s\-_.]/g, '');
  const match = /^([A-T])?(\d{2,4})?$/.exec(compact);
  if (!match || compact === '') return null;
  const [, letter, digits] = match;
  if (!digits) return letter ?? null;
  const majorOfMiddle = MAJOR_BY_MIDDLE_DIGITS.get(digits.slice(0, 2));
  if (!majorOfMiddle) return null;
  if (letter && letter !== majorOfMiddle) return null;
  return `${majorOfMiddle}${digits}`;
}

/** The JSIC entry for a code in any spelling normaliseIndustryCode accepts, or null when Rev.14 has no such code. */
export function jsicEntry(code: string): JsicEntry | null {
  const normalised = normaliseIndustryCode(code);
  return normalised ? ENTRY_BY_CODE.get(normalised) ?? null : null;
}

/** The entry and all its ancestors, major first ("E1911" → E, E19, E191, E1911). Empty for an unknown code. */
export function jsicLineage(code: string): JsicEntry[] {
  const lineage: JsicEntry[] = [];
  for (let entry = jsicEntry(code); entry; entry = entry.parent ? ENTRY_BY_CODE.get(entry.parent) ?? null : null) {
    lineage.unshift(entry);
  }
  return lineage;
}

/**
 * Official spelling of an industry name. Jグランツ separates items with 「、」, other sources with 「，」, "," or
 * 「､」; JSIC itself uses 「，」. Also: whitespace removed, half-width brackets and the 中小企業庁 style
 * 「＜…＞」 turned into full-width round brackets, half-width 「･」 into 「・」. Letters and digits are left alone
 * (official names mix full-width 「第１次」 and half-width 「100人」).
 *
 * @example normaliseIndustryName('卸売業、小売業') === '卸売業，小売業'
 * @example normaliseIndustryName('サービス業(他に分類されないもの)') === 'サービス業（他に分類されないもの）'
 */
export function normaliseIndustryName(name: string): string {
  return name
    .replace(/[\s\u3000]+/g, '')
    .replace(/[、,､，]/g, '，')
    .replace(/[(（]/g, '（')
    .replace(/[)）]/g, '）')
    .replace(/[<＜〈]/g, '（')
    .replace(/[>＞〉]/g, '）')
    .replace(/･/g, '・');
}

const MAJOR_CODE_BY_NAME = new Map(
  JSIC_ENTRIES.filter((entry) => entry.level === 'major').map((entry) => [entry.name, entry.code]),
);

/**
 * The JSIC major-division letter for a division name as Jグランツ (「、」), JSIC (「，」) or other sources write it:
 * "製造業" → "E", "卸売業、小売業" → "I", "宿泊業、飲食サービス業" → "M". Null when the name is not one of the
 * 20 major divisions (middle or minor group names are not matched: several repeat a major's name).
 */
export function industryCodeForName(name: string): string | null {
  return MAJOR_CODE_BY_NAME.get(normaliseIndustryName(name)) ?? null;
}

/**
 * Splits a Jグランツ `industry` value (several division names joined with " / ") into major-division letters,
 * in the order given and without duplicates; names that match no division are returned in `unmatched`.
 */
export function industryCodesForJgrantsList(value: string): { codes: string[]; unmatched: string[] } {
  const codes: string[] = [];
  const unmatched: string[] = [];
  for (const part of value.split('/')) {
    const name = part.trim();
    if (!name) continue;
    const code = industryCodeForName(name);
    if (code === null) unmatched.push(name);
    else if (!codes.includes(code)) codes.push(code);
  }
  return { codes, unmatched };
}
