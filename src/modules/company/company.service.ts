import DataLoader from 'dataloader';
import { and, asc, desc, eq, gt, ilike, inArray, isNull, like, or, sql, type SQL } from 'drizzle-orm';
import type { Context } from '../../context.js';
import { groupInOrder, oneInOrder } from '../../context.js';
import {
  certifications, companies, companyRegistryHistory, facts, financials, ownerBindings, supportRecords,
} from '../../db/schema/index.js';
import { arrayParameter, equalsAnyOf, preparedOnce } from '../../db/prepared.js';
import { CorporateKind, SmeCategory } from '../../shared/enums.js';
import { badInput, forbidden, notFound, unauthenticated } from '../../shared/errors.js';
import { decodeCursor, pageSize, toLazyPage, type Page } from '../../shared/pagination.js';
import { isIsoDate } from '../../shared/scalars.js';
import type { CompanyFilter, RegisterSoleProprietorInput } from './company.input.js';
import type { CompanyRow } from './company.type.js';
import { corporateNumberProblem, describeCorporateNumberProblem } from './corporate-number.js';
import { classifySme, type CorporateKindName } from './sme-classification.js';

/** Validates a 法人番号 argument; BAD_USER_INPUT names the problem (length, non-digit, check digit). */
export function parseCorporateNumber(value: string, field = 'corporateNumber'): string {
  const trimmed = value.trim();
  const problem = corporateNumberProblem(trimmed);
  if (problem) throw badInput(describeCorporateNumberProblem(trimmed, problem), field);
  return trimmed;
}

/** Validates an internal id argument. */
export function parseCompanyId(value: string | number, field = 'companyId'): number {
  const id = typeof value === 'number' ? value : /^[0-9]{1,15}$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(id) || id <= 0) throw badInput(`${field} must be a positive integer id, got ${JSON.stringify(value)}`, field);
  return id;
}

export function companyByIdLoader(ctx: Context) {
  return ctx.loader('company.byId', () => new DataLoader<number, CompanyRow | null>(async (ids) => {
    const rows = await preparedOnce(ctx.db, 'companies_by_ids', (db) => db.select().from(companies).where(equalsAnyOf(companies.id, 'ids', 'bigint')))
      .execute({ ids: arrayParameter(ids) });
    for (const row of rows) if (row.corporateNumber) companyByNumberLoader(ctx).prime(row.corporateNumber, row);
    return oneInOrder(ids, rows, (r) => r.id);
  }));
}

export function companyByNumberLoader(ctx: Context) {
  return ctx.loader('company.byNumber', () => new DataLoader<string, CompanyRow | null>(async (numbers) => {
    const rows = await preparedOnce(ctx.db, 'companies_by_numbers', (db) => db.select().from(companies).where(equalsAnyOf(companies.corporateNumber, 'numbers', 'text')))
      .execute({ numbers: arrayParameter(numbers) });
    // a company found by number is the same row by id (Company fields and guards load it by id)
    for (const row of rows) companyByIdLoader(ctx).prime(row.id, row);
    return oneInOrder(numbers, rows, (r) => r.corporateNumber!);
  }));
}

export async function findByCorporateNumber(ctx: Context, corporateNumber: string): Promise<CompanyRow | null> {
  return companyByNumberLoader(ctx).load(parseCorporateNumber(corporateNumber));
}

export async function findById(ctx: Context, id: string | number): Promise<CompanyRow | null> {
  return companyByIdLoader(ctx).load(parseCompanyId(id, 'id'));
}

/**
 * Resolves the company an input names by corporateNumber or companyId (exactly one of them);
 * NOT_FOUND when there is none.
 */
export async function resolveCompanyRef(ctx: Context, ref: { corporateNumber?: string | null; companyId?: string | number | null }): Promise<CompanyRow> {
  const hasNumber = ref.corporateNumber !== undefined && ref.corporateNumber !== null;
  const hasId = ref.companyId !== undefined && ref.companyId !== null;
  if (hasNumber === hasId) throw badInput('give exactly one of corporateNumber and companyId', hasNumber ? 'companyId' : 'corporateNumber');
  const company = hasNumber
    ? await findByCorporateNumber(ctx, ref.corporateNumber!)
    : await companyByIdLoader(ctx).load(parseCompanyId(ref.companyId!));
  if (!company) throw notFound(hasNumber ? `no company with 法人番号 ${ref.corporateNumber}` : `no company with id ${ref.companyId}`);
  return company;
}

const JSIC_PREFIX = /^[A-T]([0-9]{2,4})?$/;

/** Lists companies with a stable order (id) and Relay cursors. */
export async function listCompanies(ctx: Context, filter: CompanyFilter | null | undefined, first: number | null | undefined, after: string | null | undefined): Promise<Page<CompanyRow>> {
  const limit = pageSize(first);
  const conditions: SQL[] = [];
  if (filter?.name) {
    const term = filter.name.trim();
    if (term.length === 0) throw badInput('name filter must not be blank', 'filter.name');
    const pattern = `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    conditions.push(or(ilike(companies.name, pattern), ilike(companies.nameKana, pattern))!);
  }
  if (filter?.prefectureCode) {
    if (!/^(0[1-9]|[1-3][0-9]|4[0-7])$/.test(filter.prefectureCode)) throw badInput(`prefectureCode must be a JIS X 0401 code 01..47, got "${filter.prefectureCode}"`, 'filter.prefectureCode');
    conditions.push(eq(companies.prefectureCode, filter.prefectureCode));
  }
  if (filter?.industryCode) {
    if (!JSIC_PREFIX.test(filter.industryCode)) throw badInput(`industryCode must be a JSIC code such as "E" or "E24", got "${filter.industryCode}"`, 'filter.industryCode');
    conditions.push(like(companies.industryCode, `${filter.industryCode}%`));
  }
  if (filter?.kind?.length) conditions.push(inArray(companies.kind, filter.kind));
  if (filter?.smeCategory?.length) conditions.push(inArray(companies.smeCategory, filter.smeCategory));
  if (!filter?.includeClosed) conditions.push(isNull(companies.closeDate));
  const where = conditions.length ? and(...conditions) : undefined;
  const cursor = decodeCursor(after, 1);
  const pageWhere = cursor ? and(where, gt(companies.id, Number(cursor[0]))) : where;
  const rows = await ctx.db.select().from(companies).where(pageWhere).orderBy(asc(companies.id)).limit(limit + 1);
  const countTotal = async () => {
    const [{ total }] = await ctx.db.select({ total: sql<number>`count(*)::int` }).from(companies).where(where);
    return Number(total);
  };
  return toLazyPage(rows, limit, countTotal, (r) => [r.id]);
}

export function factsLoader(ctx: Context) {
  return ctx.loader('company.facts', () => new DataLoader<number, Array<typeof facts.$inferSelect>>(async (ids) => {
    const rows = await preparedOnce(ctx.db, 'facts_by_companies', (db) => db.select().from(facts).where(equalsAnyOf(facts.companyId, 'ids', 'bigint'))
      .orderBy(asc(facts.key), desc(facts.asOf), desc(facts.id))).execute({ ids: arrayParameter(ids) });
    return groupInOrder(ids, rows, (r) => r.companyId);
  }));
}

export function certificationsLoader(ctx: Context) {
  return ctx.loader('company.certifications', () => new DataLoader<number, Array<typeof certifications.$inferSelect>>(async (ids) => {
    const rows = await preparedOnce(ctx.db, 'certifications_by_companies', (db) => db.select().from(certifications).where(equalsAnyOf(certifications.companyId, 'ids', 'bigint'))
      .orderBy(desc(certifications.approvedOn), asc(certifications.id))).execute({ ids: arrayParameter(ids) });
    return groupInOrder(ids, rows, (r) => r.companyId);
  }));
}

export function supportRecordsLoader(ctx: Context) {
  return ctx.loader('company.support', () => new DataLoader<number, Array<typeof supportRecords.$inferSelect>>(async (ids) => {
    const rows = await preparedOnce(ctx.db, 'support_records_by_companies', (db) => db.select().from(supportRecords).where(equalsAnyOf(supportRecords.companyId, 'ids', 'bigint'))
      .orderBy(desc(supportRecords.approvedOn), asc(supportRecords.id))).execute({ ids: arrayParameter(ids) });
    return groupInOrder(ids, rows, (r) => r.companyId);
  }));
}

export function financialsLoader(ctx: Context) {
  return ctx.loader('company.financials', () => new DataLoader<number, Array<typeof financials.$inferSelect>>(async (ids) => {
    const rows = await preparedOnce(ctx.db, 'financials_by_companies', (db) => db.select().from(financials).where(equalsAnyOf(financials.companyId, 'ids', 'bigint'))
      .orderBy(desc(financials.fiscalYear))).execute({ ids: arrayParameter(ids) });
    return groupInOrder(ids, rows, (r) => r.companyId);
  }));
}

export function registryHistoryLoader(ctx: Context) {
  return ctx.loader('company.history', () => new DataLoader<number, Array<typeof companyRegistryHistory.$inferSelect>>(async (ids) => {
    const rows = await preparedOnce(ctx.db, 'registry_history_by_companies', (db) => db.select().from(companyRegistryHistory).where(equalsAnyOf(companyRegistryHistory.companyId, 'ids', 'bigint'))
      .orderBy(asc(companyRegistryHistory.updateDate), asc(companyRegistryHistory.id))).execute({ ids: arrayParameter(ids) });
    return groupInOrder(ids, rows, (r) => r.companyId);
  }));
}

/** The company's address as one line (prefecture, city, street), or the overseas address. */
export function addressOf(company: Pick<CompanyRow, 'prefectureName' | 'cityName' | 'street' | 'addressOutside'>): string | null {
  const domestic = [company.prefectureName, company.cityName, company.street].filter(Boolean).join('');
  return domestic || company.addressOutside || null;
}

/** SME classification of a company row plus the shareholder/officer facts みなし大企業 needs. */
export function smeStatusOf(company: CompanyRow, currentFacts: Map<string, unknown>) {
  const result = classifySme({
    kind: company.kind as CorporateKindName,
    industryCode: company.industryCode,
    capitalYen: company.capitalYen,
    employees: company.employees,
    majorShareholders: (currentFacts.get('majorShareholders') as never) ?? null,
    officersTotal: (currentFacts.get('officersTotal') as number | undefined) ?? null,
    officersFromLargeEnterprises: (currentFacts.get('officersFromLargeEnterprises') as number | undefined) ?? null,
    averageTaxableIncomeYen: (currentFacts.get('averageTaxableIncomeYen') as number | undefined) ?? null,
  });
  return { category: result.category as SmeCategory, deemedLarge: result.deemedLarge, reasons: result.reasons, missingData: result.missing };
}

const POSTAL = /^[0-9]{3}-?[0-9]{4}$/;

/**
 * Registers a 個人事業主's business (no 法人番号). An OWNER token not yet bound to a company becomes
 * its owner (the binding is the token's sub, recorded as the creator of the OWNER facts).
 */
export async function registerSoleProprietor(ctx: Context, input: RegisterSoleProprietorInput): Promise<CompanyRow> {
  const viewer = ctx.viewer;
  if (viewer.kind === 'ANONYMOUS') throw unauthenticated('registerSoleProprietor needs a token: sign in as the business owner');
  const allowed = viewer.kind === 'USER' && (viewer.role === 'ADMIN' || (viewer.role === 'OWNER' && !viewer.companyId && !viewer.corporateNumber));
  if (!allowed) throw forbidden('registerSoleProprietor needs an ADMIN token, or an OWNER token not yet bound to a company');
  const name = input.name.trim();
  if (!name) throw badInput('name must not be blank', 'input.name');
  if (name.length > 200) throw badInput('name must be at most 200 characters', 'input.name');
  if (input.postalCode && !POSTAL.test(input.postalCode)) throw badInput(`postalCode must be 7 digits, got "${input.postalCode}"`, 'input.postalCode');
  if (input.prefectureCode && !/^(0[1-9]|[1-3][0-9]|4[0-7])$/.test(input.prefectureCode)) throw badInput(`prefectureCode must be 01..47, got "${input.prefectureCode}"`, 'input.prefectureCode');
  if (input.industryCode && !JSIC_PREFIX.test(input.industryCode)) throw badInput(`industryCode must be a JSIC code such as "E24", got "${input.industryCode}"`, 'input.industryCode');
  if (input.employees !== null && input.employees !== undefined && (!Number.isInteger(input.employees) || input.employees < 0 || input.employees > 1_000_000)) throw badInput('employees must be a whole number from 0', 'input.employees');
  if (input.establishedOn && !isIsoDate(input.establishedOn)) throw badInput('establishedOn must be YYYY-MM-DD', 'input.establishedOn');
  const { prefectureByCode } = await import('./prefectures.js');
  const prefectureName = input.prefectureCode ? prefectureByCode(input.prefectureCode)?.name ?? null : null;
  const base = {
    name,
    nameKana: input.nameKana ?? null,
    kind: CorporateKind.SOLE_PROPRIETOR,
    postalCode: input.postalCode ? input.postalCode.replace('-', '') : null,
    prefectureCode: input.prefectureCode ?? null,
    prefectureName,
    street: input.address ?? null,
    industryCode: input.industryCode ?? null,
    employees: input.employees ?? null,
    establishedOn: input.establishedOn ?? null,
  };
  const sme = classifySme({ kind: base.kind, industryCode: base.industryCode, capitalYen: null, employees: base.employees });
  const actor = viewer.kind === 'USER' ? viewer.sub : 'anonymous';
  return ctx.db.transaction(async (tx) => {
    const [row] = await tx.insert(companies).values({ ...base, smeCategory: sme.category, deemedLarge: sme.deemedLarge }).returning();
    const asOf = ctx.now;
    const items: Array<[string, unknown]> = [
      ['name', name], ['postalCode', base.postalCode], ['address', [prefectureName, base.street].filter(Boolean).join('') || null],
      ['prefectureCode', base.prefectureCode], ['industryCode', base.industryCode], ['employees', base.employees], ['establishedOn', base.establishedOn],
    ];
    const values = items.filter(([, v]) => v !== null && v !== undefined)
      .map(([key, value]) => ({ companyId: row.id, key, value, source: 'OWNER', sourceRef: 'registerSoleProprietor', asOf, recordedBy: actor }));
    if (values.length) await tx.insert(facts).values(values);
    if (viewer.kind === 'USER' && viewer.role === 'OWNER') await tx.insert(ownerBindings).values({ sub: viewer.sub, companyId: row.id });
    return row;
  });
}
