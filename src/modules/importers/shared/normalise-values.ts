/**
 * Value normalisers shared by the importers (gBizINFO, Jグランツ).
 *
 * Government APIs send the same kind of value in many spellings: the string "Null" for a missing
 * value, amounts as strings with commas or full-width digits, dates as `YYYY-MM-DD`,
 * `YYYY/MM/DD`, `yyyyMMdd`, ISO datetimes with an offset or Japanese era dates. Every function here
 * is pure and never throws on bad input: it answers `{ value, problem }` (or null) so a caller can
 * keep the record and report the field.
 */

/** A normalised value, or null with the reason why the raw value could not be used. */
export interface Normalised<T> {
  /** the value; null when the source had none or it could not be parsed (see `problem`) */
  value: T | null;
  /** null when the raw value was fine (or empty); otherwise why it was rejected */
  problem: string | null;
}

const NULL_WORDS = new Set(['', 'null', 'none', 'nil', 'undefined']);

/** True for null/undefined and for strings that mean "no value" ("", "Null", "null", "None", whitespace). */
export function isBlank(value: unknown): boolean {
  if (value === null || value === undefined) return true;
  if (typeof value === 'string') return NULL_WORDS.has(value.trim().toLowerCase());
  return false;
}

/** A trimmed string, or null for blank values ("Null", "", whitespace). Numbers are stringified; other types give null. */
export function cleanText(value: unknown): string | null {
  if (isBlank(value)) return null;
  if (typeof value === 'string') return value.trim();
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return null;
}

/** Unicode NFKC (full-width digits, letters and punctuation become ASCII), plus the minus signs NFKC keeps. */
export function toHalfWidth(text: string): string {
  return text.normalize('NFKC').replace(/[\u2212\u2012\u2013\u2014\uFE63]/g, '-');
}

function describe(value: unknown): string {
  try {
    return typeof value === 'string' ? `"${value}"` : JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/**
 * An integer from a number or a string such as "1,000,000", "１，０００，０００", "1000000円",
 * "-23832000", "▲1,000" / "△1,000" (Japanese accounting negatives) or "1000.0".
 * Blank values ("Null", "") give `{ value: null, problem: null }`; negative values are kept.
 */
export function parseInteger(value: unknown): Normalised<number> {
  if (isBlank(value)) return { value: null, problem: null };
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return { value: null, problem: `not a finite number: ${describe(value)}` };
    if (!Number.isInteger(value)) return { value: null, problem: `not an integer: ${describe(value)}` };
    if (!Number.isSafeInteger(value)) return { value: null, problem: `integer too large: ${describe(value)}` };
    return { value, problem: null };
  }
  if (typeof value !== 'string') return { value: null, problem: `not a number: ${describe(value)}` };
  let text = toHalfWidth(value).trim().replace(/[\s,]/g, '').replace(/円$/, '');
  let negative = false;
  if (/^[▲△]/.test(text)) {
    negative = true;
    text = text.slice(1);
  } else if (text.startsWith('-')) {
    negative = true;
    text = text.slice(1);
  } else if (text.startsWith('+')) {
    text = text.slice(1);
  }
  const match = /^(\d+)(?:\.0*)?$/.exec(text);
  if (!match) return { value: null, problem: `not an integer: ${describe(value)}` };
  const magnitude = Number(match[1]);
  if (!Number.isSafeInteger(magnitude)) return { value: null, problem: `integer too large: ${describe(value)}` };
  return { value: negative ? -magnitude : magnitude, problem: null };
}

/** A finite decimal number from a number or a numeric string (full-width and commas allowed). */
export function parseDecimal(value: unknown): Normalised<number> {
  if (isBlank(value)) return { value: null, problem: null };
  if (typeof value === 'number') {
    return Number.isFinite(value) ? { value, problem: null } : { value: null, problem: `not a finite number: ${describe(value)}` };
  }
  if (typeof value !== 'string') return { value: null, problem: `not a number: ${describe(value)}` };
  const text = toHalfWidth(value).trim().replace(/[\s,]/g, '');
  if (!/^[-+]?(\d+(\.\d*)?|\.\d+)$/.test(text)) return { value: null, problem: `not a number: ${describe(value)}` };
  return { value: Number(text), problem: null };
}

const ERA_BASE_YEAR: Record<string, number> = { 令和: 2018, 平成: 1988, 昭和: 1925, 大正: 1911, 明治: 1867 };

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** `YYYY-MM-DD` when y/m/d is a real calendar date, else null. */
export function isoDateOf(year: number, month: number, day: number): string | null {
  if (!Number.isInteger(year) || year < 1000 || year > 9999) return null;
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return null;
  return `${year}-${pad2(month)}-${pad2(day)}`;
}

/**
 * A calendar date `YYYY-MM-DD` from the spellings government APIs use:
 * `YYYY-MM-DD`, `YYYY/MM/DD`, `YYYY.MM.DD`, `yyyyMMdd`, `YYYY-MM-DDTHH:MM:SS+09:00`,
 * `YYYY-MM-DD HH:MM:SS.0`, `YYYY年M月D日` and Japanese era dates (`令和2年10月31日`, `令和元年…`),
 * with full-width digits allowed. A datetime gives the date as written (its own offset's wall clock:
 * gBizINFO stamps `…T00:00:00+09:00`, which is that JST date). Impossible dates (2021-02-30) are problems.
 */
export function parseDate(value: unknown): Normalised<string> {
  if (isBlank(value)) return { value: null, problem: null };
  if (typeof value !== 'string') return { value: null, problem: `not a date: ${describe(value)}` };
  const text = toHalfWidth(value).trim();
  let parts: [number, number, number] | null = null;
  let m = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:Z|[+-]\d{2}:?\d{2})?)?$/i.exec(text);
  if (m) parts = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (!parts && (m = /^(\d{4})(\d{2})(\d{2})$/.exec(text))) parts = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (!parts && (m = /^(\d{4})年\s*(\d{1,2})月\s*(\d{1,2})日$/.exec(text))) parts = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (!parts && (m = /^(令和|平成|昭和|大正|明治)\s*(元|\d{1,2})年\s*(\d{1,2})月\s*(\d{1,2})日$/.exec(text))) {
    const eraYear = m[2] === '元' ? 1 : Number(m[2]);
    parts = [ERA_BASE_YEAR[m[1]!]! + eraYear, Number(m[3]), Number(m[4])];
  }
  if (!parts) return { value: null, problem: `unrecognised date: ${describe(value)}` };
  const iso = isoDateOf(...parts);
  return iso ? { value: iso, problem: null } : { value: null, problem: `impossible date: ${describe(value)}` };
}

/**
 * An instant as a UTC ISO-8601 string (`2026-04-01T00:55:00.000Z`) from ISO-like datetimes:
 * `2026-04-01T00:55Z` (no seconds, as Jグランツ v2 sends), `…T07:00:00.000Z`, `…T00:00:00+09:00`,
 * `YYYY/MM/DD HH:MM`, or a date alone. A value without an offset is read at `defaultOffset`
 * (`Z` unless the caller knows better: gBizINFO dates are JST, `+09:00`).
 */
export function parseInstant(value: unknown, defaultOffset = 'Z'): Normalised<string> {
  if (isBlank(value)) return { value: null, problem: null };
  if (typeof value !== 'string') return { value: null, problem: `not a datetime: ${describe(value)}` };
  const text = toHalfWidth(value).trim();
  const m = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i.exec(text);
  if (!m) return { value: null, problem: `unrecognised datetime: ${describe(value)}` };
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = isoDateOf(year, month, day);
  const hour = m[4] === undefined ? 0 : Number(m[4]);
  const minute = m[5] === undefined ? 0 : Number(m[5]);
  const second = m[6] === undefined ? 0 : Number(m[6]);
  const millis = m[7] === undefined ? 0 : Number(m[7].slice(0, 3).padEnd(3, '0'));
  if (!date || hour > 24 || minute > 59 || second > 59 || (hour === 24 && (minute || second || millis))) {
    return { value: null, problem: `impossible datetime: ${describe(value)}` };
  }
  const offsetText = (m[8] ?? defaultOffset).toUpperCase();
  let offsetMinutes = 0;
  if (offsetText !== 'Z') {
    const o = /^([+-])(\d{2}):?(\d{2})?$/.exec(offsetText);
    if (!o) return { value: null, problem: `bad offset in datetime: ${describe(value)}` };
    offsetMinutes = (o[1] === '-' ? -1 : 1) * (Number(o[2]) * 60 + Number(o[3] ?? 0));
  }
  const utc = Date.UTC(year, month - 1, day, hour, minute, second, millis) - offsetMinutes * 60_000;
  return { value: new Date(utc).toISOString(), problem: null };
}

/** A boolean from true/false, "true"/"false", 1/0, "有"/"無", "あり"/"なし"; null when blank or unknown. */
export function parseBoolean(value: unknown): boolean | null {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value === 1 ? true : value === 0 ? false : null;
  const text = cleanText(value);
  if (text === null) return null;
  const lowered = toHalfWidth(text).toLowerCase();
  if (['true', '1', 'yes', '有', 'あり', '可'].includes(lowered)) return true;
  if (['false', '0', 'no', '無', 'なし', '不可'].includes(lowered)) return false;
  return null;
}

/** Splits a joined list (" / " by default), trims, drops blanks and repeats, keeps order. */
export function splitList(value: unknown, separator: RegExp | string = ' / '): string[] {
  const text = cleanText(value);
  if (text === null) return [];
  const seen = new Set<string>();
  for (const part of text.split(separator)) {
    const item = part.trim();
    if (item && !isBlank(item)) seen.add(item);
  }
  return [...seen];
}

/** True for a plain JSON object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
