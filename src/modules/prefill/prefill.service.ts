/**
 * Once-only (ワンスオンリー): fill a measure's application form from what the platform already knows, and write
 * the answers of a submitted application back as facts so that the next form is filled with them.
 *
 * Used by the applications module: `prefillAnswers` when a draft is started, `writeBackAnswers` inside the
 * submission transaction (pass the transaction as `db`).
 */
import { desc, eq } from 'drizzle-orm';
import type { Context } from '../../context.js';
import type { Db } from '../../db/client.js';
import { facts, financials, type measures } from '../../db/schema/index.js';
import { notFound } from '../../shared/errors.js';
import { addressOf, financialsLoader, findByCorporateNumber } from '../company/company.service.js';
import type { CompanyRow } from '../company/company.type.js';
import { assertCanRead, canRead } from '../consent/access.service.js';
import { affectsCompanyCache, dataItem, validateDataItem } from '../facts/data-items.js';
import { currentFacts, currentFactsIn, forgetCompany, isFinancialsFact, refreshCompanyCache } from '../facts/facts.service.js';
import { requireMeasure } from '../measure/measure.service.js';
import {
  formFieldsOf, knownValues, prefillForm, prefillOf, type FinancialsRowLike, type KnownValue, type PrefillComputation, type PrefilledValue,
} from './prefill-compute.js';

/** A measures row (or the parts prefill reads). */
export type MeasureRow = typeof measures.$inferSelect;
export type MeasureForPrefill = Pick<MeasureRow, 'id' | 'formFields'>;

/** A measure's form filled for one company. */
export interface PrefillResult extends PrefillComputation {
  measureId: string;
  companyId: number;
}

/** Everything known about the company, read through the request loaders, or through `db` (a transaction) when given. */
async function knownValuesOf(ctx: Context, company: CompanyRow, db?: Db): Promise<Map<string, KnownValue>> {
  const [current, statements] = db
    ? await Promise.all([
      currentFactsIn(db, company),
      db.select().from(financials).where(eq(financials.companyId, company.id)).orderBy(desc(financials.fiscalYear)),
    ])
    : await Promise.all([currentFacts(ctx, company.id), financialsLoader(ctx).load(company.id)]);
  return knownValues({ ...company, address: addressOf(company) }, current, statements as FinancialsRowLike[]);
}

/**
 * Fills every form field of the measure for the company: value, source, source reference, as-of and staleness
 * (relative to ctx.now) per field, and the coverage. No access check: callers check PROFILE access first.
 */
export async function prefillFor(ctx: Context, company: CompanyRow, measure: MeasureForPrefill, db?: Db): Promise<PrefillResult> {
  const known = await knownValuesOf(ctx, company, db);
  const computed = prefillForm(formFieldsOf(measure.formFields), known, ctx.now, company);
  return { measureId: measure.id, companyId: company.id, ...computed };
}

/**
 * The answers a new application starts with: form field key → known value, for every field that has one (stale
 * values included: the owner sees and may change them). Values are the canonical data item values (e.g.
 * majorShareholders as a JSON array, needs as an array of use_purpose values).
 */
export async function prefillAnswers(ctx: Context, company: CompanyRow, measure: MeasureForPrefill, db?: Db): Promise<Record<string, unknown>> {
  const { fields } = await prefillFor(ctx, company, measure, db);
  const answers: Record<string, unknown> = {};
  for (const field of fields) if (field.value !== null) answers[field.key] = field.value;
  return answers;
}

/**
 * Query.prefill: the measure's form filled for the company (confidential: PROFILE). BAD_USER_INPUT for a malformed
 * 法人番号, NOT_FOUND for an unknown company or measure, FORBIDDEN (reason SIGN_IN_REQUIRED for anonymous viewers,
 * ADR 0005) for viewers who may not read the company's profile.
 */
export async function prefill(ctx: Context, corporateNumber: string, measureId: string): Promise<PrefillResult & { measure: MeasureRow }> {
  const company = await findByCorporateNumber(ctx, corporateNumber);
  if (!company) throw notFound(`no company with 法人番号 ${corporateNumber}`);
  await assertCanRead(ctx, company, 'PROFILE', 'Query.prefill');
  const measure = await requireMeasure(ctx, measureId, 'measureId');
  const filled = await prefillFor(ctx, company, measure);
  if (!filled.fields.some((f) => f.value !== null && isFinancialsFact(f.key)) || (await canRead(ctx, company, 'FINANCIALS', 'Query.prefill'))) return { ...filled, measure };
  return { ...withoutFinancialValues(filled), measure };
}

/** The form as a viewer without FINANCIALS access sees it: statement figures left blank (as if unknown). */
function withoutFinancialValues(result: PrefillResult): PrefillResult {
  return {
    ...result,
    ...prefillOf(result.fields.map((f) => (isFinancialsFact(f.key)
      ? { ...f, value: null, source: null, sourceRef: null, asOf: null, fiscalYear: null, stale: false }
      : f))),
  };
}

/** What a write-back did. */
export interface WriteBackResult {
  /** keys written as APPLICATION facts */
  written: string[];
  /** answers not written, and why (not a canonical item, read-only item, blank, invalid value) */
  skipped: Array<{ key: string; reason: string }>;
}

/**
 * Writes the answers of a submitted application back to the company's facts (once-only): every answer whose key is
 * a canonical data item the owner may state and whose value validates becomes a fact with source APPLICATION,
 * sourceRef `application:<id>` and asOf = submittedAt. Blank answers, measure-specific questions and invalid values
 * are skipped (listed in the result). OWNER and APPLICATION facts share a precedence tier, so the newest statement
 * wins: a corrected answer supersedes the older value, which stays in history. Cached company columns and the SME
 * classification are recomputed when an item they depend on was written.
 *
 * Idempotent: a second call with the same application writes nothing new. Pass the caller's transaction as `db`
 * to make the write-back part of the submission.
 */
export async function writeBackAnswers(
  ctx: Context,
  company: Pick<CompanyRow, 'id' | 'corporateNumber'>,
  application: { id: number | string; answers: unknown; submittedAt: Date | string | null },
  db: Db = ctx.db,
): Promise<WriteBackResult> {
  const result: WriteBackResult = { written: [], skipped: [] };
  const submittedAt = application.submittedAt === null ? ctx.now : new Date(application.submittedAt);
  if (Number.isNaN(submittedAt.getTime())) throw new RangeError(`writeBackAnswers: submittedAt is not a valid instant: ${String(application.submittedAt)}`);
  const answers = typeof application.answers === 'object' && application.answers !== null && !Array.isArray(application.answers)
    ? (application.answers as Record<string, unknown>)
    : {};
  const recordedBy = ctx.viewer.kind === 'USER' ? ctx.viewer.sub : null;
  const rows: Array<typeof facts.$inferInsert> = [];
  for (const [key, raw] of Object.entries(answers)) {
    const item = dataItem(key);
    if (!item) {
      result.skipped.push({ key, reason: 'not a canonical data item (a question of this measure)' });
      continue;
    }
    if (!item.ownerWritable) {
      result.skipped.push({ key, reason: 'stated by the NTA registry only' });
      continue;
    }
    if (raw === null || raw === undefined || raw === '' || (Array.isArray(raw) && raw.length === 0)) {
      result.skipped.push({ key, reason: 'blank' });
      continue;
    }
    const checked = validateDataItem(key, raw);
    if (!checked.ok) {
      result.skipped.push({ key, reason: checked.problem });
      continue;
    }
    rows.push({ companyId: company.id, key, value: checked.value, source: 'APPLICATION', sourceRef: `application:${application.id}`, asOf: submittedAt, recordedBy });
    result.written.push(key);
  }
  if (rows.length > 0) {
    await db.insert(facts).values(rows).onConflictDoNothing({ target: [facts.companyId, facts.key, facts.source, facts.asOf] });
    if (rows.some((r) => affectsCompanyCache(r.key))) await refreshCompanyCache(db, [company.id]);
    forgetCompany(ctx, company);
  }
  return result;
}

export type { PrefilledValue };
