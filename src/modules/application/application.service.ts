/**
 * Applications: start (prefilled draft), save, submit (checks, flags, once-only write-back), decide (staff),
 * withdraw, and reading them (by id, per company as a Relay connection, events, flags).
 *
 * Every state change runs in one transaction that locks the application row (SELECT … FOR UPDATE), checks the
 * transition with the lifecycle state machine, updates the row and appends the event: concurrent requests are
 * serialised by the row lock and nothing is half-written. Inside a transaction only the transaction handle is
 * used (never the request's DataLoaders, which read outside it).
 *
 * Flags: computed at submission from the submitted answers and the company's data, and stored; re-computed at
 * decision with the data of that moment (new findings are added, marked as found at decision). A DRAFT has no
 * stored flags: `flags` computes them live at the request time, answering "what would be flagged if it were
 * submitted now".
 */
import { createHash } from 'node:crypto';
import DataLoader from 'dataloader';
import { and, asc, desc, eq, sql } from 'drizzle-orm';
import { GraphQLError } from 'graphql';
import type { Context } from '../../context.js';
import { groupInOrder, oneInOrder } from '../../context.js';
import type { Db } from '../../db/client.js';
import { arrayParameter, equalsAnyOf, preparedOnce } from '../../db/prepared.js';
import { applicationEvents, applications, companies, supportRecords } from '../../db/schema/index.js';
import { canActAsOwnerOf, canDecideApplications, requireSignedIn, tokyoDateOf } from '../../shared/auth/policy.js';
import { badInput, forbidden, notFound } from '../../shared/errors.js';
import { decodeCursor, pageSize, toPage, type Page } from '../../shared/pagination.js';
import { companyByIdLoader, resolveCompanyRef, supportRecordsLoader } from '../company/company.service.js';
import type { CompanyRow } from '../company/company.type.js';
import { classifySme, type CorporateKindName, type MajorShareholder } from '../company/sme-classification.js';
import { assertCanRead, canRead } from '../consent/access.service.js';
import { currentFacts, currentFactsIn } from '../facts/facts.service.js';
import type { FactVersion } from '../facts/precedence.js';
import { criteriaOf, formFieldsOf, measureByIdLoader, measureRoundsLoader, requireMeasure } from '../measure/measure.service.js';
import type { MeasureRoundRow, MeasureRow } from '../measure/measure.type.js';
import { prefillAnswers, writeBackAnswers } from '../prefill/prefill.service.js';
import type { DecideApplicationInput, SaveApplicationInput, StartApplicationInput, SubmitApplicationInput } from './application.input.js';
import type { ApplicationEventRow, ApplicationRow } from './application.type.js';
import {
  checkAnswer, invalidAnswers, isAnswered, mergeRecheck, missingRequiredFields, nearestRound, roundAt, runChecks,
  type ApplicationCheckInput, type CheckFlag, type FormFieldSpec, type RoundWindow,
} from './checks.js';
import {
  assertEditable, assertTransition, fiscalYearOf, isApplicationStatus, lifecycleConflict, STATUS_LABELS, type ApplicationStatusName,
} from './lifecycle.js';

type SupportRecordRow = typeof supportRecords.$inferSelect;

/** Longest idempotency key. */
export const MAX_IDEMPOTENCY_KEY_LENGTH = 200;
/** Most answers one save may carry, and the largest serialised answers document. */
export const MAX_ANSWER_KEYS = 500;
export const MAX_ANSWERS_BYTES = 256 * 1024;
/** Longest note of a decision or withdrawal. */
export const MAX_NOTE_LENGTH = 2_000;

// ---------------------------------------------------------------------------------------------
// Input checks and access
// ---------------------------------------------------------------------------------------------

/** The authenticated viewer's sub (recorded as the actor), or UNAUTHENTICATED. */
function actorOf(ctx: Context, operation: string): string {
  return requireSignedIn(ctx.viewer, operation).sub;
}

/** FORBIDDEN unless the viewer may act for the company as its owner (its OWNER, or an ADMIN). */
function assertActsAsOwner(ctx: Context, company: CompanyRow, operation: string): void {
  if (!canActAsOwnerOf(ctx.viewer, { id: String(company.id), corporateNumber: company.corporateNumber })) {
    throw forbidden(`${operation}: only the company's OWNER (or an ADMIN) may do this`);
  }
}

/** Validates an application id argument. */
export function parseApplicationId(value: string | number, field: string): number {
  const id = typeof value === 'number' ? value : /^[0-9]{1,15}$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(id) || id <= 0) throw badInput(`${field} must be a positive integer id, got ${JSON.stringify(value)}`, field);
  return id;
}

/** Validates an idempotency key: non-blank, at most 200 characters (kept as given). */
export function parseIdempotencyKey(value: string, field: string): string {
  if (typeof value !== 'string' || value.trim().length === 0) throw badInput('idempotencyKey must not be blank', field);
  if (value.length > MAX_IDEMPOTENCY_KEY_LENGTH) throw badInput(`idempotencyKey must be at most ${MAX_IDEMPOTENCY_KEY_LENGTH} characters`, field);
  return value;
}

function parseNote(value: string | null | undefined, field: string): string | null {
  if (value === null || value === undefined) return null;
  const note = value.trim();
  if (note.length > MAX_NOTE_LENGTH) throw badInput(`note must be at most ${MAX_NOTE_LENGTH} characters`, field);
  return note || null;
}

/** The hash of what a start request asks for: the resolved company and the measure. */
export function startInputHash(companyId: number, measureId: string): string {
  return createHash('sha256').update(JSON.stringify({ companyId, measureId })).digest('hex');
}

/** The form of a stored measure in the shape the checks read. */
function formOf(measure: MeasureRow): FormFieldSpec[] {
  return formFieldsOf(measure).map((field) => ({ ...field }));
}

/**
 * Validates an answers patch: a JSON object, at most 500 keys and 256 KB, every key a field of the measure's form
 * and every value of the field's type (canonical data items are checked and normalised as the item). Returns the
 * normalised patch; BAD_USER_INPUT names the offending key as `input.answers.<key>`.
 */
export function validateAnswersPatch(form: readonly FormFieldSpec[], answers: unknown, field = 'input.answers'): Record<string, unknown> {
  if (typeof answers !== 'object' || answers === null || Array.isArray(answers)) throw badInput('answers must be a JSON object of form field key → value', field);
  const entries = Object.entries(answers as Record<string, unknown>);
  if (entries.length > MAX_ANSWER_KEYS) throw badInput(`answers may hold at most ${MAX_ANSWER_KEYS} keys, got ${entries.length}`, field);
  if (Buffer.byteLength(JSON.stringify(answers), 'utf8') > MAX_ANSWERS_BYTES) throw badInput(`answers must be at most ${MAX_ANSWERS_BYTES / 1024} KB of JSON`, field);
  const patch: Record<string, unknown> = {};
  for (const [key, value] of entries) {
    if (key.trim().length === 0) throw badInput('answer keys must not be blank', field);
    const checked = checkAnswer(form, key, value);
    if (!checked.ok) throw badInput(`answers.${key} ${checked.problem}`, `${field}.${key}`);
    patch[key] = checked.value;
  }
  return patch;
}

function answersOf(row: Pick<ApplicationRow, 'answers'>): Record<string, unknown> {
  const answers = row.answers;
  return typeof answers === 'object' && answers !== null && !Array.isArray(answers) ? (answers as Record<string, unknown>) : {};
}

function flagsOf(row: Pick<ApplicationRow, 'flags'>): CheckFlag[] {
  return Array.isArray(row.flags) ? (row.flags as CheckFlag[]) : [];
}

// ---------------------------------------------------------------------------------------------
// Loaders (request-scoped, batched)
// ---------------------------------------------------------------------------------------------

/** Applications by id (one query per batch). */
export function applicationByIdLoader(ctx: Context) {
  return ctx.loader('application.byId', () => new DataLoader<number, ApplicationRow | null>(async (ids) => {
    const rows = await preparedOnce(ctx.db, 'applications_by_ids', (db) => db.select().from(applications).where(equalsAnyOf(applications.id, 'ids', 'bigint'))
      ).execute({ ids: arrayParameter(ids) });
    return oneInOrder(ids, rows, (row) => row.id);
  }));
}

/** Lifecycle events by application id, oldest first (one query per batch). */
export function applicationEventsLoader(ctx: Context) {
  return ctx.loader('application.events', () => new DataLoader<number, ApplicationEventRow[]>(async (ids) => {
    const rows = await preparedOnce(ctx.db, 'application_events_by_applications', (db) => db.select().from(applicationEvents)
      .where(equalsAnyOf(applicationEvents.applicationId, 'ids', 'bigint')).orderBy(asc(applicationEvents.applicationId), asc(applicationEvents.id))
      ).execute({ ids: arrayParameter(ids) });
    return groupInOrder(ids, rows, (row) => row.applicationId);
  }));
}

/** Every application of each company (the live checks of drafts read them; one query per batch). */
function applicationsOfCompanyLoader(ctx: Context) {
  return ctx.loader('application.ofCompany', () => new DataLoader<number, ApplicationRow[]>(async (companyIds) => {
    const rows = await preparedOnce(ctx.db, 'applications_by_companies', (db) => db.select().from(applications).where(equalsAnyOf(applications.companyId, 'ids', 'bigint'))
      .orderBy(desc(applications.id))).execute({ ids: arrayParameter(companyIds) });
    return groupInOrder(companyIds, rows, (row) => row.companyId);
  }));
}

/**
 * The statement of {@link applicationPageLoader}: the first `$rows` applications of each company in `$ids`, newest
 * first, each with its company's count of ranked rows; `afterCursor` keeps only ids below `$afterId`.
 */
function applicationPageStatement(db: Db, afterCursor: boolean) {
  const ranked = db.select({
    id: applications.id,
    rank: sql<number>`row_number() over (partition by ${applications.companyId} order by ${applications.id} desc)`.as('rank'),
    total: sql<number>`count(*) over (partition by ${applications.companyId})::int`.as('total'),
  }).from(applications)
    .where(and(equalsAnyOf(applications.companyId, 'ids', 'bigint'), afterCursor ? sql`${applications.id} < ${sql.placeholder('afterId')}::bigint` : undefined))
    .as('ranked');
  return db.select({ application: applications, total: ranked.total }).from(applications).innerJoin(ranked, eq(applications.id, ranked.id))
    .where(sql`${ranked.rank} <= ${sql.placeholder('rows')}::bigint`).orderBy(desc(applications.id));
}

/**
 * One page of each company's applications, newest first, for one (first, after) pair, whatever the number of
 * companies: one ranked page query that also counts each company's applications; after a cursor, a count query too.
 */
function applicationPageLoader(ctx: Context, limit: number, afterId: number | null) {
  return ctx.loader(`application.page:${limit}:${afterId ?? ''}`, () => new DataLoader<number, Page<ApplicationRow>>(async (companyIds) => {
    const ids = [...companyIds];
    const parameters = { ids: arrayParameter(ids), afterId: afterId ?? 0, rows: limit + 1 };
    // the first page counts every application of its company in the same statement (a window over the ranked rows);
    // a later page (after a cursor) needs a count of its own, as its ranked rows start after the cursor
    const [rows, totals] = await Promise.all([
      (afterId === null
        ? preparedOnce(ctx.db, 'applications_first_page', (db) => applicationPageStatement(db, false))
        : preparedOnce(ctx.db, 'applications_page_after', (db) => applicationPageStatement(db, true))).execute(parameters),
      afterId === null
        ? Promise.resolve(null)
        : preparedOnce(ctx.db, 'applications_count_by_companies', (db) => db.select({ companyId: applications.companyId, total: sql<number>`count(*)::int` }).from(applications)
          .where(equalsAnyOf(applications.companyId, 'ids', 'bigint')).groupBy(applications.companyId)).execute(parameters),
    ]);
    const byCompany = groupInOrder(ids, rows.map((row) => row.application), (row) => row.companyId);
    const totalOf = new Map(totals
      ? totals.map((row) => [row.companyId, Number(row.total)])
      : rows.map((row) => [row.application.companyId, Number(row.total)]));
    for (const row of rows) applicationByIdLoader(ctx).prime(row.application.id, row.application);
    return ids.map((companyId, index) => toPage(byCompany[index]!, limit, totalOf.get(companyId) ?? 0, (row) => [row.id]));
  }));
}

// ---------------------------------------------------------------------------------------------
// Reading
// ---------------------------------------------------------------------------------------------

/** Query.application: null for an unknown id; FORBIDDEN for a viewer without APPLICATIONS access to the company. */
export async function findApplication(ctx: Context, id: string): Promise<ApplicationRow | null> {
  const application = await applicationByIdLoader(ctx).load(parseApplicationId(id, 'id'));
  if (!application) return null;
  const company = await companyByIdLoader(ctx).load(application.companyId);
  if (!company) return null;
  await assertCanRead(ctx, company, 'APPLICATIONS', 'Query.application');
  return application;
}

const EMPTY_PAGE: Page<ApplicationRow> = Object.freeze({ edges: [], pageInfo: { hasNextPage: false, endCursor: null }, totalCount: 0 }) as Page<ApplicationRow>;

/**
 * Company.applications: the company's applications, newest first, as a Relay connection. A viewer who may not see
 * the company's APPLICATIONS gets an empty connection (totalCount 0), as confidential lists never show hidden rows.
 */
export async function listCompanyApplications(ctx: Context, company: CompanyRow, first: number | null | undefined, after: string | null | undefined): Promise<Page<ApplicationRow>> {
  const limit = pageSize(first);
  const cursor = decodeCursor(after, 1);
  const afterId = cursor === null ? null : Number(cursor[0]);
  if (afterId !== null && (!Number.isSafeInteger(afterId) || afterId <= 0)) throw badInput('after is not a cursor this API issued', 'after');
  if (!(await canRead(ctx, company, 'APPLICATIONS', 'Company.applications'))) return EMPTY_PAGE;
  return applicationPageLoader(ctx, limit, afterId).load(company.id);
}

/** The lifecycle events of an application, oldest first (empty for a viewer without APPLICATIONS access). */
export async function historyOf(ctx: Context, application: ApplicationRow): Promise<ApplicationEventRow[]> {
  const company = await companyByIdLoader(ctx).load(application.companyId);
  if (!company || !(await canRead(ctx, company, 'APPLICATIONS', 'Application.history'))) return [];
  return applicationEventsLoader(ctx).load(application.id);
}

/** The answers of an application; FORBIDDEN for a viewer without APPLICATIONS access to the company. */
export async function answersFor(ctx: Context, application: ApplicationRow): Promise<Record<string, unknown>> {
  const company = await companyByIdLoader(ctx).load(application.companyId);
  if (!company) throw notFound(`company ${application.companyId} of application ${application.id} is gone`);
  await assertCanRead(ctx, company, 'APPLICATIONS', 'Application.answers');
  return answersOf(application);
}

/**
 * The flags of an application: stored ones once submitted; for a DRAFT, computed live at the request time from
 * its current answers and the company's data (batched over every draft of the request). Empty for a viewer
 * without APPLICATIONS access.
 */
export async function flagsFor(ctx: Context, application: ApplicationRow): Promise<CheckFlag[]> {
  const company = await companyByIdLoader(ctx).load(application.companyId);
  if (!company || !(await canRead(ctx, company, 'APPLICATIONS', 'Application.flags'))) return [];
  if (application.status !== 'DRAFT') return flagsOf(application);
  return liveFlagsLoader(ctx).load(application);
}

function liveFlagsLoader(ctx: Context) {
  return ctx.loader('application.liveFlags', () => new DataLoader<ApplicationRow, CheckFlag[], number>(
    (drafts) => Promise.all(drafts.map((draft) => liveFlagsOf(ctx, draft))),
    { cacheKeyFn: (draft) => draft.id },
  ));
}

async function liveFlagsOf(ctx: Context, draft: ApplicationRow): Promise<CheckFlag[]> {
  const [company, measure, rounds, facts, records, companyApplications] = await Promise.all([
    companyByIdLoader(ctx).load(draft.companyId),
    measureByIdLoader(ctx).load(draft.measureId),
    measureRoundsLoader(ctx).load(draft.measureId),
    currentFacts(ctx, draft.companyId),
    supportRecordsLoader(ctx).load(draft.companyId),
    applicationsOfCompanyLoader(ctx).load(draft.companyId),
  ]);
  if (!company || !measure) return [];
  return runChecks(checkInputOf({ at: ctx.now, application: draft, company, measure, rounds, facts, records, companyApplications, withAnswers: true }).input);
}

// ---------------------------------------------------------------------------------------------
// Gathering the data of the checks
// ---------------------------------------------------------------------------------------------

interface CheckSources {
  at: Date;
  application: Pick<ApplicationRow, 'id' | 'roundId' | 'answers'>;
  company: CompanyRow;
  measure: MeasureRow;
  rounds: readonly MeasureRoundRow[];
  /** current facts of the company */
  facts: readonly FactVersion[];
  /** support records of the company (any measure) */
  records: readonly SupportRecordRow[];
  /** applications of the company (any measure) */
  companyApplications: readonly ApplicationRow[];
  /**
   * Lay the application's answers over the facts (submission, live draft flags: the answers are what the company
   * states); false at decision, where the company's data of that moment counts (the answers were written back as
   * facts at submission, and anything stated since supersedes them).
   */
  withAnswers: boolean;
}

function roundWindows(rounds: readonly MeasureRoundRow[]): RoundWindow[] {
  return rounds.map((round) => ({ id: round.id, label: round.label, acceptingFrom: round.acceptingFrom, acceptingUntil: round.acceptingUntil }));
}

/**
 * The SME classification with the application's answers laid over the company's current facts (the answers are
 * what the company states at submission; they become its newest facts), and the industry used.
 */
function classifyWithAnswers(company: CompanyRow, facts: readonly FactVersion[], answers: Record<string, unknown>) {
  const current = new Map(facts.map((fact) => [fact.key, fact.value]));
  const value = <T>(key: string, fallback: T | null): T | null => {
    if (isAnswered(answers[key])) return answers[key] as T;
    const known = current.get(key);
    return known === null || known === undefined ? fallback : (known as T);
  };
  const industryCode = value<string>('industryCode', company.industryCode);
  const sme = classifySme({
    kind: company.kind as CorporateKindName,
    industryCode,
    capitalYen: value<number>('capitalYen', company.capitalYen),
    employees: value<number>('employees', company.employees),
    majorShareholders: value<MajorShareholder[]>('majorShareholders', null),
    officersTotal: value<number>('officersTotal', null),
    officersFromLargeEnterprises: value<number>('officersFromLargeEnterprises', null),
    officersFromDeemedLargeEnterprises: value<number>('officersFromDeemedLargeEnterprises', null),
    averageTaxableIncomeYen: value<number>('averageTaxableIncomeYen', null),
  });
  return { sme, industryCode };
}

/** Turns the gathered rows into the plain input of the checks. */
function checkInputOf(sources: CheckSources): { input: ApplicationCheckInput; industryCode: string | null } {
  const { measure, company, application } = sources;
  const { sme, industryCode } = classifyWithAnswers(company, sources.facts, sources.withAnswers ? answersOf(application) : {});
  const receipts = [
    ...sources.records.filter((record) => record.measureId === measure.id).map((record) => ({
      kind: 'SUPPORT_RECORD' as const, measureId: record.measureId, title: record.title, on: record.approvedOn, applicationId: record.applicationId,
    })),
    ...sources.companyApplications.filter((other) => other.measureId === measure.id && other.status === 'ADOPTED').map((other) => ({
      kind: 'ADOPTED_APPLICATION' as const, measureId: other.measureId, title: measure.title, on: other.decidedAt ? tokyoDateOf(other.decidedAt) : null, applicationId: other.id,
    })),
  ];
  return {
    industryCode,
    input: {
      at: sources.at,
      applicationId: application.id,
      roundId: application.roundId,
      measure: {
        id: measure.id, title: measure.title, kind: measure.kind, alwaysOpen: measure.alwaysOpen, exclusionMonths: measure.exclusionMonths,
        criteria: criteriaOf(measure), rounds: roundWindows(sources.rounds),
      },
      company: { closeDate: company.closeDate, closeCause: company.closeCause, successorCorporateNumber: company.successorCorporateNumber },
      sme,
      receipts,
      otherApplications: sources.companyApplications.map((other) => ({ id: other.id, measureId: other.measureId, roundId: other.roundId, status: other.status })),
    },
  };
}

/** The data of the checks read through a transaction (the company row fresh, its facts, and its rows of the measure). */
async function checkSourcesIn(tx: Db, at: Date, application: ApplicationRow, measure: MeasureRow, rounds: readonly MeasureRoundRow[], withAnswers: boolean): Promise<CheckSources> {
  const [company] = await tx.select().from(companies).where(eq(companies.id, application.companyId));
  if (!company) throw notFound(`company ${application.companyId} of application ${application.id} is gone`);
  const [facts, records, companyApplications] = await Promise.all([
    currentFactsIn(tx, company),
    tx.select().from(supportRecords).where(and(eq(supportRecords.companyId, company.id), eq(supportRecords.measureId, measure.id))),
    tx.select().from(applications).where(and(eq(applications.companyId, company.id), eq(applications.measureId, measure.id))),
  ]);
  return { at, application, company, measure, rounds, facts, records, companyApplications, withAnswers };
}

// ---------------------------------------------------------------------------------------------
// Transitions
// ---------------------------------------------------------------------------------------------

/** Locks an application row for the rest of the transaction; NOT_FOUND when it is gone. */
async function lockApplication(tx: Db, id: number): Promise<ApplicationRow> {
  const [row] = await tx.select().from(applications).where(eq(applications.id, id)).for('update');
  if (!row) throw notFound(`no application with id ${id}`);
  return row;
}

/**
 * Moves a locked application to `to` (CONFLICT when the lifecycle does not allow it), applying `patch`, and appends
 * the event — in the caller's transaction.
 */
async function transition(
  tx: Db,
  row: ApplicationRow,
  to: ApplicationStatusName,
  event: { actor: string; at: Date; note: string | null },
  patch: Partial<typeof applications.$inferInsert> = {},
): Promise<ApplicationRow> {
  const from = row.status as ApplicationStatusName;
  assertTransition(from, to);
  const [updated] = await tx.update(applications)
    .set({ ...patch, status: to, updatedAt: event.at })
    .where(and(eq(applications.id, row.id), eq(applications.status, from)))
    .returning();
  if (!updated) throw lifecycleConflict(`application ${row.id} changed while moving it to ${to}; read it again`, { currentStatus: from, requestedStatus: to });
  await tx.insert(applicationEvents).values({ applicationId: row.id, at: event.at, fromStatus: from, toStatus: to, actor: event.actor, note: event.note });
  return updated;
}

/** Loads an application and its company for an operation; NOT_FOUND for an unknown id. */
async function applicationWithCompany(ctx: Context, id: number): Promise<{ application: ApplicationRow; company: CompanyRow }> {
  const application = await applicationByIdLoader(ctx).load(id);
  if (!application) throw notFound(`no application with id ${id}`);
  const company = await companyByIdLoader(ctx).load(application.companyId);
  if (!company) throw notFound(`company ${application.companyId} of application ${id} is gone`);
  return { application, company };
}

/** Caches a changed row for the rest of the request (and drops stale per-company lists). */
function remember(ctx: Context, row: ApplicationRow): ApplicationRow {
  applicationByIdLoader(ctx).clear(row.id).prime(row.id, row);
  applicationEventsLoader(ctx).clear(row.id);
  applicationsOfCompanyLoader(ctx).clear(row.companyId);
  return row;
}

// ---------------------------------------------------------------------------------------------
// Mutations
// ---------------------------------------------------------------------------------------------

/**
 * startApplication: the company's OWNER (or an ADMIN) opens a DRAFT for a measure, its answers prefilled from what
 * is known (once-only). Idempotent per actor and key: the same key with the same company and measure returns the
 * same application; with another company or measure it is a CONFLICT. Concurrent duplicates create one row (the
 * unique index on (created_by, start_key) with ON CONFLICT DO NOTHING, then a re-read).
 */
export async function startApplication(ctx: Context, input: StartApplicationInput): Promise<ApplicationRow> {
  const actor = actorOf(ctx, 'startApplication');
  const key = parseIdempotencyKey(input.idempotencyKey, 'input.idempotencyKey');
  const company = await resolveCompanyRef(ctx, input);
  assertActsAsOwner(ctx, company, 'startApplication');
  const measure = await requireMeasure(ctx, input.measureId, 'input.measureId');
  const hash = startInputHash(company.id, measure.id);

  const sameOrConflict = (existing: ApplicationRow): ApplicationRow => {
    if (existing.startInputHash !== hash) {
      throw new GraphQLError('idempotencyKey was already used to start another application (a different company or measure); use a new key', {
        extensions: { code: 'CONFLICT', field: 'input.idempotencyKey', applicationId: String(existing.id) },
      });
    }
    return remember(ctx, existing);
  };
  const byKey = () => ctx.db.select().from(applications).where(and(eq(applications.createdBy, actor), eq(applications.startKey, key)));

  const [existing] = await byKey();
  if (existing) return sameOrConflict(existing);

  const [rounds, answers] = await Promise.all([measureRoundsLoader(ctx).load(measure.id), prefillAnswers(ctx, company, measure)]);
  const form = formOf(measure);
  const round = measure.alwaysOpen ? null : roundAt(roundWindows(rounds), ctx.now) ?? rounds.find((r) => r.acceptingFrom !== null && r.acceptingFrom > ctx.now) ?? null;
  // prefilled values that would not pass the form's checks stay out: the owner is asked for them instead
  const prefilled = Object.fromEntries(Object.entries(answers).flatMap(([k, v]) => {
    const checked = checkAnswer(form, k, v);
    return checked.ok ? [[k, checked.value]] : [];
  }));
  const required = form.filter((field) => field.required);
  const note = `下書きを作成（事前入力 ${Object.keys(prefilled).length} / ${form.length} 項目、必須 ${required.filter((f) => isAnswered(prefilled[f.key])).length} / ${required.length} 項目）`;

  const created = await ctx.db.transaction(async (tx) => {
    const [row] = await tx.insert(applications).values({
      companyId: company.id,
      measureId: measure.id,
      roundId: round?.id ?? null,
      status: 'DRAFT',
      answers: prefilled,
      fiscalYear: fiscalYearOf(ctx.now),
      startKey: key,
      startInputHash: hash,
      createdBy: actor,
      createdAt: ctx.now,
      updatedAt: ctx.now,
    }).onConflictDoNothing({ target: [applications.createdBy, applications.startKey] }).returning();
    if (row) await tx.insert(applicationEvents).values({ applicationId: row.id, at: ctx.now, fromStatus: null, toStatus: 'DRAFT', actor, note });
    return row ?? null;
  });
  if (created) return remember(ctx, created);
  // a concurrent request with the same key won the insert
  const [winner] = await byKey();
  if (!winner) throw new Error(`startApplication: no application for key ${key} after a conflicting insert`);
  return sameOrConflict(winner);
}

/** saveApplication: merges answers into a DRAFT (CONFLICT otherwise); the company's OWNER or an ADMIN. */
export async function saveApplication(ctx: Context, input: SaveApplicationInput): Promise<ApplicationRow> {
  actorOf(ctx, 'saveApplication');
  const id = parseApplicationId(input.id, 'input.id');
  const { application, company } = await applicationWithCompany(ctx, id);
  assertActsAsOwner(ctx, company, 'saveApplication');
  const measure = await requireMeasure(ctx, application.measureId);
  const patch = validateAnswersPatch(formOf(measure), input.answers);
  const saved = await ctx.db.transaction(async (tx) => {
    const row = await lockApplication(tx, id);
    assertEditable(row.status as ApplicationStatusName, 'saveApplication');
    const [updated] = await tx.update(applications)
      .set({ answers: { ...answersOf(row), ...patch }, updatedAt: ctx.now })
      .where(eq(applications.id, id))
      .returning();
    return updated!;
  });
  return remember(ctx, saved);
}

/** BAD_USER_INPUT of a submission with missing or invalid answers; extensions.missing / extensions.invalid list them. */
function incompleteAnswersError(missing: readonly FormFieldSpec[], invalid: ReadonlyArray<{ key: string; problem: string }>): GraphQLError {
  const parts: string[] = [];
  if (missing.length) parts.push(`required fields without an answer: ${missing.map((f) => `${f.label} (${f.key})`).join(', ')}`);
  if (invalid.length) parts.push(`invalid answers: ${invalid.map((p) => `${p.key} ${p.problem}`).join('; ')}`);
  return new GraphQLError(`submitApplication: ${parts.join('; ')}`, {
    extensions: { code: 'BAD_USER_INPUT', field: 'answers', missing: missing.map((f) => f.key), invalid },
  });
}

/**
 * submitApplication: DRAFT → SUBMITTED, in one transaction: checks the required fields and the answers
 * (BAD_USER_INPUT listing them), records submittedAt, 年度, prefecture, industry and SME category (for EBPM), the
 * requested amount (answer requestedAmountYen), the round (open one, else the nearest), runs the automatic checks
 * and stores their flags, appends the event, and writes the answers back to the company's facts (source
 * APPLICATION, sourceRef application:<id>). The same idempotency key again returns the application unchanged;
 * another key on an application no longer in DRAFT is a CONFLICT.
 */
export async function submitApplication(ctx: Context, input: SubmitApplicationInput): Promise<ApplicationRow> {
  const actor = actorOf(ctx, 'submitApplication');
  const id = parseApplicationId(input.id, 'input.id');
  const key = parseIdempotencyKey(input.idempotencyKey, 'input.idempotencyKey');
  const { application, company } = await applicationWithCompany(ctx, id);
  assertActsAsOwner(ctx, company, 'submitApplication');
  if (application.submitKey === key) return application;
  const [measure, rounds] = await Promise.all([requireMeasure(ctx, application.measureId), measureRoundsLoader(ctx).load(application.measureId)]);
  const form = formOf(measure);
  const at = ctx.now;

  const submitted = await ctx.db.transaction(async (tx) => {
    const row = await lockApplication(tx, id);
    if (row.submitKey === key) return row;
    if (row.status !== 'DRAFT') {
      const status = row.status as ApplicationStatusName;
      if (row.submitKey !== null) {
        throw lifecycleConflict(`application ${id} was already submitted with another idempotency key (now ${status}, ${STATUS_LABELS[status]})`, { currentStatus: status, requestedStatus: 'SUBMITTED' });
      }
      assertTransition(status, 'SUBMITTED');
    }
    const answers = answersOf(row);
    const missing = missingRequiredFields(form, answers);
    const invalid = invalidAnswers(form, answers);
    if (missing.length || invalid.length) throw incompleteAnswersError(missing, invalid);

    const windows = roundWindows(rounds);
    const round = measure.alwaysOpen ? null : roundAt(windows, at) ?? nearestRound(windows, at);
    const placed = { ...row, roundId: round?.id ?? row.roundId };
    const sources = await checkSourcesIn(tx, at, placed, measure, rounds, true);
    const { input: checkInput, industryCode } = checkInputOf(sources);
    const flags = runChecks(checkInput);
    const requested = answers.requestedAmountYen;
    const updated = await transition(tx, row, 'SUBMITTED', { actor, at, note: flags.length ? `提出（自動チェック: ${flags.map((f) => f.code).join(', ')}）` : '提出（自動チェックの該当なし）' }, {
      submittedAt: at,
      submitKey: key,
      roundId: placed.roundId,
      fiscalYear: fiscalYearOf(at),
      prefectureCode: sources.company.prefectureCode,
      industryCode,
      smeCategory: checkInput.sme.category,
      requestedAmountYen: typeof requested === 'number' && Number.isSafeInteger(requested) ? requested : null,
      flags,
    });
    await writeBackAnswers(ctx, company, updated, tx);
    return updated;
  });
  return remember(ctx, submitted);
}

/**
 * decideApplication (STAFF/ADMIN): SUBMITTED → ADOPTED or REJECTED with an optional note. A granted amount is for
 * ADOPTED only and at most the cap of the application's round (else the measure's). The automatic checks run again
 * with the company's data of now (new findings are added to the flags). ADOPTED records the support received
 * (support_records, source PLATFORM, approvedOn = the decision date in Japan) in the same transaction, so 二重受給
 * checks and Company.supportReceived see it.
 */
export async function decideApplication(ctx: Context, input: DecideApplicationInput): Promise<ApplicationRow> {
  const actor = actorOf(ctx, 'decideApplication');
  if (!canDecideApplications(ctx.viewer)) throw forbidden('decideApplication: only STAFF or ADMIN decide applications');
  const id = parseApplicationId(input.id, 'input.id');
  const to = input.status as string;
  if (!isApplicationStatus(to) || (to !== 'ADOPTED' && to !== 'REJECTED')) throw badInput(`status must be ADOPTED or REJECTED, got ${String(input.status)}`, 'input.status');
  const granted = input.grantedAmountYen ?? null;
  if (granted !== null && to === 'REJECTED') throw badInput('grantedAmountYen is only for ADOPTED', 'input.grantedAmountYen');
  if (granted !== null && granted < 0) throw badInput('grantedAmountYen must not be negative', 'input.grantedAmountYen');
  const note = parseNote(input.note, 'input.note');
  const { application, company } = await applicationWithCompany(ctx, id);
  const [measure, rounds] = await Promise.all([requireMeasure(ctx, application.measureId), measureRoundsLoader(ctx).load(application.measureId)]);
  const at = ctx.now;

  const decided = await ctx.db.transaction(async (tx) => {
    const row = await lockApplication(tx, id);
    assertTransition(row.status as ApplicationStatusName, to);
    const round = rounds.find((r) => r.id === row.roundId) ?? null;
    const cap = round?.maxAmountYen ?? measure.maxAmountYen;
    if (granted !== null && cap !== null && granted > cap) {
      throw badInput(`grantedAmountYen ${granted} exceeds the maximum of ${measure.title}${round ? `（${round.label}）` : ''}: ${cap}`, 'input.grantedAmountYen');
    }
    const sources = await checkSourcesIn(tx, row.submittedAt ?? at, row, measure, rounds, false);
    const flags = mergeRecheck(flagsOf(row), runChecks(checkInputOf(sources).input));
    const updated = await transition(tx, row, to, { actor, at, note }, { decidedAt: at, grantedAmountYen: granted, flags });
    if (to === 'ADOPTED') {
      await tx.insert(supportRecords).values({
        companyId: row.companyId,
        title: round ? `${measure.title}（${round.label}）` : measure.title,
        amountYen: granted,
        approvedOn: tokyoDateOf(at),
        authority: measure.agency,
        measureId: measure.id,
        applicationId: row.id,
        source: 'PLATFORM',
        sourceRef: `application:${row.id}`,
      }).onConflictDoNothing();
    }
    return updated;
  });
  supportRecordsLoader(ctx).clear(company.id);
  return remember(ctx, decided);
}

/** withdrawApplication: DRAFT or SUBMITTED → WITHDRAWN (CONFLICT otherwise); the company's OWNER or an ADMIN. */
export async function withdrawApplication(ctx: Context, idArg: string, noteArg?: string | null): Promise<ApplicationRow> {
  const actor = actorOf(ctx, 'withdrawApplication');
  const id = parseApplicationId(idArg, 'id');
  const note = parseNote(noteArg, 'note');
  const { company } = await applicationWithCompany(ctx, id);
  assertActsAsOwner(ctx, company, 'withdrawApplication');
  const withdrawn = await ctx.db.transaction(async (tx) => {
    const row = await lockApplication(tx, id);
    return transition(tx, row, 'WITHDRAWN', { actor, at: ctx.now, note });
  });
  return remember(ctx, withdrawn);
}
