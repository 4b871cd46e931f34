/**
 * Once-only prefill as pure functions: what the platform knows about a company (current facts, the latest
 * financial statements, its own company record) turned into the values of a measure's form fields, each with its
 * provenance and whether it is stale.
 *
 * Where a value comes from (the first that applies):
 * 1. financial items (netSalesYen, operatingProfitYen, …): the financials row or the current fact that describes
 *    the later fiscal year; on a tie the financials row (the structured statements) wins. A fact without a fiscal
 *    year (an application answer 「直近期の売上高」) describes the last period closed when it was stated.
 * 2. every other canonical item: the current fact (facts.service currentFacts: NTA registry items, the owner's
 *    entries, earlier applications' answers, gBizINFO, … chosen by source precedence and recency);
 * 3. derived from the company record when no fact states it (法人番号, name, address, postal code, prefecture,
 *    industry, capital, employees, establishment date, representative): source PLATFORM.
 * Measure-specific fields (keys that are not canonical data items) are never prefilled: they are questions of that
 * one form.
 */
import {
  FINANCIAL_AMOUNT_COLUMNS, dataItem, isStale, referenceFiscalYear, type DataItem, type FinancialAmountColumn,
} from '../facts/data-items.js';
import type { FactVersion } from '../facts/precedence.js';

/** One field of a measure's application form (measures.form_fields). */
export interface FormFieldSpec {
  key: string;
  label: string;
  required: boolean;
  /** string | integer | yen | date | boolean | text | enum */
  type: string;
  options?: string[];
  multiple?: boolean;
}

/** A value the platform knows, with its provenance. */
export interface KnownValue {
  key: string;
  value: unknown;
  source: string;
  sourceRef: string | null;
  asOf: Date;
  /** financial items: the fiscal year the value describes */
  fiscalYear?: number | null;
}

/** A form field with what once-only fills in. */
export interface PrefilledValue {
  key: string;
  label: string;
  required: boolean;
  type: string;
  /** the key is a canonical data item (false: a question of this measure only) */
  mapped: boolean;
  value: unknown;
  source: string | null;
  sourceRef: string | null;
  asOf: Date | null;
  /** financial items: the fiscal year the value describes */
  fiscalYear: number | null;
  stale: boolean;
}

/** A measure's form filled from what is known. */
export interface PrefillComputation {
  fields: PrefilledValue[];
  /** share of the fields with a value, 0..1 (1 for a form without fields: nothing is left to type) */
  coverage: number;
  /** share of the required fields with a value, 0..1 (1 when none is required) */
  requiredCoverage: number;
  /** keys of required fields without a value: what the owner still has to type */
  missingRequired: string[];
}

/** The parts of a company row prefill reads. */
export interface PrefillCompany {
  id: number;
  corporateNumber: string | null;
  name: string;
  nameKana: string | null;
  postalCode: string | null;
  prefectureCode: string | null;
  address: string | null;
  industryCode: string | null;
  capitalYen: number | null;
  employees: number | null;
  establishedOn: string | null;
  representativeName: string | null;
  ntaUpdateDate: string | null;
  updatedAt: Date;
}

/** One fiscal year of statements (financials row). */
export type FinancialsRowLike = { fiscalYear: number; source: string; sourceRef: string | null; asOf: Date } & {
  [K in FinancialAmountColumn]: number | null;
};

/**
 * Reads measures.form_fields leniently: entries without a string key are dropped, a missing label falls back to
 * the data item's label, `required` defaults to false and `type` to the item's type (or string).
 */
export function formFieldsOf(raw: unknown): FormFieldSpec[] {
  if (!Array.isArray(raw)) return [];
  const out: FormFieldSpec[] = [];
  for (const entry of raw) {
    if (typeof entry !== 'object' || entry === null) continue;
    const f = entry as Record<string, unknown>;
    if (typeof f.key !== 'string' || f.key === '') continue;
    const item = dataItem(f.key);
    const itemType = item ? (item.type === 'json' ? 'text' : item.type) : 'string';
    out.push({
      key: f.key,
      label: typeof f.label === 'string' ? f.label : item?.label ?? f.key,
      required: f.required === true,
      type: typeof f.type === 'string' ? f.type : itemType,
      ...(Array.isArray(f.options) ? { options: f.options.filter((o): o is string => typeof o === 'string') } : {}),
      ...(f.multiple === true ? { multiple: true } : {}),
    });
  }
  return out;
}

const hasValue = (v: unknown): boolean => v !== null && v !== undefined && v !== '' && !(Array.isArray(v) && v.length === 0);

/**
 * Everything known about a company, one value per item key: current facts, the newest financial statements of
 * each amount, and values derived from the company record. See the module comment for the order.
 */
export function knownValues(company: PrefillCompany, current: readonly FactVersion[], financials: readonly FinancialsRowLike[]): Map<string, KnownValue> {
  const known = new Map<string, KnownValue>();
  for (const f of current) {
    if (hasValue(f.value)) known.set(f.key, { key: f.key, value: f.value, source: f.source, sourceRef: f.sourceRef, asOf: f.asOf });
  }
  const endMonth = typeof known.get('fiscalYearEnd')?.value === 'number' ? (known.get('fiscalYearEnd')!.value as number) : null;
  const newestFirst = [...financials].sort((a, b) => b.fiscalYear - a.fiscalYear);
  for (const column of FINANCIAL_AMOUNT_COLUMNS) {
    const row = newestFirst.find((r) => r[column] !== null && r[column] !== undefined);
    if (!row) continue;
    const fromStatements: KnownValue = {
      key: column, value: row[column], source: row.source, sourceRef: row.sourceRef ?? `financials:${row.fiscalYear}`, asOf: row.asOf, fiscalYear: row.fiscalYear,
    };
    const fact = known.get(column);
    if (fact && referenceFiscalYear(fact, { fiscalYearEndMonth: endMonth }) > row.fiscalYear) continue;
    known.set(column, fromStatements);
  }
  const derived: Array<[string, unknown]> = [
    ['corporateNumber', company.corporateNumber], ['name', company.name], ['nameKana', company.nameKana],
    ['postalCode', company.postalCode], ['address', company.address], ['prefectureCode', company.prefectureCode],
    ['industryCode', company.industryCode], ['capitalYen', company.capitalYen], ['employees', company.employees],
    ['establishedOn', company.establishedOn], ['representativeName', company.representativeName],
  ];
  for (const [key, value] of derived) {
    if (!known.has(key) && hasValue(value)) {
      known.set(key, { key, value, source: 'PLATFORM', sourceRef: `company:${company.id}`, asOf: company.updatedAt });
    }
  }
  return known;
}

/** The value as the field can take it: enum answers restricted to the field's options (null when none fits). */
function fitToField(field: FormFieldSpec, item: DataItem, value: unknown): unknown {
  if (field.type !== 'enum' || !field.options || field.options.length === 0) return value;
  const allowed = new Set(field.options);
  if (Array.isArray(value)) {
    const kept = value.filter((v) => typeof v === 'string' && allowed.has(v));
    return kept.length ? (field.multiple || item.multiple ? kept : kept[0]) : null;
  }
  return typeof value === 'string' && allowed.has(value) ? value : null;
}

/** Fills a form from the known values; `now` decides staleness (per the item's freshness rule). */
export function prefillForm(
  fields: readonly FormFieldSpec[],
  known: ReadonlyMap<string, KnownValue>,
  now: Date,
  company: Pick<PrefillCompany, 'ntaUpdateDate'>,
): PrefillComputation {
  const endValue = known.get('fiscalYearEnd')?.value;
  const context = { ntaUpdateDate: company.ntaUpdateDate, fiscalYearEndMonth: typeof endValue === 'number' ? endValue : null };
  const out = fields.map((field): PrefilledValue => {
    const item = dataItem(field.key);
    const empty: PrefilledValue = {
      key: field.key, label: field.label, required: field.required, type: field.type, mapped: Boolean(item),
      value: null, source: null, sourceRef: null, asOf: null, fiscalYear: null, stale: false,
    };
    const k = item ? known.get(field.key) : undefined;
    if (!item || !k) return empty;
    const value = fitToField(field, item, k.value);
    if (!hasValue(value)) return empty;
    const fiscalYear = item.freshness.kind === 'FISCAL_YEAR' ? referenceFiscalYear(k, context) : null;
    return {
      ...empty, value, source: k.source, sourceRef: k.sourceRef, asOf: k.asOf, fiscalYear,
      stale: isStale(item, k, now, context),
    };
  });
  return prefillOf(out);
}

/** A filled form with its coverage and the required fields still empty. */
export function prefillOf(fields: PrefilledValue[]): PrefillComputation {
  const filled = fields.filter((f) => f.value !== null).length;
  const required = fields.filter((f) => f.required);
  const missingRequired = required.filter((f) => f.value === null).map((f) => f.key);
  return {
    fields,
    coverage: fields.length === 0 ? 1 : filled / fields.length,
    requiredCoverage: required.length === 0 ? 1 : (required.length - missingRequired.length) / required.length,
    missingRequired,
  };
}
