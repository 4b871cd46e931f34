/**
 * The registry of canonical data items (contract: Fact.key, FactInput.key, FormField.key, missingData).
 *
 * Each item has a key, a Japanese label, a type with a validator, a category following the three uses of
 * 中小企業庁「中小企業・小規模事業者のデータ利活用について」(2018, seed 003 §6):
 * - ONCE_ONLY ①: data asked again and again by procedures (郵便番号, 住所, 代表者氏名, 資本金 …);
 * - RECOMMENDATION ②: data needed to offer the measures that fit a business (業種, 事業規模, 総従業員数 …);
 * - EBPM ③: data to understand SMEs and evaluate policy (財務情報, 知的財産, 海外展開, 研究開発 …);
 * and a freshness rule saying when a stated value is too old to prefill without a warning.
 *
 * Freshness rules (see {@link staleAfter}):
 * - REGISTRY: 法人番号公表サイト items. The NTA's own value is the current registry state and never stale; a value
 *   from another source is stale once the NTA published a registry change (更新年月日) after it was stated.
 * - FISCAL_YEAR: financial items. A value describes one fiscal year N (the calendar year in which the fiscal period
 *   ends, as gBizINFO and the financials table count it: a period ending 2025-03-31 is fiscal year 2025). It is stale
 *   once fiscal year N+1 has closed and the filing grace period has passed: the period end of N+1 plus 3 months
 *   (the corporate tax return is due 2 months after the period end, and most SMEs take the 1-month extension, so
 *   statements of N+1 exist by then). The period end month is the company's `fiscalYearEnd` item, March by default.
 *   A value without a fiscal year (an answer 「直近期の売上高」) describes the last period closed when it was stated.
 * - MAX_AGE: stale after a number of months (employees 12, contact items 24, situational answers 3–12).
 * - PERMANENT: never stale (法人番号, 設立年月日, 決算月).
 *
 * Dates and month arithmetic follow the Asia/Tokyo calendar (UTC+9, no daylight saving).
 */
import { corporateNumberProblem, describeCorporateNumberProblem } from '../company/corporate-number.js';
import { jsicEntry, normaliseIndustryCode } from '../company/jsic.js';
import { CorporateKind } from '../../shared/enums.js';
import { isIsoDate } from '../../shared/scalars.js';

/** Value types of data items (FormField.type plus json for structured values). */
export type DataItemType = 'string' | 'integer' | 'yen' | 'date' | 'boolean' | 'text' | 'enum' | 'json';

/** The three uses of seed 003 §6. */
export type DataItemCategory = 'ONCE_ONLY' | 'RECOMMENDATION' | 'EBPM';

/** When a stated value stops being current (see the module comment). */
export type Freshness =
  | { readonly kind: 'PERMANENT' }
  | { readonly kind: 'REGISTRY' }
  | { readonly kind: 'MAX_AGE'; readonly months: number }
  | { readonly kind: 'FISCAL_YEAR'; readonly graceMonths: number };

/** Result of validating a value against an item: the normalised value, or the problem in words. */
export type Validation = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly problem: string };

/** companies columns that cache the current value of an item (source of truth: facts). */
export type CachedCompanyColumn = 'industryCode' | 'capitalYen' | 'employees' | 'establishedOn' | 'representativeName';

/** Amount columns of the financials table. */
export const FINANCIAL_AMOUNT_COLUMNS = [
  'netSalesYen', 'operatingProfitYen', 'ordinaryProfitYen', 'depreciationYen', 'laborCostYen', 'totalAssetsYen',
  'netAssetsYen', 'borrowingsYen', 'cashYen', 'receivablesYen', 'inventoryYen', 'payablesYen',
] as const;
export type FinancialAmountColumn = (typeof FINANCIAL_AMOUNT_COLUMNS)[number];

/** One canonical data item. */
export interface DataItem {
  readonly key: string;
  /** Japanese label, as a form would print it */
  readonly label: string;
  readonly type: DataItemType;
  readonly category: DataItemCategory;
  readonly freshness: Freshness;
  /** choices of an enum item */
  readonly enumValues?: readonly string[];
  /** an enum item that takes several choices (a JSON array) */
  readonly multiple?: boolean;
  /** an item of the NTA 法人番号 registry: the NTA is its authoritative source */
  readonly registry: boolean;
  /** the owner (updateCompanyFacts) and submitted applications may state it; false for items only the NTA states */
  readonly ownerWritable: boolean;
  /** the companies column caching the item's current value */
  readonly companyColumn?: CachedCompanyColumn;
  /** an input of the SME classification (size or みなし大企業): changing it recomputes smeCategory/deemedLarge */
  readonly smeInput: boolean;
  /** the financials column holding the item per fiscal year */
  readonly financialsColumn?: FinancialAmountColumn;
  /** one line on what the value means, when the label is not enough */
  readonly note?: string;
  /** checks a value and returns it normalised (trimmed text, 7-digit postal code, canonical JSIC code …) */
  validate(value: unknown): Validation;
}

/** Jグランツ use_purpose values (domain.md §4): the choices of the `needs` item. */
export const JGRANTS_USE_PURPOSES = [
  '新たな事業を行いたい',
  '販路拡大・海外展開をしたい',
  'イベント・事業運営支援がほしい',
  '事業を引き継ぎたい',
  '研究開発・実証事業を行いたい',
  '人材育成を行いたい',
  '資金繰りを改善したい',
  '設備整備・IT導入をしたい',
  '雇用・職場環境を改善したい',
  'エコ・SDGs活動支援がほしい',
  '災害（自然災害、感染症等）支援がほしい',
  '教育・子育て・少子化支援がほしい',
  'スポーツ・文化支援がほしい',
  '安全・防災対策支援がほしい',
  'まちづくり・地域振興支援がほしい',
] as const;

/** Period end month assumed when a company's 決算月 is unknown (March: most Japanese companies). */
export const DEFAULT_FISCAL_YEAR_END_MONTH = 3;

/** Months after the end of fiscal year N+1 until a value of fiscal year N is stale (filing grace). */
export const FINANCIAL_FILING_GRACE_MONTHS = 3;

// ---------------------------------------------------------------------------------------------------------------
// Validators

const ok = (value: unknown): Validation => ({ ok: true, value });
const fail = (problem: string): Validation => ({ ok: false, problem });

function show(value: unknown): string {
  try {
    const text = JSON.stringify(value);
    if (text === undefined) return String(value);
    return text.length > 60 ? `${text.slice(0, 57)}...` : text;
  } catch {
    return String(value);
  }
}

interface TextOptions {
  maxLength?: number;
  /** extra check and normalisation of the trimmed text */
  refine?: (text: string) => Validation;
}

function textValidator(kind: 'string' | 'text', options: TextOptions = {}): (value: unknown) => Validation {
  const maxLength = options.maxLength ?? (kind === 'text' ? 4000 : 200);
  return (value) => {
    if (typeof value !== 'string') return fail(`must be a string, got ${show(value)}`);
    const text = value.normalize('NFC').trim();
    if (text === '') return fail('must not be blank');
    if (text.length > maxLength) return fail(`must be at most ${maxLength} characters, got ${text.length}`);
    return options.refine ? options.refine(text) : ok(text);
  };
}

interface NumberOptions {
  min?: number;
  max?: number;
}

function integerValidator(unit: 'integer' | 'yen', options: NumberOptions = {}): (value: unknown) => Validation {
  return (value) => {
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      return fail(unit === 'yen' ? `must be an integer number of yen, got ${show(value)}` : `must be a whole number, got ${show(value)}`);
    }
    if (!Number.isInteger(value)) return fail(`must be a whole number${unit === 'yen' ? ' of yen' : ''}, got ${value}`);
    if (!Number.isSafeInteger(value)) return fail(`is out of range (beyond ±${Number.MAX_SAFE_INTEGER}): ${value}`);
    if (options.min !== undefined && value < options.min) return fail(`must be at least ${options.min}, got ${value}`);
    if (options.max !== undefined && value > options.max) return fail(`must be at most ${options.max}, got ${value}`);
    return ok(value);
  };
}

function decimalValidator(options: NumberOptions = {}): (value: unknown) => Validation {
  return (value) => {
    if (typeof value !== 'number' || !Number.isFinite(value)) return fail(`must be a number, got ${show(value)}`);
    if (options.min !== undefined && value < options.min) return fail(`must be at least ${options.min}, got ${value}`);
    if (options.max !== undefined && value > options.max) return fail(`must be at most ${options.max}, got ${value}`);
    return ok(value);
  };
}

const dateValidator = (value: unknown): Validation => {
  if (typeof value !== 'string' || !isIsoDate(value)) return fail(`must be a real date written YYYY-MM-DD, got ${show(value)}`);
  return ok(value);
};

const booleanValidator = (value: unknown): Validation =>
  typeof value === 'boolean' ? ok(value) : fail(`must be true or false, got ${show(value)}`);

function enumValidator(values: readonly string[], multiple: boolean): (value: unknown) => Validation {
  const allowed = new Set(values);
  const list = values.length <= 12 ? values.join(', ') : `${values.slice(0, 6).join(', ')}, … (${values.length} values)`;
  return (value) => {
    if (!multiple) {
      return typeof value === 'string' && allowed.has(value) ? ok(value) : fail(`must be one of ${list}; got ${show(value)}`);
    }
    if (!Array.isArray(value)) return fail(`must be a list of values from ${list}; got ${show(value)}`);
    const seen: string[] = [];
    for (const [i, element] of value.entries()) {
      if (typeof element !== 'string' || !allowed.has(element)) return fail(`element ${i} must be one of ${list}; got ${show(element)}`);
      if (!seen.includes(element)) seen.push(element);
    }
    return ok(seen);
  };
}

/** Accepts a JSON value or its JSON text (form fields of type text carry JSON as text). */
function parsedJson(value: unknown): { value: unknown } | { problem: string } {
  if (typeof value !== 'string') return { value };
  try {
    return { value: JSON.parse(value) as unknown };
  } catch {
    return { problem: `must be JSON, got text that does not parse: ${show(value)}` };
  }
}

const corporateNumberValidator = textValidator('string', {
  maxLength: 20,
  refine: (text) => {
    const digits = text.normalize('NFKC').replace(/[\s-]/g, '');
    const problem = corporateNumberProblem(digits);
    return problem ? fail(describeCorporateNumberProblem(digits, problem)) : ok(digits);
  },
});

const RATIO_EPSILON = 1e-9;

/** majorShareholders: [{ name, corporateNumber?, ratio 0..1, isLargeEnterprise }] (isLargeEnterprise null = not known, as gBizINFO publishes). */
function validateMajorShareholders(raw: unknown): Validation {
  const parsed = parsedJson(raw);
  if ('problem' in parsed) return fail(parsed.problem);
  const value = parsed.value;
  if (!Array.isArray(value)) return fail(`must be a JSON array of {name, corporateNumber?, ratio, isLargeEnterprise}, got ${show(value)}`);
  if (value.length > 100) return fail(`must list at most 100 shareholders, got ${value.length}`);
  const out: Array<Record<string, unknown>> = [];
  let total = 0;
  for (const [i, holder] of value.entries()) {
    const at = `shareholder ${i}`;
    if (typeof holder !== 'object' || holder === null || Array.isArray(holder)) return fail(`${at} must be an object, got ${show(holder)}`);
    const h = holder as Record<string, unknown>;
    const unknownKeys = Object.keys(h).filter((k) => !['name', 'corporateNumber', 'ratio', 'isLargeEnterprise', 'isDeemedLargeEnterprise'].includes(k));
    if (unknownKeys.length) return fail(`${at} has unknown fields: ${unknownKeys.join(', ')}`);
    if (typeof h.name !== 'string' || h.name.trim() === '') return fail(`${at}: name must be a non-blank string`);
    if (h.name.trim().length > 200) return fail(`${at}: name must be at most 200 characters`);
    const entry: Record<string, unknown> = { name: h.name.normalize('NFC').trim() };
    if (h.corporateNumber !== undefined && h.corporateNumber !== null && h.corporateNumber !== '') {
      if (typeof h.corporateNumber !== 'string') return fail(`${at}: corporateNumber must be a string of 13 digits`);
      const problem = corporateNumberProblem(h.corporateNumber.trim());
      if (problem) return fail(`${at}: corporateNumber ${describeCorporateNumberProblem(h.corporateNumber.trim(), problem)}`);
      entry.corporateNumber = h.corporateNumber.trim();
    }
    if (typeof h.ratio !== 'number' || !Number.isFinite(h.ratio) || h.ratio < 0 || h.ratio > 1) {
      return fail(`${at}: ratio must be a number from 0 to 1 (share of the issued shares), got ${show(h.ratio)}`);
    }
    entry.ratio = h.ratio;
    total += h.ratio;
    if (h.isLargeEnterprise !== null && h.isLargeEnterprise !== undefined && typeof h.isLargeEnterprise !== 'boolean') {
      return fail(`${at}: isLargeEnterprise must be true, false or null (not known), got ${show(h.isLargeEnterprise)}`);
    }
    entry.isLargeEnterprise = h.isLargeEnterprise ?? null;
    if (h.isDeemedLargeEnterprise !== undefined && h.isDeemedLargeEnterprise !== null) {
      if (typeof h.isDeemedLargeEnterprise !== 'boolean') return fail(`${at}: isDeemedLargeEnterprise must be true or false`);
      entry.isDeemedLargeEnterprise = h.isDeemedLargeEnterprise;
    }
    out.push(entry);
  }
  if (total > 1 + RATIO_EPSILON) return fail(`ratios add up to ${Math.round(total * 10000) / 100}%, more than 100%`);
  return ok(out);
}

/** financials.<fy>: one version of a fiscal year's statements (recordFinancials, gBizINFO management_index). */
function validateFinancialsVersion(raw: unknown): Validation {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return fail(`must be an object of amounts, got ${show(raw)}`);
  for (const [k, v] of Object.entries(raw)) {
    if (v === null) continue;
    if (typeof v === 'number' && Number.isSafeInteger(v)) continue;
    if (typeof v === 'string' && k.endsWith('Item') && v.length <= 100) continue;
    if (k === 'periodEndOn' && typeof v === 'string' && isIsoDate(v)) continue;
    if (k === 'accountingStandards' && typeof v === 'string' && v.length <= 100) continue;
    return fail(`${k} must be an integer or null, got ${show(v)}`);
  }
  return ok(raw);
}

const PREFECTURE_CODE = /^(0[1-9]|[1-3][0-9]|4[0-7])$/;

// ---------------------------------------------------------------------------------------------------------------
// The registry

interface ItemSpec {
  label: string;
  type: DataItemType;
  category: DataItemCategory;
  freshness: Freshness;
  enumValues?: readonly string[];
  multiple?: boolean;
  registry?: boolean;
  ownerWritable?: boolean;
  companyColumn?: CachedCompanyColumn;
  smeInput?: boolean;
  financialsColumn?: FinancialAmountColumn;
  note?: string;
  /** replaces the type's default validator */
  validate?: (value: unknown) => Validation;
  text?: TextOptions;
  number?: NumberOptions;
}

const PERMANENT: Freshness = Object.freeze({ kind: 'PERMANENT' });
const REGISTRY: Freshness = Object.freeze({ kind: 'REGISTRY' });
const FISCAL: Freshness = Object.freeze({ kind: 'FISCAL_YEAR', graceMonths: FINANCIAL_FILING_GRACE_MONTHS });
const months = (n: number): Freshness => Object.freeze({ kind: 'MAX_AGE', months: n });
/** contact details: 2 years */
const CONTACT = months(24);

const ITEM_SPECS: Record<string, ItemSpec> = {
  // ① once-only: registry (法人番号公表サイト)
  corporateNumber: { label: '法人番号', type: 'string', category: 'ONCE_ONLY', freshness: PERMANENT, registry: true, ownerWritable: false, validate: corporateNumberValidator },
  name: { label: '商号又は名称', type: 'string', category: 'ONCE_ONLY', freshness: REGISTRY, registry: true },
  nameKana: { label: '商号又は名称（フリガナ）', type: 'string', category: 'ONCE_ONLY', freshness: REGISTRY, registry: true },
  nameEn: { label: '商号又は名称（英語表記）', type: 'string', category: 'ONCE_ONLY', freshness: REGISTRY, registry: true },
  kind: { label: '法人種別', type: 'enum', category: 'ONCE_ONLY', freshness: REGISTRY, registry: true, ownerWritable: false, enumValues: Object.values(CorporateKind) },
  postalCode: {
    label: '郵便番号', type: 'string', category: 'ONCE_ONLY', freshness: REGISTRY, registry: true, note: '7 digits, no hyphen (123-4567 is accepted and stored as 1234567)',
    text: { maxLength: 10, refine: (t) => { const d = t.normalize('NFKC').replace(/^〒/, '').replace(/^(\d{3})-(\d{4})$/, '$1$2'); return /^\d{7}$/.test(d) ? ok(d) : fail(`must be 7 digits (e.g. 1000013), got "${t}"`); } },
  },
  address: { label: '所在地', type: 'string', category: 'ONCE_ONLY', freshness: REGISTRY, registry: true, text: { maxLength: 300 } },
  prefectureCode: {
    label: '都道府県コード（JIS X 0401）', type: 'string', category: 'ONCE_ONLY', freshness: REGISTRY, registry: true,
    text: { maxLength: 2, refine: (t) => (PREFECTURE_CODE.test(t) ? ok(t) : fail(`must be a JIS X 0401 code 01..47, got "${t}"`)) },
  },
  closeDate: { label: '登記記録の閉鎖等年月日', type: 'date', category: 'ONCE_ONLY', freshness: REGISTRY, registry: true, ownerWritable: false },
  successorCorporateNumber: { label: '承継先法人番号', type: 'string', category: 'ONCE_ONLY', freshness: REGISTRY, registry: true, ownerWritable: false, validate: corporateNumberValidator },

  // ① once-only: what procedures ask again and again
  representativeName: { label: '代表者氏名', type: 'string', category: 'ONCE_ONLY', freshness: CONTACT, companyColumn: 'representativeName' },
  phone: {
    label: '電話番号', type: 'string', category: 'ONCE_ONLY', freshness: CONTACT,
    text: {
      maxLength: 20,
      refine: (t) => {
        const n = t.normalize('NFKC').replace(/[‐－―ー−]/g, '-');
        const digits = n.replace(/^\+81/, '0').replace(/[\s\-()]/g, '');
        return /^0\d{9,10}$/.test(digits) && /^[+\d\s\-()]+$/.test(n) ? ok(n) : fail(`must be a Japanese phone number of 10 or 11 digits (e.g. 03-1234-5678), got "${t}"`);
      },
    },
  },
  email: {
    label: 'メールアドレス', type: 'string', category: 'ONCE_ONLY', freshness: CONTACT,
    text: { maxLength: 254, refine: (t) => (/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(t) ? ok(t) : fail(`must be an e-mail address, got "${t}"`)) },
  },
  url: {
    label: 'ホームページURL', type: 'string', category: 'ONCE_ONLY', freshness: CONTACT,
    text: {
      maxLength: 500,
      refine: (t) => {
        try {
          const u = new URL(t);
          return u.protocol === 'http:' || u.protocol === 'https:' ? ok(t) : fail(`must be an http(s) URL, got "${t}"`);
        } catch {
          return fail(`must be an http(s) URL, got "${t}"`);
        }
      },
    },
  },
  capitalYen: { label: '資本金又は出資の総額', type: 'yen', category: 'ONCE_ONLY', freshness: months(24), companyColumn: 'capitalYen', smeInput: true, number: { min: 0 }, note: '個人事業主は0円' },
  establishedOn: { label: '設立（開業）年月日', type: 'date', category: 'ONCE_ONLY', freshness: PERMANENT, companyColumn: 'establishedOn' },
  fiscalYearEnd: { label: '決算月', type: 'integer', category: 'ONCE_ONLY', freshness: PERMANENT, number: { min: 1, max: 12 } },
  invoiceRegistrationNumber: {
    label: '適格請求書発行事業者登録番号', type: 'string', category: 'ONCE_ONLY', freshness: PERMANENT,
    text: { maxLength: 20, refine: (t) => { const n = t.normalize('NFKC').toUpperCase().replace(/[\s-]/g, ''); return /^T\d{13}$/.test(n) ? ok(n) : fail(`must be T followed by 13 digits, got "${t}"`); } },
  },
  gbizIdPrime: { label: 'GビズIDプライムアカウントを取得済み', type: 'boolean', category: 'ONCE_ONLY', freshness: months(24) },
  lenderName: { label: '主な取引金融機関', type: 'string', category: 'ONCE_ONLY', freshness: CONTACT },
  businessSummary: { label: '事業内容', type: 'text', category: 'ONCE_ONLY', freshness: months(24) },
  insurerName: { label: '加入している保険者（協会けんぽ支部・健康保険組合等）', type: 'string', category: 'ONCE_ONLY', freshness: CONTACT },
  securityActionLevel: { label: 'SECURITY ACTIONの宣言段階', type: 'enum', category: 'ONCE_ONLY', freshness: months(24), enumValues: ['一つ星', '二つ星'] },
  keieiryokuCertifiedOn: { label: '経営力向上計画の認定日', type: 'date', category: 'ONCE_ONLY', freshness: PERMANENT },
  healthDeclarationDate: { label: '健康宣言の実施日', type: 'date', category: 'ONCE_ONLY', freshness: PERMANENT },
  declarationPublishedOn: { label: '100億宣言の公表日', type: 'date', category: 'ONCE_ONLY', freshness: PERMANENT },
  specifiedStartupSupportCertificateDate: { label: '特定創業支援等事業の証明書の発行日', type: 'date', category: 'ONCE_ONLY', freshness: PERMANENT },

  // ② recommendation: size, industry, needs, and what eligibility rules read
  industryCode: {
    label: '主たる業種（日本標準産業分類）', type: 'string', category: 'RECOMMENDATION', freshness: months(24), companyColumn: 'industryCode', smeInput: true,
    note: 'JSIC Rev.14 code: a division letter (E), a middle code (E24), a minor (G391) or a detail code (E1911)',
    text: {
      maxLength: 10,
      refine: (t) => {
        const code = normaliseIndustryCode(t);
        if (!code) return fail(`must be a JSIC code such as "E", "E24" or "G391", got "${t}"`);
        return jsicEntry(code) ? ok(code) : fail(`JSIC Rev.14 has no code ${code}`);
      },
    },
  },
  employees: { label: '常時使用する従業員数', type: 'integer', category: 'RECOMMENDATION', freshness: months(12), companyColumn: 'employees', smeInput: true, number: { min: 0, max: 10_000_000 } },
  needs: { label: '支援ニーズ（Jグランツの利用目的）', type: 'enum', category: 'RECOMMENDATION', freshness: months(12), enumValues: JGRANTS_USE_PURPOSES, multiple: true },
  majorShareholders: {
    label: '主な株主・出資者（名称・出資比率・大企業該当の有無）', type: 'json', category: 'RECOMMENDATION', freshness: months(12), smeInput: true, validate: validateMajorShareholders,
    note: 'JSON array of {name, corporateNumber?, ratio 0..1, isLargeEnterprise (null = not known)}; JSON text is accepted',
  },
  officersTotal: { label: '役員数', type: 'integer', category: 'RECOMMENDATION', freshness: months(12), smeInput: true, number: { min: 0, max: 10_000 } },
  officersFromLargeEnterprises: { label: '大企業の役員又は職員を兼ねている役員数', type: 'integer', category: 'RECOMMENDATION', freshness: months(12), smeInput: true, number: { min: 0, max: 10_000 } },
  averageTaxableIncomeYen: { label: '直近過去3年分の課税所得の年平均額', type: 'yen', category: 'RECOMMENDATION', freshness: FISCAL, smeInput: true },
  blueReturn: { label: '青色申告をしている', type: 'boolean', category: 'RECOMMENDATION', freshness: months(12) },
  listed: { label: '株式を上場している', type: 'boolean', category: 'RECOMMENDATION', freshness: months(12) },
  ownedByLargeCapitalParent: { label: '資本金5億円以上の法人に100%の株式を保有されている', type: 'boolean', category: 'RECOMMENDATION', freshness: months(12) },
  taxesPaidInFull: { label: '税金を完納している', type: 'boolean', category: 'RECOMMENDATION', freshness: months(12) },
  successorPlanned: { label: '事業承継を予定している', type: 'boolean', category: 'RECOMMENDATION', freshness: months(12) },
  successorName: { label: '後継者氏名', type: 'string', category: 'RECOMMENDATION', freshness: months(12) },
  successorRelation: { label: '後継者と現経営者の関係', type: 'enum', category: 'RECOMMENDATION', freshness: months(12), enumValues: ['親族', '従業員・役員', 'その他'] },
  acquirer: { label: 'M&Aの買い手（譲受側）である', type: 'boolean', category: 'RECOMMENDATION', freshness: months(12) },
  seller: { label: 'M&Aの売り手（譲渡側）である', type: 'boolean', category: 'RECOMMENDATION', freshness: months(12) },
  closingBusinessPlanned: { label: '既存事業の廃業を予定している', type: 'boolean', category: 'RECOMMENDATION', freshness: months(12) },
  sn4DesignatedArea: { label: '指定地域内で事業を行っている（セーフティネット保証4号）', type: 'boolean', category: 'RECOMMENDATION', freshness: months(6) },
  sn5DesignatedIndustry: { label: '指定業種に属する事業を行っている（セーフティネット保証5号）', type: 'boolean', category: 'RECOMMENDATION', freshness: months(6) },
  salesDeclinePercent: {
    label: '売上高の減少率（%）', type: 'integer', category: 'RECOMMENDATION', freshness: months(3), number: { min: -1000, max: 100 },
    note: 'as the measure defines the comparison; short-lived (3 months)',
  },
  profitMarginDeclined: { label: '利益率が低下している', type: 'boolean', category: 'RECOMMENDATION', freshness: months(6) },
  minimumWageYen: { label: '事業場内最低賃金（時間額）', type: 'yen', category: 'RECOMMENDATION', freshness: months(12), number: { min: 0, max: 100_000 } },
  minimumWageGapYen: { label: '事業場内最低賃金と地域別最低賃金の差額', type: 'yen', category: 'RECOMMENDATION', freshness: months(12), number: { min: -100_000, max: 100_000 } },
  chamberGuidanceMonths: { label: '商工会・商工会議所の経営指導を受けている期間（か月）', type: 'integer', category: 'RECOMMENDATION', freshness: months(6), number: { min: 0, max: 1200 } },

  // ③ EBPM: 財務情報
  netSalesYen: { label: '売上高', type: 'yen', category: 'EBPM', freshness: FISCAL, financialsColumn: 'netSalesYen', number: { min: 0 } },
  operatingProfitYen: { label: '営業利益', type: 'yen', category: 'EBPM', freshness: FISCAL, financialsColumn: 'operatingProfitYen' },
  ordinaryProfitYen: { label: '経常利益', type: 'yen', category: 'EBPM', freshness: FISCAL, financialsColumn: 'ordinaryProfitYen' },
  depreciationYen: { label: '減価償却費', type: 'yen', category: 'EBPM', freshness: FISCAL, financialsColumn: 'depreciationYen', number: { min: 0 } },
  laborCostYen: { label: '人件費', type: 'yen', category: 'EBPM', freshness: FISCAL, financialsColumn: 'laborCostYen', number: { min: 0 } },
  totalAssetsYen: { label: '総資産', type: 'yen', category: 'EBPM', freshness: FISCAL, financialsColumn: 'totalAssetsYen', number: { min: 0 } },
  netAssetsYen: { label: '純資産', type: 'yen', category: 'EBPM', freshness: FISCAL, financialsColumn: 'netAssetsYen' },
  borrowingsYen: { label: '借入金', type: 'yen', category: 'EBPM', freshness: FISCAL, financialsColumn: 'borrowingsYen', number: { min: 0 } },
  cashYen: { label: '現預金', type: 'yen', category: 'EBPM', freshness: FISCAL, financialsColumn: 'cashYen', number: { min: 0 } },
  receivablesYen: { label: '売上債権', type: 'yen', category: 'EBPM', freshness: FISCAL, financialsColumn: 'receivablesYen', number: { min: 0 } },
  inventoryYen: { label: '棚卸資産', type: 'yen', category: 'EBPM', freshness: FISCAL, financialsColumn: 'inventoryYen', number: { min: 0 } },
  payablesYen: { label: '買入債務', type: 'yen', category: 'EBPM', freshness: FISCAL, financialsColumn: 'payablesYen', number: { min: 0 } },
  totalPayrollYen: { label: '給与支給総額', type: 'yen', category: 'EBPM', freshness: FISCAL, number: { min: 0 } },
  trainingCostYen: { label: '教育訓練費', type: 'yen', category: 'EBPM', freshness: FISCAL, number: { min: 0 } },
  // ③ EBPM: 研究開発, 知的財産, 海外展開
  rdExpensesYen: { label: '研究開発費', type: 'yen', category: 'EBPM', freshness: FISCAL, number: { min: 0 } },
  patentsHeld: { label: '特許・意匠・商標の件数', type: 'integer', category: 'EBPM', freshness: months(12), number: { min: 0, max: 10_000_000 }, note: 'gBizINFO: registrations it publishes for the company' },
  exporting: { label: '海外事業（輸出・海外投資等）を実施又は計画している', type: 'boolean', category: 'EBPM', freshness: months(12) },
  targetCountries: { label: '関心のある国・地域（海外展開）', type: 'string', category: 'EBPM', freshness: months(12) },
  // ③ EBPM: 職場情報 (gBizINFO workplace_info)
  femaleWorkersProportion: { label: '労働者に占める女性労働者の割合', type: 'json', category: 'EBPM', freshness: months(24), validate: decimalValidator({ min: 0, max: 1 }), note: 'a number 0..1' },
  averageAge: { label: '従業員の平均年齢', type: 'json', category: 'EBPM', freshness: months(24), validate: decimalValidator({ min: 0, max: 120 }), note: 'a number of years' },
  averageContinuousServiceYears: { label: '平均継続勤務年数', type: 'json', category: 'EBPM', freshness: months(24), validate: decimalValidator({ min: 0, max: 100 }), note: 'a number of years' },
  monthAveragePredeterminedOvertimeHours: { label: '月平均所定外労働時間', type: 'json', category: 'EBPM', freshness: months(24), validate: decimalValidator({ min: 0, max: 744 }), note: 'hours per month' },
};

function validatorFor(spec: ItemSpec): (value: unknown) => Validation {
  if (spec.validate) return spec.validate;
  switch (spec.type) {
    case 'string':
    case 'text':
      return textValidator(spec.type, spec.text);
    case 'integer':
    case 'yen':
      return integerValidator(spec.type, spec.number);
    case 'date':
      return dateValidator;
    case 'boolean':
      return booleanValidator;
    case 'enum':
      return enumValidator(spec.enumValues ?? [], spec.multiple ?? false);
    case 'json':
      return (value) => ok(value);
  }
}

function buildItem(key: string, spec: ItemSpec): DataItem {
  const item: DataItem = {
    key,
    label: spec.label,
    type: spec.type,
    category: spec.category,
    freshness: spec.freshness,
    registry: spec.registry ?? false,
    ownerWritable: spec.ownerWritable ?? true,
    smeInput: spec.smeInput ?? false,
    validate: validatorFor(spec),
    ...(spec.enumValues ? { enumValues: Object.freeze([...spec.enumValues]) } : {}),
    ...(spec.multiple ? { multiple: true } : {}),
    ...(spec.companyColumn ? { companyColumn: spec.companyColumn } : {}),
    ...(spec.financialsColumn ? { financialsColumn: spec.financialsColumn } : {}),
    ...(spec.note ? { note: spec.note } : {}),
  };
  return Object.freeze(item);
}

/** Every fixed data item, by key. */
export const DATA_ITEMS: ReadonlyMap<string, DataItem> = new Map(Object.entries(ITEM_SPECS).map(([key, spec]) => [key, buildItem(key, spec)]));

/** Key of one version of a fiscal year's statements, e.g. `financials.2025`. */
export const FINANCIALS_VERSION_KEY = /^financials\.(\d{4})$/;

/** The key under which versions of fiscal year `fiscalYear`'s statements are kept as facts. */
export function financialsVersionKey(fiscalYear: number): string {
  return `financials.${fiscalYear}`;
}

const financialsVersionItems = new Map<string, DataItem>();

/**
 * The data item of a key: a fixed item, or `financials.<fiscal year>` (every version of a year's statements, kept
 * as facts so that history is not lost when the financials row is replaced; written by recordFinancials and the
 * gBizINFO import, not by updateCompanyFacts). Undefined for unknown keys.
 */
export function dataItem(key: string): DataItem | undefined {
  const fixed = DATA_ITEMS.get(key);
  if (fixed) return fixed;
  const m = FINANCIALS_VERSION_KEY.exec(key);
  if (!m) return undefined;
  let item = financialsVersionItems.get(key);
  if (!item) {
    item = buildItem(key, {
      label: `${m[1]}年度の決算（財務諸表の一版）`, type: 'json', category: 'EBPM', freshness: FISCAL, ownerWritable: false,
      validate: validateFinancialsVersion, note: 'one version of the statements of a fiscal year; use recordFinancials to record them',
    });
    financialsVersionItems.set(key, item);
  }
  return item;
}

/** The fiscal year a `financials.<fy>` key refers to, or null for other keys. */
export function fiscalYearOfKey(key: string): number | null {
  const m = FINANCIALS_VERSION_KEY.exec(key);
  return m ? Number(m[1]) : null;
}

/** True when the key is a canonical data item. */
export function isDataItemKey(key: string): boolean {
  return dataItem(key) !== undefined;
}

/** The registry items (NTA 法人番号公表サイト), in registry order. */
export const REGISTRY_ITEM_KEYS: readonly string[] = Object.freeze([...DATA_ITEMS.values()].filter((i) => i.registry).map((i) => i.key));

/** Items whose change recomputes the companies row's cached columns or SME classification. */
export function affectsCompanyCache(key: string): boolean {
  const item = DATA_ITEMS.get(key);
  return Boolean(item && (item.companyColumn || item.smeInput));
}

/**
 * Validates a value for a key: unknown keys and bad values come back as a problem that names the key, e.g.
 * `employees: must be at least 0, got -3`. `null` is accepted for every item: it records that the item has no value
 * (a company without a website clears `url`).
 */
export function validateDataItem(key: string, value: unknown): Validation {
  const item = dataItem(key);
  if (!item) return fail(`${key}: not a canonical data item key`);
  if (value === null) return ok(null);
  const result = item.validate(value);
  return result.ok ? result : fail(`${key} (${item.label}): ${result.problem}`);
}

// ---------------------------------------------------------------------------------------------------------------
// Freshness

const JST_OFFSET_MS = 9 * 60 * 60 * 1000;

/** Adds calendar months on the Asia/Tokyo calendar, clamping the day (Jan 31 + 1 month = Feb 28/29). */
export function addMonthsTokyo(instant: Date, monthCount: number): Date {
  const wall = new Date(instant.getTime() + JST_OFFSET_MS);
  const y = wall.getUTCFullYear();
  const m = wall.getUTCMonth() + monthCount;
  const targetYear = y + Math.floor(m / 12);
  const targetMonth = ((m % 12) + 12) % 12;
  const lastDay = new Date(Date.UTC(targetYear, targetMonth + 1, 0)).getUTCDate();
  const day = Math.min(wall.getUTCDate(), lastDay);
  const shifted = Date.UTC(targetYear, targetMonth, day, wall.getUTCHours(), wall.getUTCMinutes(), wall.getUTCSeconds(), wall.getUTCMilliseconds());
  return new Date(shifted - JST_OFFSET_MS);
}

/** The instant a Tokyo calendar date begins (00:00 JST). */
export function startOfTokyoDate(isoDate: string): Date {
  return new Date(`${isoDate}T00:00:00+09:00`);
}

/** The instant fiscal year `fiscalYear` closes: the end of the last day of its period end month (JST). */
export function fiscalYearCloses(fiscalYear: number, endMonth = DEFAULT_FISCAL_YEAR_END_MONTH): Date {
  // the first instant of the month after the period end month
  return new Date(Date.UTC(fiscalYear, endMonth, 1) - JST_OFFSET_MS);
}

/** The latest fiscal year closed at `instant` (a period ending on the last day of `endMonth`). */
export function lastClosedFiscalYear(instant: Date, endMonth = DEFAULT_FISCAL_YEAR_END_MONTH): number {
  const wall = new Date(instant.getTime() + JST_OFFSET_MS);
  const year = wall.getUTCFullYear();
  return wall.getUTCMonth() + 1 > endMonth ? year : year - 1;
}

/** A stated value: who stated it, when, and (financial items) for which fiscal year. */
export interface StatedValue {
  readonly source: string;
  readonly asOf: Date;
  /** the fiscal year a financial value describes; absent = the last one closed at asOf */
  readonly fiscalYear?: number | null;
}

/** What freshness depends on besides the value. */
export interface FreshnessContext {
  /** NTA 更新年月日 of the company's current registry state (YYYY-MM-DD) */
  readonly ntaUpdateDate?: string | null;
  /** the company's 決算月 (1..12); March when unknown */
  readonly fiscalYearEndMonth?: number | null;
}

/** The fiscal year a financial value describes (its own, or the last one closed when it was stated). */
export function referenceFiscalYear(value: StatedValue, context: FreshnessContext = {}): number {
  const endMonth = validEndMonth(context.fiscalYearEndMonth);
  return value.fiscalYear ?? lastClosedFiscalYear(value.asOf, endMonth);
}

function validEndMonth(month: number | null | undefined): number {
  return typeof month === 'number' && Number.isInteger(month) && month >= 1 && month <= 12 ? month : DEFAULT_FISCAL_YEAR_END_MONTH;
}

/** The instant from which a stated value of the item is stale, or null when it never goes stale (see the module comment). */
export function staleAfter(item: DataItem, value: StatedValue, context: FreshnessContext = {}): Date | null {
  const rule = item.freshness;
  switch (rule.kind) {
    case 'PERMANENT':
      return null;
    case 'REGISTRY': {
      if (value.source === 'NTA' || !context.ntaUpdateDate) return null;
      const changed = startOfTokyoDate(context.ntaUpdateDate);
      return changed.getTime() > value.asOf.getTime() ? changed : null;
    }
    case 'MAX_AGE':
      return addMonthsTokyo(value.asOf, rule.months);
    case 'FISCAL_YEAR': {
      const endMonth = validEndMonth(context.fiscalYearEndMonth);
      const fiscalYear = referenceFiscalYear(value, context);
      return addMonthsTokyo(fiscalYearCloses(fiscalYear + 1, endMonth), rule.graceMonths);
    }
  }
}

/** True when the value is stale at `now`. */
export function isStale(item: DataItem, value: StatedValue, now: Date, context: FreshnessContext = {}): boolean {
  const after = staleAfter(item, value, context);
  return after !== null && now.getTime() >= after.getTime();
}
