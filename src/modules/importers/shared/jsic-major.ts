import { toHalfWidth } from './normalise-values.js';

/**
 * 日本標準産業分類 (JSIC, Rev.14) major divisions A..T with their official names
 * (domain.md §5; official JSIC separates with 「，」, Jグランツ writes 「、」).
 */
export interface JsicMajor {
  /** major division letter, A..T */
  code: string;
  /** official name, with 「，」 as in the JSIC publication */
  name: string;
}

/** The 20 JSIC major divisions in code order. */
export const JSIC_MAJOR_DIVISIONS: readonly JsicMajor[] = Object.freeze([
  { code: 'A', name: '農業，林業' },
  { code: 'B', name: '漁業' },
  { code: 'C', name: '鉱業，採石業，砂利採取業' },
  { code: 'D', name: '建設業' },
  { code: 'E', name: '製造業' },
  { code: 'F', name: '電気・ガス・熱供給・水道業' },
  { code: 'G', name: '情報通信業' },
  { code: 'H', name: '運輸業，郵便業' },
  { code: 'I', name: '卸売業，小売業' },
  { code: 'J', name: '金融業，保険業' },
  { code: 'K', name: '不動産業，物品賃貸業' },
  { code: 'L', name: '学術研究，専門・技術サービス業' },
  { code: 'M', name: '宿泊業，飲食サービス業' },
  { code: 'N', name: '生活関連サービス業，娯楽業' },
  { code: 'O', name: '教育，学習支援業' },
  { code: 'P', name: '医療，福祉' },
  { code: 'Q', name: '複合サービス事業' },
  { code: 'R', name: 'サービス業（他に分類されないもの）' },
  { code: 'S', name: '公務（他に分類されるものを除く）' },
  { code: 'T', name: '分類不能の産業' },
].map((d) => Object.freeze(d)));

/** Comparison key: NFKC, every comma variant (、，,､) unified, whitespace and the middle dot variants unified. */
function nameKey(name: string): string {
  return toHalfWidth(name)
    .replace(/[、,，､]/g, ',')
    .replace(/[･·]/g, '・')
    .replace(/\s+/g, '');
}

const BY_KEY = new Map(JSIC_MAJOR_DIVISIONS.map((d) => [nameKey(d.name), d]));
const BY_CODE = new Map(JSIC_MAJOR_DIVISIONS.map((d) => [d.code, d]));

/**
 * The JSIC major division for a name in any of its spellings (「、」, 「，」, ",", full-width
 * brackets or not) or for its letter ("E"); null when it is not one of the 20 major divisions.
 */
export function jsicMajorFor(nameOrCode: string): JsicMajor | null {
  const trimmed = nameOrCode.trim();
  const letter = toHalfWidth(trimmed).toUpperCase();
  if (/^[A-T]$/.test(letter)) return BY_CODE.get(letter) ?? null;
  return BY_KEY.get(nameKey(trimmed)) ?? null;
}
