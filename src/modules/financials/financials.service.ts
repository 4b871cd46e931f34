import { and, eq, sql } from 'drizzle-orm';
import type { Context } from '../../context.js';
import type { Db } from '../../db/client.js';
import { facts, financials } from '../../db/schema/index.js';
import { tokyoDateOf } from '../../shared/auth/policy.js';
import { badInput } from '../../shared/errors.js';
import { financialsLoader } from '../company/company.service.js';
import type { CompanyRow } from '../company/company.type.js';
import { FINANCIAL_AMOUNT_COLUMNS, financialsVersionKey, validateDataItem, type FinancialAmountColumn } from '../facts/data-items.js';
import { companyActedOnAsOwner, requireUserSub } from '../facts/facts.service.js';
import { computeLocalBenchmark, type LocalBenchmarkResult } from './local-benchmark.js';

/** A stored financials row. */
export type FinancialsRow = typeof financials.$inferSelect;

/** The statement columns of a financials row (amounts and employees). */
export type StatementValues = { [K in FinancialAmountColumn]?: number | null } & { employees?: number | null };

/** recordFinancials input: the company, the fiscal year and the statements (absent = keep, null = clear). */
export interface RecordFinancialsRequest extends StatementValues {
  corporateNumber?: string | null;
  companyId?: string | number | null;
  fiscalYear: number;
}

const STATEMENT_COLUMNS = [...FINANCIAL_AMOUNT_COLUMNS, 'employees'] as const;
type StatementColumn = (typeof STATEMENT_COLUMNS)[number];

/** The statements of a row (or input) as a plain object: every column, null when absent. */
export function statementsOf(source: StatementValues): Record<StatementColumn, number | null> {
  return Object.fromEntries(STATEMENT_COLUMNS.map((c) => [c, source[c] ?? null])) as Record<StatementColumn, number | null>;
}

/**
 * Checks a recordFinancials input: fiscalYear 1900..next year (Asia/Tokyo), each amount against its data item
 * (safe integer yen; sales, assets, borrowings, cash, receivables, inventory, payables, depreciation and labour
 * cost not negative; profits and net assets may be), employees a whole number ≥ 0, and at least one value given.
 * BAD_USER_INPUT names the field.
 */
export function validateFinancialsInput(input: RecordFinancialsRequest, now: Date): void {
  const maxYear = Number(tokyoDateOf(now).slice(0, 4)) + 1;
  if (!Number.isInteger(input.fiscalYear) || input.fiscalYear < 1900 || input.fiscalYear > maxYear) {
    throw badInput(`fiscalYear must be a year from 1900 to ${maxYear}, got ${input.fiscalYear}`, 'fiscalYear');
  }
  let given = 0;
  for (const column of STATEMENT_COLUMNS) {
    const value = input[column];
    if (value === undefined) continue;
    given++;
    if (value === null) continue;
    const checked = validateDataItem(column, value);
    if (!checked.ok) throw badInput(checked.problem, column);
  }
  if (given === 0) throw badInput('give at least one amount (or employees) of the fiscal year', 'fiscalYear');
}

/**
 * Writes a version of a fiscal year's statements as a fact `financials.<fy>` (idempotent per source and as-of), so
 * that every version stays in history when the financials row is replaced.
 */
export async function keepFinancialsVersion(db: Db, companyId: number, version: {
  fiscalYear: number; source: string; sourceRef: string | null; asOf: Date; recordedBy?: string | null; values: Record<string, unknown>;
}): Promise<void> {
  await db.insert(facts).values({
    companyId,
    key: financialsVersionKey(version.fiscalYear),
    value: version.values,
    source: version.source,
    sourceRef: version.sourceRef,
    asOf: version.asOf,
    recordedBy: version.recordedBy ?? null,
  }).onConflictDoNothing({ target: [facts.companyId, facts.key, facts.source, facts.asOf] });
}

/**
 * recordFinancials: the company's OWNER (or an ADMIN) records or corrects one fiscal year's statements. Fields left
 * out keep their stored value, null clears one. The row becomes source OWNER as of the request time; the version it
 * replaces and the new one are both kept as facts `financials.<fy>`, so no version is lost. Returns the row.
 */
export async function recordFinancials(ctx: Context, input: RecordFinancialsRequest): Promise<FinancialsRow> {
  const company: CompanyRow = await companyActedOnAsOwner(ctx, input, 'recordFinancials');
  validateFinancialsInput(input, ctx.now);
  const sub = requireUserSub(ctx, 'recordFinancials');
  const row = await ctx.db.transaction(async (tx) => {
    const [existing] = await tx.select().from(financials)
      .where(and(eq(financials.companyId, company.id), eq(financials.fiscalYear, input.fiscalYear)))
      .for('update');
    if (existing) {
      await keepFinancialsVersion(tx, company.id, {
        fiscalYear: existing.fiscalYear, source: existing.source, sourceRef: existing.sourceRef, asOf: existing.asOf, values: statementsOf(existing),
      });
    }
    const merged = statementsOf({ ...(existing ? statementsOf(existing) : {}), ...definedOnly(input) });
    const values = { ...merged, source: 'OWNER', sourceRef: 'recordFinancials', asOf: ctx.now };
    const [saved] = await tx.insert(financials)
      .values({ companyId: company.id, fiscalYear: input.fiscalYear, ...values })
      .onConflictDoUpdate({ target: [financials.companyId, financials.fiscalYear], set: values })
      .returning();
    await tx.insert(facts).values({
      companyId: company.id, key: financialsVersionKey(input.fiscalYear), value: merged, source: 'OWNER', sourceRef: 'recordFinancials', asOf: ctx.now, recordedBy: sub,
    }).onConflictDoUpdate({
      target: [facts.companyId, facts.key, facts.source, facts.asOf],
      set: { value: sql`excluded.value`, recordedAt: sql`now()` },
    });
    return saved!;
  });
  financialsLoader(ctx).clear(company.id);
  return row;
}

function definedOnly(input: StatementValues): StatementValues {
  return Object.fromEntries(STATEMENT_COLUMNS.filter((c) => input[c] !== undefined).map((c) => [c, input[c]])) as StatementValues;
}

/** Company.localBenchmark: the six indicators of a fiscal year (latest when omitted) from the company's statements. */
export async function localBenchmarkOf(ctx: Context, company: Pick<CompanyRow, 'id'>, fiscalYear: number | null | undefined): Promise<LocalBenchmarkResult | null> {
  if (fiscalYear !== null && fiscalYear !== undefined && (!Number.isInteger(fiscalYear) || fiscalYear < 1900 || fiscalYear > 2200)) {
    throw badInput(`fiscalYear must be a year such as 2025, got ${fiscalYear}`, 'fiscalYear');
  }
  return computeLocalBenchmark(await financialsLoader(ctx).load(company.id), fiscalYear);
}
