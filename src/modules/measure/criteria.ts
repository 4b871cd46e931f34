/**
 * A small typed rule language for support-measure eligibility, held as JSON in the measure catalogue.
 *
 * A rule is either a combinator (`all`, `any`, `not`) or a leaf that applies one operator to one company
 * data item, e.g. `{ "item": "capitalYen", "lte": 300000000 }`. Evaluation is three-valued (Kleene):
 * a leaf whose item is missing is *unknown*, and the combinators propagate unknowns the way SQL's
 * AND / OR / NOT do, which is why the same rule also compiles to a SQL boolean expression.
 *
 * See ../shared/reference/domain.md §5 (SME definitions) and §7 (measures).
 */

import { CORPORATE_KIND_LABELS, formatYen } from '../../shared/japanese.js';

// ---------------------------------------------------------------------------------------------
// Company facts: the input of the engine
// ---------------------------------------------------------------------------------------------

/** 中小企業基本法 classification (contract enum SmeCategory). `UNKNOWN` is treated as a missing value. */
export const SME_CATEGORIES = ['SMALL', 'MEDIUM', 'LARGE', 'NOT_APPLICABLE', 'UNKNOWN'] as const;
export type SmeCategory = (typeof SME_CATEGORIES)[number];

/** 法人種別 plus sole proprietors (contract enum CorporateKind). */
export const CORPORATE_KINDS = [
  'NATIONAL_AGENCY',
  'LOCAL_GOVERNMENT',
  'KABUSHIKI_KAISHA',
  'YUGEN_KAISHA',
  'GOMEI_KAISHA',
  'GOSHI_KAISHA',
  'GODO_KAISHA',
  'OTHER_REGISTERED',
  'FOREIGN_COMPANY',
  'OTHER',
  'SOLE_PROPRIETOR',
] as const;
export type CorporateKind = (typeof CORPORATE_KINDS)[number];

/** A value an extension item may hold. */
export type ExtensionValue = string | number | boolean | readonly string[] | null | undefined;

/**
 * What the engine knows about one company. Every item is optional: a missing (null/undefined) item makes
 * the leaves that read it unknown. Derived items (smeCategory, deemedLarge, yearsInBusiness) are computed
 * by the caller; {@link DERIVED_ITEM_INPUTS} says which canonical data items they come from.
 */
export interface CompanyFacts {
  smeCategory?: SmeCategory | null;
  /** みなし大企業 */
  deemedLarge?: boolean | null;
  /** JSIC code: major division letter, optionally followed by a middle/minor code ("E", "E19", "G391"). */
  industryCode?: string | null;
  /** 常時使用する従業員数 */
  employees?: number | null;
  capitalYen?: number | null;
  /** JIS X 0401 two-digit code, "01".."47". */
  prefectureCode?: string | null;
  /** Completed years since the business started (see {@link yearsInBusinessOn}). */
  yearsInBusiness?: number | null;
  kind?: CorporateKind | null;
  /** Canonical names of certifications held, e.g. "経営力向上計画". */
  certifications?: readonly string[] | null;
  /** Measure ids (or titles) of support already received. */
  supportReceived?: readonly string[] | null;
  /** Average taxable income over the last three filed years. */
  averageTaxableIncomeYen?: number | null;
  netSalesYen?: number | null;
  /** ISO date YYYY-MM-DD. */
  establishedOn?: string | null;
  isClosed?: boolean | null;
  /** Jグランツ use_purpose values the company asked for. */
  needs?: readonly string[] | null;
  /** Open map of further data items, read by rules as `ext.<key>` (key = canonical data item key). */
  extensions?: Readonly<Record<string, ExtensionValue>> | null;
}

/** The value type of a data item, which decides the operators a rule may apply to it. */
export type ItemType = 'number' | 'string' | 'boolean' | 'date' | 'stringArray';

/** Names of the items {@link CompanyFacts} declares directly. */
export type KnownItem = Exclude<keyof CompanyFacts, 'extensions'>;

/** An item a rule may read: a known item or `ext.<key>` for an extension item. */
export type ItemName = KnownItem | `ext.${string}`;

interface KnownItemSpec {
  readonly type: ItemType;
  /** Japanese label, used in details and missing-data messages. */
  readonly label: string;
  /** Allowed string values (enums). */
  readonly values?: readonly string[];
  /** Pattern a string operand must match. */
  readonly pattern?: RegExp;
  /** Unit appended to numbers in details. */
  readonly unit?: 'yen' | '人' | '年';
}

const JSIC_CODE = /^[A-T][0-9]{0,4}$/;
const PREFECTURE_CODE = /^(0[1-9]|[1-3][0-9]|4[0-7])$/;

/** Every known item with its type and Japanese label. */
export const KNOWN_ITEMS: Readonly<Record<KnownItem, KnownItemSpec>> = {
  smeCategory: { type: 'string', label: '中小企業区分', values: SME_CATEGORIES.filter((c) => c !== 'UNKNOWN') },
  deemedLarge: { type: 'boolean', label: 'みなし大企業該当' },
  industryCode: { type: 'string', label: '業種（日本標準産業分類）', pattern: JSIC_CODE },
  employees: { type: 'number', label: '従業員数', unit: '人' },
  capitalYen: { type: 'number', label: '資本金', unit: 'yen' },
  prefectureCode: { type: 'string', label: '所在都道府県', pattern: PREFECTURE_CODE },
  yearsInBusiness: { type: 'number', label: '事業年数', unit: '年' },
  kind: { type: 'string', label: '法人種別', values: CORPORATE_KINDS },
  certifications: { type: 'stringArray', label: '認定・承認等' },
  supportReceived: { type: 'stringArray', label: '支援の受給歴' },
  averageTaxableIncomeYen: { type: 'number', label: '過去3年の平均課税所得', unit: 'yen' },
  netSalesYen: { type: 'number', label: '売上高', unit: 'yen' },
  establishedOn: { type: 'date', label: '設立（開業）年月日' },
  isClosed: { type: 'boolean', label: '廃業・閉鎖' },
  needs: { type: 'stringArray', label: '支援ニーズ' },
};

/**
 * Japanese labels for extension items the catalogue uses. Other extension keys are shown as written.
 * A label may carry a unit for numbers (`%`, `円`, `か月`).
 */
export const EXTENSION_ITEM_LABELS: Readonly<Record<string, { label: string; unit?: string }>> = {
  salesDeclinePercent: { label: '売上高等の減少率', unit: '%' },
  profitMarginDeclined: { label: '利益率の低下' },
  minimumWageGapYen: { label: '事業場内最低賃金と地域別最低賃金の差額', unit: '円' },
  ownedByLargeCapitalParent: { label: '資本金5億円以上の法人による100%保有' },
  chamberGuidanceMonths: { label: '商工会・商工会議所の経営指導を受けた期間', unit: 'か月' },
  taxesPaidInFull: { label: '税金の完納' },
  blueReturn: { label: '青色申告' },
  sn4DesignatedArea: { label: 'セーフティネット保証4号の指定地域内での事業' },
  sn5DesignatedIndustry: { label: 'セーフティネット保証5号の指定業種での事業' },
  successorPlanned: { label: '後継者の決定' },
  exporting: { label: '輸出・海外展開の実施または計画' },
  acquirer: { label: 'M&Aの買い手（譲受側）' },
  seller: { label: 'M&Aの売り手（譲渡側）' },
  closingBusinessPlanned: { label: '廃業の予定' },
  personalGuaranteeRequired: { label: '経営者保証の提供' },
  listed: { label: '株式の上場' },
};

/** For derived items: the canonical data items a caller needs to compute them. */
export const DERIVED_ITEM_INPUTS: Readonly<Partial<Record<KnownItem, readonly string[]>>> = {
  smeCategory: ['industryCode', 'capitalYen', 'employees', 'kind'],
  deemedLarge: ['majorShareholders', 'officersTotal', 'officersFromLargeEnterprises'],
  yearsInBusiness: ['establishedOn'],
  isClosed: ['closedOn'],
};

// ---------------------------------------------------------------------------------------------
// Rules
// ---------------------------------------------------------------------------------------------

/** Scalar operand of eq / ne. */
export type Scalar = string | number | boolean;

export type LeafRule =
  | { readonly item: ItemName; readonly eq: Scalar }
  | { readonly item: ItemName; readonly ne: Scalar }
  | { readonly item: ItemName; readonly gt: number | string }
  | { readonly item: ItemName; readonly gte: number | string }
  | { readonly item: ItemName; readonly lt: number | string }
  | { readonly item: ItemName; readonly lte: number | string }
  /** scalar item: value is one of the list; string-array item: the arrays overlap */
  | { readonly item: ItemName; readonly in: readonly (string | number)[] }
  /** string item starts with one of the prefixes (JSIC division/middle codes) */
  | { readonly item: ItemName; readonly prefixIn: readonly string[] }
  /** string-array item holds this element */
  | { readonly item: ItemName; readonly contains: string };

export type Rule =
  | LeafRule
  | { readonly all: readonly Rule[] }
  | { readonly any: readonly Rule[] }
  | { readonly not: Rule };

export const LEAF_OPERATORS = ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in', 'prefixIn', 'contains'] as const;
export type LeafOperator = (typeof LEAF_OPERATORS)[number];

const OPERATORS_BY_TYPE: Readonly<Record<ItemType, readonly LeafOperator[]>> = {
  number: ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in'],
  date: ['eq', 'ne', 'gt', 'gte', 'lt', 'lte'],
  string: ['eq', 'ne', 'in', 'prefixIn'],
  boolean: ['eq', 'ne'],
  stringArray: ['in', 'contains'],
};

/** A criterion of a measure: a rule plus what it means and whether it excludes. */
export interface Criterion {
  /** Stable id, e.g. "jizokuka.small-enterprise". */
  readonly id: string;
  /** Japanese statement of the requirement. */
  readonly description: string;
  /** Hard criteria decide eligibility; soft ones only add to the fit score. */
  readonly hard: boolean;
  readonly rule: Rule;
  /** Weight of a soft criterion in the fit score (default 1). */
  readonly weight?: number;
}

/** A leaf split into its parts. */
export interface LeafParts {
  readonly item: ItemName;
  readonly op: LeafOperator;
  readonly operand: Scalar | readonly (string | number)[];
}

/** Splits a leaf rule into item, operator and operand. */
export function leafParts(leaf: LeafRule): LeafParts {
  for (const op of LEAF_OPERATORS) {
    if (op in leaf) return { item: leaf.item, op, operand: (leaf as unknown as Record<string, LeafParts['operand']>)[op]! };
  }
  throw new Error(`rule leaf on ${leaf.item} has no operator`);
}

function isLeaf(rule: Rule): rule is LeafRule {
  return 'item' in rule;
}

/** Items a rule reads, in order of first appearance. */
export function ruleItems(rule: Rule): ItemName[] {
  const seen = new Set<ItemName>();
  const visit = (r: Rule): void => {
    if (isLeaf(r)) seen.add(r.item);
    else if ('all' in r) r.all.forEach(visit);
    else if ('any' in r) r.any.forEach(visit);
    else visit(r.not);
  };
  visit(rule);
  return [...seen];
}

// ---------------------------------------------------------------------------------------------
// Parsing (shape validation)
// ---------------------------------------------------------------------------------------------

/** A rule or criterion whose JSON shape is wrong; `path` names where, e.g. `rule.all[1].in`. */
export class RuleParseError extends Error {
  constructor(
    readonly path: string,
    readonly problem: string,
  ) {
    super(`${path}: ${problem}`);
    this.name = 'RuleParseError';
  }
}

const EXTENSION_ITEM = /^ext\.[A-Za-z][A-Za-z0-9_]*$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const CRITERION_ID = /^[a-z0-9]+(?:[-.][a-z0-9]+)*$/;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isIsoDate(value: string): boolean {
  if (!ISO_DATE.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
}

function describeJson(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'string' ? `"${value}"` : typeof value === 'object' ? 'an object' : String(value);
}

/** The type of an item; for extension items it is inferred from the operator and operand. */
function itemTypeFor(item: ItemName, op: LeafOperator, operand: unknown): ItemType {
  if (!item.startsWith('ext.')) return KNOWN_ITEMS[item as KnownItem].type;
  if (op === 'contains') return 'stringArray';
  const sample = Array.isArray(operand) ? operand[0] : operand;
  if (typeof sample === 'number') return 'number';
  if (typeof sample === 'boolean') return 'boolean';
  if (typeof sample === 'string' && ['gt', 'gte', 'lt', 'lte'].includes(op)) return 'date';
  return 'string';
}

function parseLeaf(json: Record<string, unknown>, path: string): LeafRule {
  const item = json.item;
  if (typeof item !== 'string') throw new RuleParseError(`${path}.item`, `must be a string, got ${describeJson(item)}`);
  const isExtension = item.startsWith('ext.');
  if (isExtension ? !EXTENSION_ITEM.test(item) : !(item in KNOWN_ITEMS)) {
    throw new RuleParseError(
      `${path}.item`,
      `unknown item "${item}" (known: ${Object.keys(KNOWN_ITEMS).join(', ')}; or ext.<key> for an extension item)`,
    );
  }
  const others = Object.keys(json).filter((key) => key !== 'item');
  const unknownKeys = others.filter((key) => !(LEAF_OPERATORS as readonly string[]).includes(key));
  if (unknownKeys.length > 0) {
    throw new RuleParseError(path, `unknown key "${unknownKeys[0]}" (operators: ${LEAF_OPERATORS.join(', ')})`);
  }
  if (others.length !== 1) {
    throw new RuleParseError(path, others.length === 0 ? `no operator for item "${item}"` : `more than one operator (${others.join(', ')}); combine leaves with "all"`);
  }
  const op = others[0] as LeafOperator;
  const operand = json[op];
  const opPath = `${path}.${op}`;
  const type = itemTypeFor(item as ItemName, op, operand);
  if (!OPERATORS_BY_TYPE[type].includes(op)) {
    throw new RuleParseError(opPath, `operator "${op}" does not apply to ${type} item "${item}" (allowed: ${OPERATORS_BY_TYPE[type].join(', ')})`);
  }
  const spec = isExtension ? undefined : KNOWN_ITEMS[item as KnownItem];

  const checkString = (value: unknown, at: string, prefix = false): string => {
    if (typeof value !== 'string' || value.length === 0) throw new RuleParseError(at, `must be a non-empty string, got ${describeJson(value)}`);
    if (spec?.values && !prefix && !spec.values.includes(value)) {
      throw new RuleParseError(at, `"${value}" is not a value of ${item} (${spec.values.join(', ')})`);
    }
    if (spec?.pattern && !spec.pattern.test(value)) throw new RuleParseError(at, `"${value}" is not a valid ${item}`);
    return value;
  };
  const checkScalar = (value: unknown, at: string): Scalar => {
    switch (type) {
      case 'number':
        if (typeof value !== 'number' || !Number.isFinite(value)) throw new RuleParseError(at, `must be a finite number, got ${describeJson(value)}`);
        return value;
      case 'boolean':
        if (typeof value !== 'boolean') throw new RuleParseError(at, `must be true or false, got ${describeJson(value)}`);
        return value;
      case 'date':
        if (typeof value !== 'string' || !isIsoDate(value)) throw new RuleParseError(at, `must be an ISO date YYYY-MM-DD, got ${describeJson(value)}`);
        return value;
      default:
        return checkString(value, at);
    }
  };
  const checkList = (value: unknown, check: (element: unknown, at: string) => string | number): (string | number)[] => {
    if (!Array.isArray(value) || value.length === 0) throw new RuleParseError(opPath, `must be a non-empty array, got ${describeJson(value)}`);
    return value.map((element, index) => check(element, `${opPath}[${index}]`));
  };

  switch (op) {
    case 'in': {
      // Every element is checked against the one type inferred for the item, so lists never mix types.
      const list = checkList(operand, (element, at) =>
        type === 'stringArray' ? checkString(element, at) : (checkScalar(element, at) as string | number),
      );
      return { item: item as ItemName, in: list };
    }
    case 'prefixIn':
      return { item: item as ItemName, prefixIn: checkList(operand, (element, at) => checkString(element, at, true)) as string[] };
    case 'contains':
      return { item: item as ItemName, contains: checkString(operand, opPath) };
    default:
      return { item: item as ItemName, [op]: checkScalar(operand, opPath) } as LeafRule;
  }
}

/**
 * Validates the JSON shape of a rule and returns it typed. Throws {@link RuleParseError} naming the path of
 * the first problem (unknown keys or items, operators that do not fit the item's type, bad operands, empty
 * lists), so a bad catalogue fails when it is loaded rather than when it is evaluated.
 */
export function parseRule(json: unknown, path = 'rule'): Rule {
  if (!isPlainObject(json)) throw new RuleParseError(path, `must be an object, got ${describeJson(json)}`);
  if ('item' in json) return parseLeaf(json, path);
  const keys = Object.keys(json);
  if (keys.length !== 1) {
    throw new RuleParseError(path, keys.length === 0 ? 'empty rule: expected "all", "any", "not" or "item"' : `expected exactly one of "all", "any", "not" (got ${keys.join(', ')})`);
  }
  const key = keys[0]!;
  const body = json[key];
  switch (key) {
    case 'all':
    case 'any': {
      if (!Array.isArray(body) || body.length === 0) throw new RuleParseError(`${path}.${key}`, `must be a non-empty array of rules, got ${describeJson(body)}`);
      const rules = body.map((child, index) => parseRule(child, `${path}.${key}[${index}]`));
      return key === 'all' ? { all: rules } : { any: rules };
    }
    case 'not':
      return { not: parseRule(body, `${path}.not`) };
    default:
      throw new RuleParseError(path, `unknown key "${key}": expected "all", "any", "not" or "item"`);
  }
}

/** Validates a criterion object (id, description, hard, rule, weight) and returns it typed. */
export function parseCriterion(json: unknown, path = 'criterion'): Criterion {
  if (!isPlainObject(json)) throw new RuleParseError(path, `must be an object, got ${describeJson(json)}`);
  const allowed = ['id', 'description', 'hard', 'rule', 'weight'];
  const unknownKey = Object.keys(json).find((key) => !allowed.includes(key));
  if (unknownKey !== undefined) throw new RuleParseError(path, `unknown key "${unknownKey}" (allowed: ${allowed.join(', ')})`);
  const { id, description, hard, rule, weight } = json;
  if (typeof id !== 'string' || !CRITERION_ID.test(id)) {
    throw new RuleParseError(`${path}.id`, `must be a lowercase dotted/dashed slug such as "jizokuka.small-enterprise", got ${describeJson(id)}`);
  }
  if (typeof description !== 'string' || description.trim().length === 0) throw new RuleParseError(`${path}.description`, 'must be a non-empty string');
  if (typeof hard !== 'boolean') throw new RuleParseError(`${path}.hard`, `must be true or false, got ${describeJson(hard)}`);
  const parsedRule = parseRule(rule, `${path}.rule`);
  if (weight !== undefined) {
    if (hard) throw new RuleParseError(`${path}.weight`, 'only soft criteria carry a weight');
    if (typeof weight !== 'number' || !Number.isFinite(weight) || weight <= 0) throw new RuleParseError(`${path}.weight`, `must be a positive number, got ${describeJson(weight)}`);
    return { id, description, hard, rule: parsedRule, weight };
  }
  return { id, description, hard, rule: parsedRule };
}

// ---------------------------------------------------------------------------------------------
// Evaluation (three-valued)
// ---------------------------------------------------------------------------------------------

/** A three-valued truth: true, false or null (unknown). */
export type Truth = boolean | null;

/** The result of a rule: its truth and, when unknown, the items whose absence made it so. */
export interface RuleResult {
  readonly value: Truth;
  /** Items missing (or holding a value of the wrong type) that would decide the rule; empty unless value is null. */
  readonly missing: readonly ItemName[];
}

type ItemValue = string | number | boolean | readonly string[];

/** Reads an item from the facts; null when missing, or when the value does not have the item's type. */
function readItem(facts: CompanyFacts, item: ItemName): ItemValue | null {
  let raw: unknown;
  if (item.startsWith('ext.')) raw = facts.extensions?.[item.slice(4)];
  else raw = facts[item as KnownItem];
  if (raw === null || raw === undefined) return null;
  if (item === 'smeCategory' && raw === 'UNKNOWN') return null;
  if (typeof raw === 'number') return Number.isFinite(raw) ? raw : null;
  if (typeof raw === 'string' || typeof raw === 'boolean') return raw;
  if (Array.isArray(raw) && raw.every((element) => typeof element === 'string')) return raw as readonly string[];
  return null;
}

function typeMatches(type: ItemType, actual: ItemValue): boolean {
  switch (type) {
    case 'number':
      return typeof actual === 'number';
    case 'boolean':
      return typeof actual === 'boolean';
    case 'stringArray':
      return Array.isArray(actual);
    case 'date':
      return typeof actual === 'string' && isIsoDate(actual.slice(0, 10));
    case 'string':
      return typeof actual === 'string';
  }
}

function compare(actual: number | string, op: 'gt' | 'gte' | 'lt' | 'lte', operand: number | string): boolean {
  switch (op) {
    case 'gt':
      return actual > operand;
    case 'gte':
      return actual >= operand;
    case 'lt':
      return actual < operand;
    case 'lte':
      return actual <= operand;
  }
}

function evaluateLeaf(leaf: LeafRule, facts: CompanyFacts): RuleResult {
  const { item, op, operand } = leafParts(leaf);
  const actual = readItem(facts, item);
  // For `in` on an extension item the runtime value decides between membership and overlap.
  const type = item.startsWith('ext.') && op === 'in' && Array.isArray(actual) ? 'stringArray' : itemTypeFor(item, op, operand);
  if (actual === null || !typeMatches(type, actual)) return { value: null, missing: [item] };
  const scalar = type === 'date' ? (actual as string).slice(0, 10) : actual;
  let value: boolean;
  switch (op) {
    case 'eq':
      value = scalar === operand;
      break;
    case 'ne':
      value = scalar !== operand;
      break;
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      value = compare(scalar as number | string, op, operand as number | string);
      break;
    case 'in': {
      const list = operand as readonly (string | number)[];
      value = Array.isArray(actual) ? actual.some((element) => list.includes(element)) : list.includes(scalar as string | number);
      break;
    }
    case 'prefixIn':
      value = (operand as readonly string[]).some((prefix) => (scalar as string).startsWith(prefix));
      break;
    case 'contains':
      value = (actual as readonly string[]).includes(operand as string);
      break;
  }
  return { value, missing: [] };
}

function union(results: readonly RuleResult[]): ItemName[] {
  return [...new Set(results.flatMap((result) => result.missing))];
}

/**
 * Evaluates a rule with Kleene logic: `all` is false if any child is false, else unknown if any is unknown;
 * `any` is true if any child is true, else unknown if any is unknown; `not` keeps unknown unknown.
 * `missing` lists the items that leave the result unknown (empty when it is decided).
 */
export function evaluateRule(rule: Rule, facts: CompanyFacts): RuleResult {
  if (isLeaf(rule)) return evaluateLeaf(rule, facts);
  if ('not' in rule) {
    const inner = evaluateRule(rule.not, facts);
    return { value: inner.value === null ? null : !inner.value, missing: inner.missing };
  }
  const isAll = 'all' in rule;
  const results = (isAll ? rule.all : rule.any).map((child) => evaluateRule(child, facts));
  const decisive = !isAll; // `all` is decided by a false child, `any` by a true one
  if (results.some((result) => result.value === decisive)) return { value: decisive, missing: [] };
  const unknown = results.filter((result) => result.value === null);
  if (unknown.length > 0) return { value: null, missing: union(unknown) };
  return { value: !decisive, missing: [] };
}

// ---------------------------------------------------------------------------------------------
// Japanese details
// ---------------------------------------------------------------------------------------------

const SME_CATEGORY_LABELS: Readonly<Record<SmeCategory, string>> = {
  SMALL: '小規模企業者',
  MEDIUM: '中小企業者（小規模企業者以外）',
  LARGE: '大企業',
  NOT_APPLICABLE: '中小企業基本法の対象外',
  UNKNOWN: '判定不能',
};


/** JIS X 0401 prefecture names by code. */
export const PREFECTURE_NAMES: Readonly<Record<string, string>> = Object.fromEntries(
  [
    '北海道', '青森県', '岩手県', '宮城県', '秋田県', '山形県', '福島県', '茨城県', '栃木県', '群馬県', '埼玉県', '千葉県',
    '東京都', '神奈川県', '新潟県', '富山県', '石川県', '福井県', '山梨県', '長野県', '岐阜県', '静岡県', '愛知県', '三重県',
    '滋賀県', '京都府', '大阪府', '兵庫県', '奈良県', '和歌山県', '鳥取県', '島根県', '岡山県', '広島県', '山口県', '徳島県',
    '香川県', '愛媛県', '高知県', '福岡県', '佐賀県', '長崎県', '熊本県', '大分県', '宮崎県', '鹿児島県', '沖縄県',
  ].map((name, index) => [String(index + 1).padStart(2, '0'), name]),
);

export { formatYen };

/** The Japanese label of an item (known, well-known extension, or the raw key). */
export function itemLabel(item: ItemName): string {
  if (item.startsWith('ext.')) return EXTENSION_ITEM_LABELS[item.slice(4)]?.label ?? item.slice(4);
  return KNOWN_ITEMS[item as KnownItem].label;
}

function formatList(values: readonly string[]): string {
  if (values.length === 0) return 'なし';
  const shown = values.slice(0, 5).join('、');
  return values.length > 5 ? `${shown} ほか${values.length - 5}件` : shown;
}

/** Describes an item's current value in Japanese, e.g. "資本金1億円", "従業員数12人", "業種: E24". */
export function describeItemValue(item: ItemName, actual: ItemValue): string {
  const label = itemLabel(item);
  if (Array.isArray(actual)) return `${label}: ${formatList(actual)}`;
  if (item.startsWith('ext.')) {
    const unit = EXTENSION_ITEM_LABELS[item.slice(4)]?.unit;
    if (typeof actual === 'boolean') return `${label}: ${actual ? 'あり' : 'なし'}`;
    if (typeof actual === 'number' && unit === '円') return `${label}${formatYen(actual)}`;
    return `${label}: ${String(actual)}${typeof actual === 'number' && unit ? unit : ''}`;
  }
  switch (item as KnownItem) {
    case 'smeCategory':
      return `${label}: ${SME_CATEGORY_LABELS[actual as SmeCategory] ?? String(actual)}`;
    case 'kind':
      return `${label}: ${CORPORATE_KIND_LABELS[actual as CorporateKind] ?? String(actual)}`;
    case 'prefectureCode':
      return `${label}: ${PREFECTURE_NAMES[actual as string] ?? String(actual)}`;
    case 'deemedLarge':
      return actual ? 'みなし大企業に該当' : 'みなし大企業に非該当';
    case 'isClosed':
      return actual ? '廃業・閉鎖済み' : '事業継続中';
    default:
      break;
  }
  const spec = KNOWN_ITEMS[item as KnownItem];
  if (typeof actual === 'number') {
    if (spec.unit === 'yen') return `${label}${formatYen(actual)}`;
    const shown = Number.isInteger(actual) ? actual.toLocaleString('ja-JP') : actual.toFixed(1);
    return `${label}${shown}${spec.unit ?? ''}`;
  }
  return `${label}: ${String(actual)}`;
}

/** The outcome of one criterion for one company. */
export interface CriterionEvaluation {
  /** null when the data to decide is missing */
  readonly passed: boolean | null;
  /** Japanese explanation, e.g. "製造業: 資本金3億円以下 — 資本金1億円" or "従業員数が未登録のため判定できません（…）". */
  readonly detail: string;
  /** Items that would decide the criterion (empty when decided). */
  readonly missing: string[];
}

/**
 * Evaluates one criterion against a company's facts, three-valued, with a Japanese detail: the description
 * followed by the values it was judged on, or which items are not registered.
 */
export function evaluateCriterion(criterion: Criterion, facts: CompanyFacts): CriterionEvaluation {
  const result = evaluateRule(criterion.rule, facts);
  if (result.value === null) {
    const labels = result.missing.map(itemLabel).join('・');
    return { passed: null, detail: `${labels}が未登録のため判定できません（${criterion.description}）`, missing: [...result.missing] };
  }
  const known = ruleItems(criterion.rule)
    .map((item) => [item, readItem(facts, item)] as const)
    .filter((entry): entry is readonly [ItemName, ItemValue] => entry[1] !== null)
    .map(([item, actual]) => describeItemValue(item, actual));
  const values = known.join('、');
  if (result.value) return { passed: true, detail: `${criterion.description} — ${values}`, missing: [] };
  const verdict = criterion.hard ? 'のため要件を満たしません' : 'のため該当しません';
  return { passed: false, detail: `${criterion.description} — ${values}${verdict}`, missing: [] };
}

export type EligibilityVerdict = 'ELIGIBLE' | 'INELIGIBLE' | 'UNKNOWN';

/** One criterion's check inside an eligibility result (contract type EligibilityCheck plus `missing`). */
export interface EligibilityCheckResult extends CriterionEvaluation {
  readonly criterion: Criterion;
}

export interface EligibilityResult {
  readonly verdict: EligibilityVerdict;
  /** One check per criterion, in catalogue order. */
  readonly checks: EligibilityCheckResult[];
  /** Items that would make the verdict certain: missing items of the undecided hard criteria. */
  readonly missing: string[];
  /** Fit among soft criteria: weights of passed soft criteria over the weight of all soft criteria (0..1; 0 when none). */
  readonly softScore: number;
}

/**
 * Evaluates every criterion of a measure. The verdict is INELIGIBLE if any hard criterion is false, UNKNOWN if
 * none is false but some hard one is unknown, else ELIGIBLE; soft criteria never change the verdict.
 */
export function evaluateEligibility(criteria: readonly Criterion[], facts: CompanyFacts): EligibilityResult {
  const checks = criteria.map((criterion) => ({ criterion, ...evaluateCriterion(criterion, facts) }));
  const hard = checks.filter((check) => check.criterion.hard);
  const verdict: EligibilityVerdict = hard.some((check) => check.passed === false)
    ? 'INELIGIBLE'
    : hard.some((check) => check.passed === null)
      ? 'UNKNOWN'
      : 'ELIGIBLE';
  const missing = verdict === 'UNKNOWN' ? [...new Set(hard.flatMap((check) => check.missing))] : [];
  const soft = checks.filter((check) => !check.criterion.hard);
  const totalWeight = soft.reduce((sum, check) => sum + (check.criterion.weight ?? 1), 0);
  const passedWeight = soft.filter((check) => check.passed === true).reduce((sum, check) => sum + (check.criterion.weight ?? 1), 0);
  return { verdict, checks, missing, softScore: totalWeight === 0 ? 0 : passedWeight / totalWeight };
}

/**
 * Maps the items of a `missing` list to canonical data item keys a user can fill in: extension items lose
 * their `ext.` prefix and derived items expand to their inputs (smeCategory → industryCode, capitalYen, ...).
 */
export function missingDataKeys(missing: readonly string[]): string[] {
  const keys = missing.flatMap((item) => {
    if (item.startsWith('ext.')) return [item.slice(4)];
    return DERIVED_ITEM_INPUTS[item as KnownItem] ?? [item];
  });
  return [...new Set(keys)];
}

/**
 * Completed years between an ISO start date and a day (the `yearsInBusiness` item): 2020-04-01 → 2026-03-31
 * is 5, → 2026-04-01 is 6. Returns null for an invalid date and 0 for a start in the future.
 */
export function yearsInBusinessOn(establishedOn: string, asOf: Date): number | null {
  const start = establishedOn.slice(0, 10);
  if (!isIsoDate(start)) return null;
  const [year, month, day] = start.split('-').map(Number) as [number, number, number];
  let years = asOf.getUTCFullYear() - year;
  const beforeAnniversary = asOf.getUTCMonth() + 1 < month || (asOf.getUTCMonth() + 1 === month && asOf.getUTCDate() < day);
  if (beforeAnniversary) years -= 1;
  return Math.max(0, years);
}

// ---------------------------------------------------------------------------------------------
// SQL compilation
// ---------------------------------------------------------------------------------------------

/** Where a data item lives in SQL: a column (or any trusted SQL expression) and, for extension items, its type. */
export interface SqlColumn {
  /** Trusted SQL written by developers (never user input), e.g. `c.employees` or `(c.facts->>'x')`. */
  readonly column: string;
  /** Needed for extension items whose `in` should mean array overlap (stringArray). */
  readonly type?: ItemType;
}

/** Columns per item name (`ext.<key>` for extension items). */
export type ColumnMap = Readonly<Partial<Record<ItemName, string | SqlColumn>>>;

export interface CompiledSql {
  /** A boolean SQL expression: TRUE, FALSE or NULL (unknown) per row. */
  readonly sql: string;
  /** Positional parameters for `$n` placeholders. */
  readonly params: unknown[];
}

export interface CompileOptions {
  /** Number of the first placeholder (default 1), to embed the expression in a larger query. */
  readonly firstParamIndex?: number;
}

const SQL_TYPES: Readonly<Record<ItemType, string>> = {
  number: 'numeric',
  string: 'text',
  boolean: 'boolean',
  date: 'date',
  stringArray: 'text[]',
};

class SqlBuilder {
  readonly params: unknown[] = [];
  constructor(
    private readonly columns: ColumnMap,
    private readonly firstParamIndex: number,
  ) {}

  param(value: unknown, sqlType: string): string {
    this.params.push(value);
    return `$${this.firstParamIndex + this.params.length - 1}::${sqlType}`;
  }

  column(item: ItemName, op: LeafOperator, operand: LeafParts['operand']): { expr: string; type: ItemType } {
    const entry = this.columns[item];
    if (entry === undefined) throw new Error(`no SQL column mapped for item "${item}"`);
    const { column, type: declared } = typeof entry === 'string' ? { column: entry, type: undefined } : entry;
    if (column.trim().length === 0) throw new Error(`empty SQL column for item "${item}"`);
    const type = item.startsWith('ext.') ? (declared ?? itemTypeFor(item, op, operand)) : KNOWN_ITEMS[item as KnownItem].type;
    let expr = `(${column})::${SQL_TYPES[type]}`;
    // The contract's UNKNOWN category means "not enough data": make it NULL like a missing value.
    if (item === 'smeCategory') expr = `NULLIF(${expr}, 'UNKNOWN')`;
    return { expr, type };
  }

  compile(rule: Rule): string {
    if ('all' in rule) return `(${rule.all.map((child) => this.compile(child)).join(' AND ')})`;
    if ('any' in rule) return `(${rule.any.map((child) => this.compile(child)).join(' OR ')})`;
    if ('not' in rule) return `(NOT ${this.compile(rule.not)})`;
    const { item, op, operand } = leafParts(rule);
    const { expr, type } = this.column(item, op, operand);
    const scalarType = type === 'stringArray' ? 'text' : SQL_TYPES[type];
    switch (op) {
      case 'eq':
        return `(${expr} = ${this.param(operand, scalarType)})`;
      case 'ne':
        return `(${expr} <> ${this.param(operand, scalarType)})`;
      case 'gt':
        return `(${expr} > ${this.param(operand, scalarType)})`;
      case 'gte':
        return `(${expr} >= ${this.param(operand, scalarType)})`;
      case 'lt':
        return `(${expr} < ${this.param(operand, scalarType)})`;
      case 'lte':
        return `(${expr} <= ${this.param(operand, scalarType)})`;
      case 'in':
        return type === 'stringArray'
          ? `(${expr} && ${this.param(operand, 'text[]')})`
          : `(${expr} = ANY(${this.param(operand, `${scalarType}[]`)}))`;
      case 'prefixIn':
        return `(${(operand as readonly string[]).map((prefix) => `starts_with(${expr}, ${this.param(prefix, 'text')})`).join(' OR ')})`;
      case 'contains':
        return `(${expr} @> ${this.param([operand], 'text[]')})`;
    }
  }
}

/**
 * Compiles a rule to a PostgreSQL boolean expression over a table whose columns hold the data items. The
 * result is three-valued like {@link evaluateRule}: SQL NULL stands for unknown, and SQL's AND / OR / NOT
 * follow the same Kleene tables; `in` on a text[] column is overlap (`&&`), `contains` is `@>`. Every
 * operand is a typed positional parameter; column expressions are trusted input and are wrapped and cast.
 */
export function compileRuleToSql(rule: Rule, columns: ColumnMap, options: CompileOptions = {}): CompiledSql {
  const builder = new SqlBuilder(columns, options.firstParamIndex ?? 1);
  const sql = builder.compile(rule);
  return { sql, params: builder.params };
}

/**
 * Compiles the hard criteria of a measure to a SQL expression yielding 'ELIGIBLE', 'INELIGIBLE' or 'UNKNOWN'
 * per row, the same verdict as {@link evaluateEligibility} (soft criteria are ignored).
 */
export function compileEligibilityToSql(criteria: readonly Criterion[], columns: ColumnMap, options: CompileOptions = {}): CompiledSql {
  const hard = criteria.filter((criterion) => criterion.hard);
  if (hard.length === 0) return { sql: `'ELIGIBLE'`, params: [] };
  const builder = new SqlBuilder(columns, options.firstParamIndex ?? 1);
  const conjunction = hard.map((criterion) => builder.compile(criterion.rule)).join(' AND ');
  return {
    sql: `(CASE (${conjunction}) WHEN TRUE THEN 'ELIGIBLE' WHEN FALSE THEN 'INELIGIBLE' ELSE 'UNKNOWN' END)`,
    params: builder.params,
  };
}
