import { readFileSync } from 'node:fs';
import { seedPath } from '../../shared/paths.js';
import { JSIC_ENTRIES, jsicEntry, normaliseIndustryCode } from './jsic.js';
import { CORPORATE_KIND_LABELS, formatYen } from '../../shared/japanese.js';

/**
 * 中小企業基本法 §2 classification (中小企業者 / 小規模企業者) with the 政令 special rows, and the みなし大企業
 * tests of the 公募要領. Pure: every rule value lives in seeds/sme-act-categories.json (versioned data); see its
 * `notes` for the sources and for the decisions about 情報通信業, the 政令 rows and 分類不能.
 */

// ---------------------------------------------------------------------------------------------------------------
// The data table
// ---------------------------------------------------------------------------------------------------------------

export type SmeActRowId =
  | 'MANUFACTURING_OTHER'
  | 'WHOLESALE'
  | 'SERVICE'
  | 'RETAIL'
  | 'RUBBER_PRODUCTS'
  | 'SOFTWARE_INFO_PROCESSING'
  | 'RYOKAN'
  | 'NOT_APPLICABLE'
  | 'UNCLASSIFIABLE';

/** THRESHOLDS: a 基本法/政令 row; NOT_APPLICABLE: outside the Act (公務); UNDETERMINED: the code says nothing (分類不能). */
export type SmeActRowKind = 'THRESHOLDS' | 'NOT_APPLICABLE' | 'UNDETERMINED';

export interface SmeActRow {
  id: SmeActRowId;
  /** wording of the Act or 政令, e.g. 製造業・建設業・運輸業その他 */
  label: string;
  /** short form used in reasons, e.g. 製造業その他, ゴム製品製造業〔政令〕 */
  shortLabel: string;
  kind: SmeActRowKind;
  /** 中小企業者 if capital (資本金の額又は出資の総額) ≤ this … (null unless kind is THRESHOLDS) */
  capitalMaxYen: number | null;
  /** … or 常時使用する従業員 ≤ this */
  employeesMax: number | null;
  /** 小規模企業者 if employees ≤ this; an industry rule may override it (宿泊業・娯楽業) */
  smallEnterpriseEmployeesMax: number | null;
  /** the provision the row comes from */
  basis: string;
}

/** One line of the JSIC → row table: applies to the code and everything below it unless a longer code overrides. */
export interface SmeIndustryRule {
  code: string;
  row: SmeActRowId;
  /** overrides the row's 小規模 limit (M75 宿泊業 and N80 娯楽業: 20) */
  smallEnterpriseEmployeesMax: number | null;
  /** rows the code may also stand for, when JSIC does not separate what the 政令 separates (E1919, M752, G3929) */
  alsoPossible: SmeActRowId[];
  note: string | null;
}

export interface Fraction {
  numerator: number;
  denominator: number;
}

export interface DeemedLargeParameters {
  /** test 1: one large enterprise holds at least this share */
  singleLargeOwnerMinRatio: Fraction;
  /** test 2: large enterprises together hold at least this share */
  largeOwnersTotalMinRatio: Fraction;
  /** test 3: officers concurrently serving a large enterprise are at least this share of all officers */
  officersFromLargeMinRatio: Fraction;
  /** add-on: average taxable income of the last 3 filed years above this makes the firm ineligible */
  averageTaxableIncomeMaxYen: number;
}

export interface SmeActTable {
  version: string;
  jsicRevision: number;
  effectiveFrom: string;
  notes: string[];
  rows: Readonly<Record<SmeActRowId, SmeActRow>>;
  industries: readonly SmeIndustryRule[];
  deemedLarge: DeemedLargeParameters;
}

const ROW_IDS: readonly SmeActRowId[] = [
  'MANUFACTURING_OTHER', 'WHOLESALE', 'SERVICE', 'RETAIL', 'RUBBER_PRODUCTS', 'SOFTWARE_INFO_PROCESSING', 'RYOKAN',
  'NOT_APPLICABLE', 'UNCLASSIFIABLE',
];

function isRowId(value: unknown): value is SmeActRowId {
  return typeof value === 'string' && (ROW_IDS as readonly string[]).includes(value);
}

function positiveIntegerOrNull(value: unknown, where: string): number | null {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) throw new Error(`${where} must be a positive integer`);
  return value;
}

function fractionAt(value: unknown, where: string): Fraction {
  const fraction = value as Partial<Fraction> | undefined;
  const numerator = positiveIntegerOrNull(fraction?.numerator, `${where}.numerator`);
  const denominator = positiveIntegerOrNull(fraction?.denominator, `${where}.denominator`);
  if (numerator === null || denominator === null || numerator > denominator) throw new Error(`${where} must be a fraction in (0, 1]`);
  return { numerator, denominator };
}

/** Reads and checks seeds/sme-act-categories.json; throws with the offending path on any malformed value. */
function loadSmeActTable(): SmeActTable {
  const path = seedPath('sme-act-categories.json');
  const raw = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  const fail = (message: string): never => {
    throw new Error(`${path}: ${message}`);
  };
  if (typeof raw.version !== 'string') fail('version must be a string');
  const rows = {} as Record<SmeActRowId, SmeActRow>;
  for (const [index, value] of ((raw.rows as unknown[] | undefined) ?? []).entries()) {
    const row = value as Partial<SmeActRow>;
    if (!isRowId(row.id)) fail(`rows[${index}].id ${JSON.stringify(row.id)} is not a known row`);
    const id = row.id as SmeActRowId;
    if (rows[id]) fail(`row ${id} is listed twice`);
    const kind = row.kind;
    if (kind !== 'THRESHOLDS' && kind !== 'NOT_APPLICABLE' && kind !== 'UNDETERMINED') fail(`row ${id} has kind ${String(kind)}`);
    const capitalMaxYen = positiveIntegerOrNull(row.capitalMaxYen, `row ${id}.capitalMaxYen`);
    const employeesMax = positiveIntegerOrNull(row.employeesMax, `row ${id}.employeesMax`);
    const smallMax = positiveIntegerOrNull(row.smallEnterpriseEmployeesMax, `row ${id}.smallEnterpriseEmployeesMax`);
    const hasThresholds = capitalMaxYen !== null && employeesMax !== null && smallMax !== null;
    if ((kind === 'THRESHOLDS') !== hasThresholds) fail(`row ${id}: thresholds must be set exactly for kind THRESHOLDS`);
    if (hasThresholds && smallMax! > employeesMax!) fail(`row ${id}: the 小規模 limit exceeds the employee limit`);
    rows[id] = Object.freeze({
      id,
      label: String(row.label ?? id),
      shortLabel: String(row.shortLabel ?? row.label ?? id),
      kind: kind as SmeActRowKind,
      capitalMaxYen,
      employeesMax,
      smallEnterpriseEmployeesMax: smallMax,
      basis: String(row.basis ?? ''),
    });
  }
  for (const id of ROW_IDS) if (!rows[id]) fail(`row ${id} is missing`);

  const seen = new Set<string>();
  const industries = ((raw.industries as unknown[] | undefined) ?? []).map((value, index) => {
    const rule = value as { code?: unknown; row?: unknown; smallEnterpriseEmployeesMax?: unknown; alsoPossible?: unknown; note?: unknown };
    const code = typeof rule.code === 'string' ? normaliseIndustryCode(rule.code) : null;
    if (code === null || code !== rule.code) fail(`industries[${index}].code ${JSON.stringify(rule.code)} is not a canonical JSIC code`);
    if (seen.has(code!)) fail(`industry code ${code} is listed twice`);
    seen.add(code!);
    if (!isRowId(rule.row)) fail(`industry ${code}: unknown row ${JSON.stringify(rule.row)}`);
    const alsoPossible = (rule.alsoPossible as unknown[] | undefined) ?? [];
    if (!Array.isArray(alsoPossible) || !alsoPossible.every(isRowId)) fail(`industry ${code}: alsoPossible must list known rows`);
    const smallOverride = positiveIntegerOrNull(rule.smallEnterpriseEmployeesMax, `industry ${code}.smallEnterpriseEmployeesMax`);
    if (smallOverride !== null && rows[rule.row as SmeActRowId].kind !== 'THRESHOLDS') fail(`industry ${code}: 小規模 override on a row without thresholds`);
    return Object.freeze({
      code: code!,
      row: rule.row as SmeActRowId,
      smallEnterpriseEmployeesMax: smallOverride,
      alsoPossible: Object.freeze([...alsoPossible]) as SmeActRowId[],
      note: typeof rule.note === 'string' ? rule.note : null,
    });
  });

  const deemed = raw.deemedLarge as Record<string, unknown> | undefined;
  const averageTaxableIncomeMaxYen = positiveIntegerOrNull(deemed?.averageTaxableIncomeMaxYen, 'deemedLarge.averageTaxableIncomeMaxYen');
  if (averageTaxableIncomeMaxYen === null) fail('deemedLarge.averageTaxableIncomeMaxYen is required');
  return Object.freeze({
    version: raw.version as string,
    jsicRevision: Number(raw.jsicRevision),
    effectiveFrom: String(raw.effectiveFrom ?? ''),
    notes: Object.freeze([...((raw.notes as string[] | undefined) ?? [])]) as string[],
    rows: Object.freeze(rows),
    industries: Object.freeze(industries),
    deemedLarge: Object.freeze({
      singleLargeOwnerMinRatio: fractionAt(deemed?.singleLargeOwnerMinRatio, 'deemedLarge.singleLargeOwnerMinRatio'),
      largeOwnersTotalMinRatio: fractionAt(deemed?.largeOwnersTotalMinRatio, 'deemedLarge.largeOwnersTotalMinRatio'),
      officersFromLargeMinRatio: fractionAt(deemed?.officersFromLargeMinRatio, 'deemedLarge.officersFromLargeMinRatio'),
      averageTaxableIncomeMaxYen: averageTaxableIncomeMaxYen!,
    }),
  });
}

/** The whole table of seeds/sme-act-categories.json, checked at load. */
export const SME_ACT_TABLE: SmeActTable = loadSmeActTable();

/** The 中小企業基本法 rows and the 政令 rows by id (plus NOT_APPLICABLE for 公務 and UNCLASSIFIABLE for 分類不能). */
export const SME_ACT_ROWS: Readonly<Record<SmeActRowId, SmeActRow>> = SME_ACT_TABLE.rows;

const RULE_BY_CODE = new Map(SME_ACT_TABLE.industries.map((rule) => [rule.code, rule]));
const CHILDREN_BY_CODE = new Map<string, string[]>();
for (const entry of JSIC_ENTRIES) {
  if (!entry.parent) continue;
  const siblings = CHILDREN_BY_CODE.get(entry.parent) ?? [];
  siblings.push(entry.code);
  CHILDREN_BY_CODE.set(entry.parent, siblings);
}
const MAJOR_CODES = JSIC_ENTRIES.filter((entry) => entry.level === 'major').map((entry) => entry.code);

// ---------------------------------------------------------------------------------------------------------------
// JSIC code → row
// ---------------------------------------------------------------------------------------------------------------

/** A row a code may stand for, with the 小規模 limit that goes with it there. */
export interface SmeRowOption {
  row: SmeActRow;
  smallEnterpriseEmployeesMax: number | null;
  /** the table entry this option comes from */
  viaCode: string;
}

export interface SmeRowMatch {
  /** the industry code in canonical form ("e24" → "E24") */
  code: string;
  /** whether JSIC Rev.14 has this exact code */
  inJsic: boolean;
  /** the table entry that matched by longest prefix (detail over minor over middle over major); null when none */
  matchedCode: string | null;
  /** that entry's row */
  row: SmeActRow | null;
  /** that entry's 小規模 limit */
  smallEnterpriseEmployeesMax: number | null;
  /**
   * Every (row, 小規模 limit) a firm with this code may fall under: the matched entry's, its `alsoPossible`
   * rows, and those of more specific entries below the code ("E" → 製造業その他 and ゴム製品製造業〔政令〕).
   * One element when the code decides the row.
   */
  options: SmeRowOption[];
}

function longestPrefixRule(code: string): SmeIndustryRule | null {
  for (let length = code.length; length >= 1; length--) {
    const rule = RULE_BY_CODE.get(code.slice(0, length));
    if (rule) return rule;
    // JSIC codes grow by 2 digits from the letter to the middle group: "E2" is not a code.
    if (length === 3) length--;
  }
  return null;
}

function optionsOfRule(rule: SmeIndustryRule): SmeRowOption[] {
  const main = SME_ACT_ROWS[rule.row];
  return [
    { row: main, smallEnterpriseEmployeesMax: rule.smallEnterpriseEmployeesMax ?? main.smallEnterpriseEmployeesMax, viaCode: rule.code },
    ...rule.alsoPossible.map((id) => ({ row: SME_ACT_ROWS[id], smallEnterpriseEmployeesMax: SME_ACT_ROWS[id].smallEnterpriseEmployeesMax, viaCode: rule.code })),
  ];
}

function addUnique(target: SmeRowOption[], options: SmeRowOption[]): void {
  for (const option of options) {
    const known = target.some((t) => t.row.id === option.row.id && t.smallEnterpriseEmployeesMax === option.smallEnterpriseEmployeesMax);
    if (!known) target.push(option);
  }
}

const optionsMemo = new Map<string, SmeRowOption[]>();

/**
 * Options of a code by walking the JSIC tree down to its leaves: a firm coded "G39" is really in one of the
 * details below it, so the options are those of the leaves, each under its own longest-prefix entry.
 * Codes outside JSIC fall back to their prefix entry plus any table entries below them.
 */
function optionsOf(code: string): SmeRowOption[] {
  const memo = optionsMemo.get(code);
  if (memo) return memo;
  const options: SmeRowOption[] = [];
  const children = CHILDREN_BY_CODE.get(code);
  if (children && children.length > 0) {
    for (const child of children) addUnique(options, optionsOf(child));
  } else {
    const rule = longestPrefixRule(code);
    if (rule) addUnique(options, optionsOfRule(rule));
    if (!jsicEntry(code)) {
      for (const below of SME_ACT_TABLE.industries) {
        if (below.code.length > code.length && below.code.startsWith(code)) addUnique(options, optionsOfRule(below));
      }
    }
  }
  optionsMemo.set(code, options);
  return options;
}

/**
 * The 中小企業基本法 row for a JSIC code ("E", "E24", "G391", "E1911"; lower case, full-width and letter-less
 * middle codes are accepted). `row` is the longest-prefix entry of the table; `options` lists every row the code
 * may stand for when it is coarser than the table (e.g. "I": 卸売業 or 小売業). Null for a malformed code.
 */
export function smeRowFor(industryCode: string): SmeRowMatch | null {
  const code = normaliseIndustryCode(industryCode);
  if (code === null) return null;
  const rule = longestPrefixRule(code);
  const row = rule ? SME_ACT_ROWS[rule.row] : null;
  return {
    code,
    inJsic: jsicEntry(code) !== null,
    matchedCode: rule?.code ?? null,
    row,
    smallEnterpriseEmployeesMax: rule ? rule.smallEnterpriseEmployeesMax ?? row!.smallEnterpriseEmployeesMax : null,
    options: [...optionsOf(code)],
  };
}

/** Every (row, 小規模 limit) with thresholds the table uses: the options of a firm whose industry is unknown. */
function allThresholdOptions(): SmeRowOption[] {
  const options: SmeRowOption[] = [];
  for (const major of MAJOR_CODES) addUnique(options, optionsOf(major).filter((option) => option.row.kind === 'THRESHOLDS'));
  return options;
}

// ---------------------------------------------------------------------------------------------------------------
// Classification
// ---------------------------------------------------------------------------------------------------------------

/** The contract's CorporateKind values (core.graphql); the enum in shared/enums.ts is assignable to this. */
export type CorporateKindName =
  | 'NATIONAL_AGENCY'
  | 'LOCAL_GOVERNMENT'
  | 'KABUSHIKI_KAISHA'
  | 'YUGEN_KAISHA'
  | 'GOMEI_KAISHA'
  | 'GOSHI_KAISHA'
  | 'GODO_KAISHA'
  | 'OTHER_REGISTERED'
  | 'FOREIGN_COMPANY'
  | 'OTHER'
  | 'SOLE_PROPRIETOR';

export type SmeCategoryName = 'SMALL' | 'MEDIUM' | 'LARGE' | 'NOT_APPLICABLE' | 'UNKNOWN';

/** A holder of the firm's shares or contributions (data item majorShareholders). */
export interface MajorShareholder {
  name: string;
  corporateNumber?: string | null;
  /** share of issued shares or total contributions, 0..1 */
  ratio: number;
  /** a large enterprise in the programme's sense (not an SME; investment companies such as 投資育成会社 are usually not counted) */
  isLargeEnterprise: boolean;
  /** the holder is itself an SME caught by みなし大企業 tests 1–3 (needed for test 4) */
  isDeemedLargeEnterprise?: boolean | null;
}

export interface SmeClassificationInput {
  kind: CorporateKindName | null | undefined;
  /** JSIC code: "E", "E24", "G391", "E1911" */
  industryCode?: string | null;
  /** 資本金の額又は出資の総額 */
  capitalYen?: number | null;
  /** 常時使用する従業員の数 */
  employees?: number | null;
  majorShareholders?: readonly MajorShareholder[] | null;
  officersTotal?: number | null;
  /** officers who are also officers or staff of a large enterprise */
  officersFromLargeEnterprises?: number | null;
  /** officers who are also officers or staff of an SME caught by tests 1–3 (needed for test 5) */
  officersFromDeemedLargeEnterprises?: number | null;
  /** average taxable income (課税所得) of the last 3 filed years */
  averageTaxableIncomeYen?: number | null;
}

/** The data items the size decision depends on. */
export type SmeSizeDataKey = 'industryCode' | 'capitalYen' | 'employees';
/** The data items the みなし大企業 tests depend on. */
export type DeemedLargeDataKey = 'majorShareholders' | 'officersTotal' | 'officersFromLargeEnterprises' | 'averageTaxableIncomeYen';

/**
 * みなし大企業 tests: the five of the 公募要領 and the taxable-income add-on.
 * 1 SINGLE_LARGE_OWNER, 2 LARGE_OWNERS_TOTAL, 3 OFFICERS_FROM_LARGE, 4 WHOLLY_OWNED_BY_DEEMED_LARGE,
 * 5 ALL_OFFICERS_FROM_DEEMED_LARGE, add-on AVERAGE_TAXABLE_INCOME.
 */
export type DeemedLargeTest =
  | 'SINGLE_LARGE_OWNER'
  | 'LARGE_OWNERS_TOTAL'
  | 'OFFICERS_FROM_LARGE'
  | 'WHOLLY_OWNED_BY_DEEMED_LARGE'
  | 'ALL_OFFICERS_FROM_DEEMED_LARGE'
  | 'AVERAGE_TAXABLE_INCOME';

export interface SmeClassification {
  category: SmeCategoryName;
  /** みなし大企業 (or over the taxable-income limit); only ever true for a firm that is or may be an SME */
  deemedLarge: boolean;
  /** one line per rule applied, in Japanese */
  reasons: string[];
  /** the row used; null when no single row applies (unknown or coarse industry, public body) */
  row: SmeActRowId | null;
  /** every row the industry code may stand for (one element when the code decides it) */
  possibleRows: SmeActRowId[];
  /** size data items that are absent (or invalid) and needed to decide; empty when the category is decided */
  missing: SmeSizeDataKey[];
  /** 中小企業者 (SMALL or MEDIUM): true/false when certain, null when undecided. True with category UNKNOWN means
   *  "an SME, but whether 小規模 is not known" (typically employees unknown, capital within the limit). */
  isSme: boolean | null;
  /** the みなし大企業 tests the firm meets */
  deemedLargeTests: DeemedLargeTest[];
  /** みなし大企業 data items that are absent or invalid, so some tests could not be run */
  deemedLargeMissing: DeemedLargeDataKey[];
}

const KIND_LABEL: Readonly<Record<CorporateKindName, string>> = CORPORATE_KIND_LABELS;

const RATIO_EPSILON = 1e-9;

export { formatYen };

function formatPercent(ratio: number): string {
  return `${(ratio * 100).toFixed(2).replace(/\.?0+$/, '')}%`;
}

function formatFraction(fraction: Fraction): string {
  return `${fraction.numerator}/${fraction.denominator}`;
}

function atLeast(ratio: number, fraction: Fraction): boolean {
  return ratio >= fraction.numerator / fraction.denominator - RATIO_EPSILON;
}

type SizeCategory = 'SMALL' | 'MEDIUM' | 'LARGE';

interface OptionOutcome {
  option: SmeRowOption;
  capitalPass: boolean | null;
  employeesPass: boolean | null;
  isSme: boolean | null;
  category: SizeCategory | null;
}

function evaluateOption(option: SmeRowOption, capitalYen: number | null, employees: number | null, useCapital: boolean): OptionOutcome {
  const { row } = option;
  const capitalPass = useCapital && capitalYen !== null ? capitalYen <= row.capitalMaxYen! : null;
  const employeesPass = employees !== null ? employees <= row.employeesMax! : null;
  // capital OR employees: one passing test is enough; failing needs every applicable test known and failed.
  let isSme: boolean | null = null;
  if (capitalPass === true || employeesPass === true) isSme = true;
  else if (employeesPass === false && (capitalPass === false || !useCapital)) isSme = false;
  let category: SizeCategory | null = null;
  if (isSme === false) category = 'LARGE';
  else if (isSme === true && employees !== null) category = employees <= option.smallEnterpriseEmployeesMax! ? 'SMALL' : 'MEDIUM';
  return { option, capitalPass, employeesPass, isSme, category };
}

function thresholdText(option: SmeRowOption, useCapital: boolean): string {
  const { row } = option;
  const employees = `従業員${row.employeesMax}人以下`;
  return useCapital ? `資本金${formatYen(row.capitalMaxYen!)}以下 または ${employees}` : employees;
}

const CATEGORY_LABEL: Record<SizeCategory, string> = { SMALL: '小規模企業者', MEDIUM: '中小企業者（小規模企業者を除く）', LARGE: '大企業' };

/** Reason lines for one row, in the order the rules are applied. */
function detailedReasons(outcome: OptionOutcome, code: string, capitalYen: number | null, employees: number | null, useCapital: boolean): string[] {
  const { option } = outcome;
  const row = option.row;
  const lines = [`業種区分: ${row.shortLabel} (${code}) — ${thresholdText(option, useCapital)}`];
  if (useCapital) {
    if (capitalYen === null) lines.push('資本金が不明');
    else if (outcome.capitalPass) lines.push(`資本金${formatYen(capitalYen)} ≤ ${formatYen(row.capitalMaxYen!)}: 中小企業者`);
    else lines.push(`資本金${formatYen(capitalYen)} > ${formatYen(row.capitalMaxYen!)}: 資本金基準を満たさない`);
  }
  if (employees === null) lines.push('従業員数が不明');
  else if (outcome.employeesPass) lines.push(`従業員${employees}人 ≤ ${row.employeesMax}人: 中小企業者`);
  else lines.push(`従業員${employees}人 > ${row.employeesMax}人: 従業員基準を満たさない`);

  if (outcome.isSme === false) {
    lines.push(useCapital ? '資本金基準・従業員基準のどちらも満たさない: 大企業' : '従業員基準を満たさない: 大企業');
  } else if (outcome.isSme === null) {
    lines.push(capitalYen === null && useCapital ? '資本金が不明のため中小企業者か判定できない' : '従業員数が不明のため中小企業者か判定できない');
  } else if (employees === null) {
    lines.push('従業員数が不明のため小規模か判定できない');
  } else {
    const small = option.smallEnterpriseEmployeesMax!;
    lines.push(employees <= small ? `従業員${employees}人 ≤ ${small}人: 小規模企業者` : `従業員${employees}人 > ${small}人: 小規模企業者ではない`);
  }
  return lines;
}

/** One compact line per row when a code stands for several rows. */
function compactReason(outcome: OptionOutcome, capitalYen: number | null, employees: number | null, useCapital: boolean, showCode: boolean): string {
  const { option } = outcome;
  const row = option.row;
  const tests: string[] = [];
  if (useCapital) {
    tests.push(capitalYen === null ? '資本金不明' : `資本金${formatYen(capitalYen)} ${outcome.capitalPass ? '≤' : '>'} ${formatYen(row.capitalMaxYen!)}`);
  }
  tests.push(employees === null ? '従業員数不明' : `従業員${employees}人 ${outcome.employeesPass ? '≤' : '>'} ${row.employeesMax}人`);
  if (outcome.isSme === true && employees !== null) {
    const small = option.smallEnterpriseEmployeesMax!;
    tests.push(`小規模 ${employees <= small ? '≤' : '>'} ${small}人`);
  }
  const verdict = outcome.category
    ? CATEGORY_LABEL[outcome.category]
    : outcome.isSme === true
      ? '中小企業者（小規模か不明）'
      : '判定できない';
  const code = showCode ? `${option.viaCode}; ` : '';
  return `${row.shortLabel} (${code}${thresholdText(option, useCapital)}, 小規模${option.smallEnterpriseEmployeesMax}人以下): ${tests.join(', ')} → ${verdict}`;
}

interface CheckedNumber {
  value: number | null;
  invalid: boolean;
}

function checkedCount(value: number | null | undefined): CheckedNumber {
  if (value === null || value === undefined) return { value: null, invalid: false };
  return Number.isFinite(value) && value >= 0 ? { value, invalid: false } : { value: null, invalid: true };
}

function checkedInteger(value: number | null | undefined): CheckedNumber {
  const checked = checkedCount(value);
  return checked.value !== null && !Number.isInteger(checked.value) ? { value: null, invalid: true } : checked;
}

/**
 * Classifies a firm under 中小企業基本法 §2 and the 政令 rows, and runs the みなし大企業 tests.
 *
 * - 中小企業者: capital ≤ the row's limit OR employees ≤ the row's limit; sole proprietors by employees only.
 *   小規模企業者: employees ≤ the 小規模 limit (20; 5 for 商業・サービス業; 20 for 宿泊業・娯楽業 by 政令).
 * - When the industry is unknown, 分類不能 (T) or coarser than the table ("E", "I", "G39"), every row the code may
 *   stand for is tried; the category is decided when they all agree (3 employees is 小規模 in every row), and is
 *   UNKNOWN otherwise, with `missing` naming industryCode.
 * - Employees unknown but capital within the limit: category UNKNOWN with isSme = true ("中小企業者, but 小規模
 *   cannot be told": 小規模 depends on employees only).
 * - NATIONAL_AGENCY and LOCAL_GOVERNMENT, industry S 公務, and 会社以外の法人 (OTHER_REGISTERED, OTHER: 一般社団,
 *   NPO, 医療法人, 組合 …, which 中小企業庁 FAQ Q6 places outside the Act) are NOT_APPLICABLE.
 * - みなし大企業 is evaluated for firms that are or may be SMEs; a deemed-large SME keeps its size category with
 *   deemedLarge = true. Average taxable income > 15億円 also sets deemedLarge (most 公募要領 list it among the
 *   みなし大企業 items; `deemedLargeTests` tells it apart for programmes that do not).
 * - Invalid numbers (negative, NaN, a ratio above 1) are ignored with a reason and treated as missing.
 */
export function classifySme(input: SmeClassificationInput): SmeClassification {
  const reasons: string[] = [];
  const kind = input.kind ?? null;
  const kindLabel = kind !== null && Object.hasOwn(KIND_LABEL, kind) ? KIND_LABEL[kind] : null;
  const notApplicable = (why: string, row: SmeActRowId | null): SmeClassification => ({
    category: 'NOT_APPLICABLE',
    deemedLarge: false,
    reasons: [...reasons, why],
    row,
    possibleRows: row ? [row] : [],
    missing: [],
    isSme: false,
    deemedLargeTests: [],
    deemedLargeMissing: [],
  });

  if (kind === 'NATIONAL_AGENCY' || kind === 'LOCAL_GOVERNMENT') {
    return notApplicable(`法人種別: ${kindLabel} — 中小企業基本法の対象外`, null);
  }
  if (kind === 'OTHER_REGISTERED' || kind === 'OTHER') {
    return notApplicable(
      `法人種別: ${kindLabel} — 中小企業基本法の中小企業者は会社と個人に限られ、会社以外の法人（一般社団・NPO・医療法人・組合等）は対象外（組合等は個別法・公募要領で対象になる場合がある）`,
      null,
    );
  }

  const useCapital = kind !== 'SOLE_PROPRIETOR';
  if (kind === 'SOLE_PROPRIETOR') {
    reasons.push('法人種別: 個人事業主 — 従業員基準のみで判定（資本金基準は会社のみ）');
  } else if (kind === 'FOREIGN_COMPANY') {
    reasons.push('法人種別: 外国会社等 — 日本の基準で、会社全体の資本金・従業員により判定');
  } else if (!kindLabel) {
    reasons.push(kind === null ? '法人種別が不明: 会社として判定' : `法人種別 ${String(kind)} は不明な値: 会社として判定`);
  }

  // --- inputs -------------------------------------------------------------------------------------------------
  const capital = useCapital ? checkedCount(input.capitalYen) : { value: null, invalid: false };
  if (capital.invalid) reasons.push(`資本金の値が不正のため無視: ${String(input.capitalYen)}`);
  if (!useCapital && input.capitalYen !== null && input.capitalYen !== undefined) reasons.push('個人事業主のため資本金は判定に使わない');
  const employeesChecked = checkedCount(input.employees);
  if (employeesChecked.invalid) reasons.push(`従業員数の値が不正のため無視: ${String(input.employees)}`);
  const capitalYen = capital.value;
  const employees = employeesChecked.value;

  // --- industry → rows ----------------------------------------------------------------------------------------
  const rawCode = input.industryCode?.trim() ? input.industryCode.trim() : null;
  const match = rawCode ? smeRowFor(rawCode) : null;
  let options: SmeRowOption[];
  let industryKnown = true;
  const displayCode = match?.code ?? '業種不明';
  if (rawCode === null) {
    industryKnown = false;
    reasons.push('業種(industryCode)が不明: すべての業種区分で判定');
    options = allThresholdOptions();
  } else if (match === null || match.options.length === 0) {
    industryKnown = false;
    reasons.push(`業種コード「${rawCode}」は日本標準産業分類の形式でない: すべての業種区分で判定`);
    options = allThresholdOptions();
  } else {
    if (!match.inJsic) reasons.push(`業種コード ${match.code} は日本標準産業分類第14回改定にない: 上位コードで判定`);
    const usable = match.options.filter((option) => option.row.kind !== 'UNDETERMINED');
    if (usable.length < match.options.length) {
      industryKnown = false;
      reasons.push(`業種コード ${match.code} は分類不能の産業: すべての業種区分で判定`);
      addUnique(usable, allThresholdOptions());
    }
    options = usable;
    if (options.every((option) => option.row.kind === 'NOT_APPLICABLE')) {
      return notApplicable(`業種区分: ${SME_ACT_ROWS.NOT_APPLICABLE.shortLabel} (${match.code}) — 中小企業基本法の対象外`, 'NOT_APPLICABLE');
    }
  }
  const possibleRows = [...new Set(options.map((option) => option.row.id))];

  // --- size ---------------------------------------------------------------------------------------------------
  const outcomes = options.map((option) =>
    option.row.kind === 'THRESHOLDS'
      ? evaluateOption(option, capitalYen, employees, useCapital)
      : { option, capitalPass: null, employeesPass: null, isSme: false, category: null },
  );
  const categories = new Set(outcomes.map((outcome) => outcome.category));
  const decided = categories.size === 1 && !categories.has(null) && outcomes.every((o) => o.option.row.kind === 'THRESHOLDS');
  const category: SmeCategoryName = decided ? [...categories][0]! : 'UNKNOWN';
  const smeValues = new Set(outcomes.map((outcome) => (outcome.option.row.kind === 'THRESHOLDS' ? outcome.isSme : null)));
  const isSme = smeValues.size === 1 ? [...smeValues][0]! : null;

  if (outcomes.length === 1) {
    reasons.push(...detailedReasons(outcomes[0]!, displayCode, capitalYen, employees, useCapital));
  } else if (!industryKnown && !decided) {
    reasons.push('業種が分からないため業種区分を決められず、判定できない');
    if (isSme === true) reasons.push('どの業種区分でも中小企業者には該当する（小規模かは業種・従業員数による）');
  } else {
    if (industryKnown) {
      reasons.push(`業種コード ${displayCode} は複数の業種区分にまたがる: ${possibleRows.map((id) => SME_ACT_ROWS[id].shortLabel).join(', ')}`);
    }
    for (const outcome of outcomes) reasons.push(compactReason(outcome, capitalYen, employees, useCapital, industryKnown));
    if (decided) reasons.push(`いずれの業種区分でも同じ結果: ${CATEGORY_LABEL[category as SizeCategory]}`);
    else if (isSme === true && employees === null) reasons.push('中小企業者に該当するが、従業員数が不明のため小規模か判定できない');
    else reasons.push('業種区分によって結果が異なるため判定できない: より細かい業種コード（小分類・細分類）が必要');
  }

  const missing: SmeSizeDataKey[] = [];
  if (!decided) {
    const rowsDisagree = new Set(outcomes.map((o) => `${o.category}|${o.isSme}`)).size > 1;
    if (!industryKnown || rowsDisagree) missing.push('industryCode');
    const employeesSettleSme = employees !== null && outcomes.every((o) => o.employeesPass === true);
    if (useCapital && capitalYen === null && !employeesSettleSme) missing.push('capitalYen');
    if (employees === null) missing.push('employees');
  }

  // --- みなし大企業 ---------------------------------------------------------------------------------------------
  const deemed = category === 'LARGE' || isSme === false
    ? { tests: [] as DeemedLargeTest[], missing: [] as DeemedLargeDataKey[], reasons: [] as string[] }
    : evaluateDeemedLarge(input, kind === 'SOLE_PROPRIETOR');
  reasons.push(...deemed.reasons);

  return {
    category,
    deemedLarge: deemed.tests.length > 0,
    reasons,
    row: possibleRows.length === 1 ? possibleRows[0]! : null,
    possibleRows,
    missing,
    isSme,
    deemedLargeTests: deemed.tests,
    deemedLargeMissing: deemed.missing,
  };
}

interface DeemedLargeResult {
  tests: DeemedLargeTest[];
  missing: DeemedLargeDataKey[];
  reasons: string[];
}

interface DeemedLargeProgress extends DeemedLargeResult {
  /** what could not be run, for the closing reason line */
  notRun: string[];
  /** how many tests had the data to run */
  testsRun: number;
}

/**
 * The five みなし大企業 tests and the taxable-income add-on, with parameters from the data table. A sole proprietor
 * has neither shareholders nor officers: only the taxable-income add-on applies (it covers 個人's 各年 too).
 */
function evaluateDeemedLarge(input: SmeClassificationInput, soleProprietor: boolean): DeemedLargeResult {
  const parameters = SME_ACT_TABLE.deemedLarge;
  const progress: DeemedLargeProgress = { tests: [], missing: [], reasons: [], notRun: [], testsRun: 0 };
  const { tests, missing, reasons, notRun } = progress;
  if (!soleProprietor) evaluateOwnershipAndOfficers(input, parameters, progress);

  // Add-on: average taxable income of the last 3 filed years.
  const income = input.averageTaxableIncomeYen;
  if (income === null || income === undefined || !Number.isFinite(income)) {
    missing.push('averageTaxableIncomeYen');
    if (income !== null && income !== undefined) reasons.push(`課税所得の値が不正のため無視: ${String(income)}`);
    notRun.push('課税所得が不明のため上乗せ基準は未判定');
  } else {
    progress.testsRun++;
    if (income > parameters.averageTaxableIncomeMaxYen) {
      tests.push('AVERAGE_TAXABLE_INCOME');
      reasons.push(`みなし大企業(課税所得): 直近3年の課税所得の年平均 ${formatYen(income)} > ${formatYen(parameters.averageTaxableIncomeMaxYen)}`);
    }
  }

  if (tests.length === 0 && progress.testsRun > 0) reasons.push('みなし大企業: 判定できた基準には該当なし');
  if (notRun.length > 0) reasons.push(`みなし大企業: ${notRun.join('、')}`);
  return { tests, missing: [...new Set(missing)], reasons };
}

/** Tests 1–5: shareholders (1, 2, 4) and officers (3, 5). Appends to the caller's progress. */
function evaluateOwnershipAndOfficers(input: SmeClassificationInput, parameters: DeemedLargeParameters, progress: DeemedLargeProgress): void {
  const { tests, missing, reasons, notRun } = progress;
  // Shareholders: tests 1, 2 and 4. Holdings of the same holder (same 法人番号, else same name) are added up.
  let holders: Array<{ name: string; ratio: number; isLarge: boolean; isDeemedLarge: boolean }> | null = null;
  if (input.majorShareholders === null || input.majorShareholders === undefined) {
    missing.push('majorShareholders');
    notRun.push('株主情報がないため (1)(2)(4) は未判定');
  } else {
    const byHolder = new Map<string, { name: string; ratio: number; isLarge: boolean; isDeemedLarge: boolean }>();
    let invalid = 0;
    for (const holder of input.majorShareholders) {
      if (!holder || typeof holder.ratio !== 'number' || !Number.isFinite(holder.ratio) || holder.ratio < 0 || holder.ratio > 1) {
        invalid++;
        continue;
      }
      const key = holder.corporateNumber?.trim() || `name:${(holder.name ?? '').trim()}`;
      const known = byHolder.get(key);
      if (known) {
        known.ratio += holder.ratio;
        known.isLarge ||= holder.isLargeEnterprise === true;
        known.isDeemedLarge ||= holder.isDeemedLargeEnterprise === true;
      } else {
        byHolder.set(key, {
          name: (holder.name ?? '').trim() || key,
          ratio: holder.ratio,
          isLarge: holder.isLargeEnterprise === true,
          isDeemedLarge: holder.isDeemedLargeEnterprise === true,
        });
      }
    }
    const total = [...byHolder.values()].reduce((sum, holder) => sum + holder.ratio, 0);
    if (invalid > 0) reasons.push(`株主の保有割合が 0〜1 の範囲にない ${invalid} 件を無視`);
    if (total > 1 + RATIO_EPSILON) {
      reasons.push(`株主の保有割合の合計が ${formatPercent(total)} で100%を超えるため株主情報を使わない`);
      missing.push('majorShareholders');
      notRun.push('株主情報が不正のため (1)(2)(4) は未判定');
    } else {
      holders = [...byHolder.values()];
    }
  }

  if (holders) {
    progress.testsRun += 3;
    const largest = holders.filter((h) => h.isLarge).sort((a, b) => b.ratio - a.ratio)[0];
    if (largest && atLeast(largest.ratio, parameters.singleLargeOwnerMinRatio)) {
      tests.push('SINGLE_LARGE_OWNER');
      reasons.push(`みなし大企業(1): 大企業「${largest.name}」の保有 ${formatPercent(largest.ratio)} ≥ ${formatFraction(parameters.singleLargeOwnerMinRatio)}`);
    }
    const largeTotal = holders.filter((h) => h.isLarge).reduce((sum, h) => sum + h.ratio, 0);
    if (largeTotal > 0 && atLeast(largeTotal, parameters.largeOwnersTotalMinRatio)) {
      tests.push('LARGE_OWNERS_TOTAL');
      reasons.push(`みなし大企業(2): 大企業の保有合計 ${formatPercent(largeTotal)} ≥ ${formatFraction(parameters.largeOwnersTotalMinRatio)}`);
    }
    const deemedTotal = holders.filter((h) => h.isDeemedLarge).reduce((sum, h) => sum + h.ratio, 0);
    if (deemedTotal > 0 && deemedTotal >= 1 - RATIO_EPSILON) {
      tests.push('WHOLLY_OWNED_BY_DEEMED_LARGE');
      reasons.push('みなし大企業(4): 発行済株式・出資の全部を (1)〜(3) に該当する中小企業者が保有');
    }
  }

  // Officers: tests 3 and 5.
  const officersTotal = checkedInteger(input.officersTotal);
  const fromLarge = checkedInteger(input.officersFromLargeEnterprises);
  const fromDeemed = checkedInteger(input.officersFromDeemedLargeEnterprises);
  const total = officersTotal.value;
  if (officersTotal.invalid) reasons.push(`役員総数の値が不正のため無視: ${String(input.officersTotal)}`);
  if (fromLarge.invalid || (fromLarge.value !== null && total !== null && fromLarge.value > total)) {
    reasons.push(`大企業と兼務する役員数の値が不正のため無視: ${String(input.officersFromLargeEnterprises)}`);
    fromLarge.value = null;
    fromLarge.invalid = true;
  }
  if (total === null || total === 0) {
    missing.push('officersTotal');
    if (total === 0) reasons.push('役員総数が0のため役員の基準は使わない');
    notRun.push('役員総数が不明のため (3)(5) は未判定');
  } else {
    if (fromLarge.value === null) {
      missing.push('officersFromLargeEnterprises');
      notRun.push('大企業と兼務する役員数が不明のため (3) は未判定');
    } else {
      progress.testsRun++;
      const ratio = parameters.officersFromLargeMinRatio;
      if (fromLarge.value * ratio.denominator >= ratio.numerator * total) {
        tests.push('OFFICERS_FROM_LARGE');
        reasons.push(`みなし大企業(3): 大企業の役員・職員を兼ねる役員 ${fromLarge.value}/${total}人 ≥ ${formatFraction(ratio)}`);
      }
    }
    if (fromDeemed.invalid || (fromDeemed.value !== null && fromDeemed.value > total)) {
      reasons.push(`みなし大企業と兼務する役員数の値が不正のため無視: ${String(input.officersFromDeemedLargeEnterprises)}`);
    } else if (fromDeemed.value !== null) {
      progress.testsRun++;
      if (fromDeemed.value === total) {
        tests.push('ALL_OFFICERS_FROM_DEEMED_LARGE');
        reasons.push(`みなし大企業(5): 役員全員 (${total}人) が (1)〜(3) に該当する中小企業者の役員・職員を兼ねる`);
      }
    }
  }
}
