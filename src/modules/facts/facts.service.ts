import DataLoader from 'dataloader';
import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Context } from '../../context.js';
import { oneInOrder } from '../../context.js';
import type { Db } from '../../db/client.js';
import { companies, companyRegistryHistory, facts } from '../../db/schema/index.js';
import { canActAsOwnerOf, requireSignedIn } from '../../shared/auth/policy.js';
import { badInput, forbidden } from '../../shared/errors.js';
import {
  addressOf, companyByIdLoader, companyByNumberLoader, factsLoader, resolveCompanyRef,
} from '../company/company.service.js';
import type { CompanyRow } from '../company/company.type.js';
import { classifySme, type CorporateKindName, type MajorShareholder } from '../company/sme-classification.js';
import { canRead } from '../consent/access.service.js';
import { DATA_ITEMS, FINANCIALS_VERSION_KEY, affectsCompanyCache, dataItem, startOfTokyoDate, validateDataItem, type CachedCompanyColumn } from './data-items.js';
import { pickCurrent, type FactVersion } from './precedence.js';

/** A stored fact row. */
export type FactRow = typeof facts.$inferSelect;

/** The latest NTA registry history row of a company: where its current registry state came from. */
export interface LatestRegistryRow {
  companyId: number;
  sourceRef: string | null;
  updateDate: string | null;
}

/** Per request: the latest registry history row of each company (one query for all companies asked). */
export function latestRegistryRowLoader(ctx: Context) {
  return ctx.loader('facts.latestRegistryRow', () => new DataLoader<number, LatestRegistryRow | null>(async (ids) => {
    const rows = await latestRegistryRows(ctx.db, [...ids]);
    return oneInOrder(ids, rows, (r) => r.companyId);
  }));
}

async function latestRegistryRows(db: Db, companyIds: number[]): Promise<LatestRegistryRow[]> {
  if (companyIds.length === 0) return [];
  const h = companyRegistryHistory;
  return db.selectDistinctOn([h.companyId], { companyId: h.companyId, sourceRef: h.sourceRef, updateDate: h.updateDate })
    .from(h)
    .where(inArray(h.companyId, companyIds))
    .orderBy(h.companyId, desc(h.latest), sql`${h.updateDate} DESC NULLS LAST`, desc(h.id));
}

/**
 * The NTA registry items of a company imported from the NTA, derived from its companies row (the current registry
 * state) rather than stored twice: source NTA, asOf = the NTA 更新年月日 (00:00 JST), sourceRef = the file and line
 * of the latest registry history row. Empty for companies the NTA did not provide (sole proprietors, demo data).
 */
export function registryFactsOf(company: CompanyRow, latest: LatestRegistryRow | null): FactVersion[] {
  if (!company.ntaUpdateDate) return [];
  const asOf = startOfTokyoDate(company.ntaUpdateDate);
  const sourceRef = latest?.sourceRef ?? null;
  const items: Array<[string, unknown]> = [
    ['corporateNumber', company.corporateNumber],
    ['name', company.name],
    ['nameKana', company.nameKana],
    ['nameEn', company.nameEn],
    ['kind', company.kind],
    ['postalCode', company.postalCode],
    ['address', addressOf(company)],
    ['prefectureCode', company.prefectureCode],
    ['closeDate', company.closeDate],
    ['successorCorporateNumber', company.successorCorporateNumber],
  ];
  return items
    .filter(([, value]) => value !== null && value !== undefined && value !== '')
    .map(([key, value]) => ({ key, value, source: 'NTA', sourceRef, asOf }));
}

/**
 * The current value of every data item of a company, chosen by source precedence then recency (precedence.ts),
 * including the NTA registry items of companies imported from the NTA. Batched: facts, company rows and registry
 * rows each take one query per request, whatever the number of companies.
 */
export async function currentFacts(ctx: Context, companyId: number): Promise<FactVersion[]> {
  const [versions, company, latest] = await Promise.all([
    factsLoader(ctx).load(companyId),
    companyByIdLoader(ctx).load(companyId),
    latestRegistryRowLoader(ctx).load(companyId),
  ]);
  return pickCurrent([...versions, ...(company ? registryFactsOf(company, latest) : [])]);
}

/**
 * The current values of a company's data items, by key: what {@link currentFacts} chooses, without the provenance
 * of the registry items (their values come from the row; only their sourceRef needs the registry history), so it
 * costs the facts query alone.
 */
export async function currentFactValues(ctx: Context, company: CompanyRow): Promise<Map<string, unknown>> {
  const versions = await factsLoader(ctx).load(company.id);
  return new Map(pickCurrent([...versions, ...registryFactsOf(company, null)]).map((f) => [f.key, f.value]));
}

/**
 * True for a fact that holds a figure of the financial statements: a `financials.<fiscal year>` version or an item
 * kept in the financials table (netSalesYen, operatingProfitYen, ...). Such facts are FINANCIALS data even inside
 * the PROFILE fact lists.
 */
export function isFinancialsFact(key: string): boolean {
  return FINANCIALS_VERSION_KEY.test(key) || dataItem(key)?.financialsColumn !== undefined;
}

/**
 * Row-level check of a PROFILE list of facts (the caller has checked PROFILE): the statement figures stay only
 * for a viewer who may also read the company's FINANCIALS (a consent for PROFILE alone does not show them).
 */
export async function withoutHiddenFinancials<T extends { key: string }>(ctx: Context, company: Pick<CompanyRow, 'id' | 'corporateNumber'>, operation: string, list: T[]): Promise<T[]> {
  if (!list.some((f) => isFinancialsFact(f.key))) return list;
  if (await canRead(ctx, company, 'FINANCIALS', operation)) return list;
  return list.filter((f) => !isFinancialsFact(f.key));
}

/** Same as {@link currentFacts}, read through a given handle (inside a transaction; no request cache). */
export async function currentFactsIn(db: Db, company: CompanyRow): Promise<FactVersion[]> {
  const [versions, latest] = await Promise.all([
    db.select().from(facts).where(eq(facts.companyId, company.id)).orderBy(asc(facts.key), desc(facts.asOf), desc(facts.id)),
    company.ntaUpdateDate ? latestRegistryRows(db, [company.id]) : Promise.resolve([]),
  ]);
  return pickCurrent([...versions, ...registryFactsOf(company, latest[0] ?? null)]);
}

/** Drops a company's cached rows from the request's loaders after a write. */
export function forgetCompany(ctx: Context, company: Pick<CompanyRow, 'id' | 'corporateNumber'>): void {
  factsLoader(ctx).clear(company.id);
  companyByIdLoader(ctx).clear(company.id);
  if (company.corporateNumber) companyByNumberLoader(ctx).clear(company.corporateNumber);
}

// ---------------------------------------------------------------------------------------------------------------
// The companies row's cache of current values

const CACHE_KEYS = [...DATA_ITEMS.values()].filter((i) => i.companyColumn || i.smeInput).map((i) => i.key);

/**
 * Recomputes the companies columns that cache current data items (industryCode, capitalYen, employees,
 * establishedOn, representativeName) and the SME classification (smeCategory, deemedLarge, from classifySme with
 * the shareholder and officer items) for the given companies, through `db` (a transaction or the database).
 * A column keeps its value when no source states the item. Returns the ids of the companies whose row changed.
 */
export async function refreshCompanyCache(db: Db, companyIds: readonly number[]): Promise<number[]> {
  const ids = [...new Set(companyIds)];
  if (ids.length === 0) return [];
  const [rows, versions] = await Promise.all([
    db.select().from(companies).where(inArray(companies.id, ids)),
    db.select().from(facts).where(and(inArray(facts.companyId, ids), inArray(facts.key, CACHE_KEYS))),
  ]);
  const byCompany = new Map<number, FactRow[]>();
  for (const v of versions) {
    let list = byCompany.get(v.companyId);
    if (!list) byCompany.set(v.companyId, (list = []));
    list.push(v);
  }
  const changed: number[] = [];
  for (const row of rows) {
    const current = new Map(pickCurrent(byCompany.get(row.id) ?? []).map((f) => [f.key, f.value]));
    const next: Pick<CompanyRow, CachedCompanyColumn | 'smeCategory' | 'deemedLarge'> = {
      industryCode: row.industryCode,
      capitalYen: row.capitalYen,
      employees: row.employees,
      establishedOn: row.establishedOn,
      representativeName: row.representativeName,
      smeCategory: row.smeCategory,
      deemedLarge: row.deemedLarge,
    };
    for (const item of DATA_ITEMS.values()) {
      if (item.companyColumn && current.has(item.key)) {
        (next as Record<string, unknown>)[item.companyColumn] = current.get(item.key) ?? null;
      }
    }
    const sme = classifySme({
      kind: row.kind as CorporateKindName,
      industryCode: next.industryCode,
      capitalYen: next.capitalYen,
      employees: next.employees,
      majorShareholders: (current.get('majorShareholders') as MajorShareholder[] | null | undefined) ?? null,
      officersTotal: (current.get('officersTotal') as number | null | undefined) ?? null,
      officersFromLargeEnterprises: (current.get('officersFromLargeEnterprises') as number | null | undefined) ?? null,
      averageTaxableIncomeYen: (current.get('averageTaxableIncomeYen') as number | null | undefined) ?? null,
    });
    next.smeCategory = sme.category;
    next.deemedLarge = sme.deemedLarge;
    const differs = (Object.keys(next) as Array<keyof typeof next>).some((k) => next[k] !== row[k]);
    if (!differs) continue;
    await db.update(companies).set({ ...next, updatedAt: sql`now()` }).where(eq(companies.id, row.id));
    changed.push(row.id);
  }
  return changed;
}

// ---------------------------------------------------------------------------------------------------------------
// updateCompanyFacts

/** One data item the owner states. */
export interface FactStatement {
  key: string;
  value?: unknown;
}

/** The company an input names and the facts stated about it. */
export interface UpdateCompanyFactsRequest {
  corporateNumber?: string | null;
  companyId?: string | number | null;
  facts: FactStatement[];
}

/** Most items one call may state. */
export const MAX_FACTS_PER_UPDATE = 200;

/** The authenticated viewer's sub, or UNAUTHENTICATED. */
export function requireUserSub(ctx: Context, operation: string): string {
  return requireSignedIn(ctx.viewer, operation).sub;
}

/**
 * The company named by the input, when the viewer may act for it as its owner (its OWNER or an ADMIN):
 * UNAUTHENTICATED without a token, NOT_FOUND for an unknown company, FORBIDDEN otherwise.
 */
export async function companyActedOnAsOwner(ctx: Context, ref: { corporateNumber?: string | null; companyId?: string | number | null }, operation: string): Promise<CompanyRow> {
  requireUserSub(ctx, operation);
  const company = await resolveCompanyRef(ctx, ref);
  if (!canActAsOwnerOf(ctx.viewer, { id: String(company.id), corporateNumber: company.corporateNumber })) {
    throw forbidden(`${operation}: only the company's OWNER (or an ADMIN) may do this`);
  }
  return company;
}

/**
 * Checks every statement against its data item, all of them before anything is written: BAD_USER_INPUT with
 * `extensions.field` = `facts[i].key` for unknown, read-only or repeated keys and `facts[i].value` for bad values;
 * the message names the key. Returns the normalised values.
 */
export function validateStatements(statements: readonly FactStatement[]): Array<{ key: string; value: unknown }> {
  if (statements.length === 0) throw badInput('facts must list at least one data item', 'facts');
  if (statements.length > MAX_FACTS_PER_UPDATE) throw badInput(`facts may list at most ${MAX_FACTS_PER_UPDATE} data items, got ${statements.length}`, 'facts');
  const seen = new Set<string>();
  return statements.map(({ key, value }, i) => {
    const item = dataItem(key);
    if (!item) throw badInput(`unknown data item key "${key}" (see the canonical keys of the contract: postalCode, capitalYen, employees, …)`, `facts[${i}].key`);
    if (!item.ownerWritable) {
      throw badInput(
        key.startsWith('financials.') ? `${key}: record financial statements with recordFinancials` : `${key} (${item.label}) comes from the NTA registry and cannot be stated by the owner`,
        `facts[${i}].key`,
      );
    }
    if (seen.has(key)) throw badInput(`data item "${key}" is listed twice`, `facts[${i}].key`);
    seen.add(key);
    const checked = validateDataItem(key, value === undefined ? null : value);
    if (!checked.ok) throw badInput(checked.problem, `facts[${i}].value`);
    return { key, value: checked.value };
  });
}

/**
 * Records data items stated by the company's owner (or an ADMIN) with source OWNER, asOf = the request time and
 * recordedBy = the token's sub; all or nothing in one transaction. When an item the companies row caches changes,
 * the cached columns and the SME classification are recomputed in the same transaction. Returns the company.
 */
export async function updateCompanyFacts(ctx: Context, input: UpdateCompanyFactsRequest): Promise<CompanyRow> {
  const company = await companyActedOnAsOwner(ctx, input, 'updateCompanyFacts');
  const statements = validateStatements(input.facts ?? []);
  const sub = requireUserSub(ctx, 'updateCompanyFacts');
  const updated = await ctx.db.transaction(async (tx) => {
    await tx.insert(facts)
      .values(statements.map(({ key, value }) => ({
        companyId: company.id, key, value, source: 'OWNER', sourceRef: 'updateCompanyFacts', asOf: ctx.now, recordedBy: sub,
      })))
      .onConflictDoUpdate({
        target: [facts.companyId, facts.key, facts.source, facts.asOf],
        set: { value: sql`excluded.value`, recordedBy: sql`excluded.recorded_by`, recordedAt: sql`now()` },
      });
    if (statements.some(({ key }) => affectsCompanyCache(key))) await refreshCompanyCache(tx, [company.id]);
    const [row] = await tx.select().from(companies).where(eq(companies.id, company.id));
    return row!;
  });
  forgetCompany(ctx, company);
  companyByIdLoader(ctx).prime(updated.id, updated);
  return updated;
}
