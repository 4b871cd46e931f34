/**
 * The consent workflow (domain.md §8: a 支援機関 sees a company's data only when it asks and the
 * company approves) and the audit log reads.
 *
 * SUPPORTER requestAccess → OWNER grantConsent (optionally answering the request) or
 * declineAccessRequest → access while the consent is live → revokeConsent ends it at once; expiry
 * ends it after its last day. Who may do what is policy.ts (canRequestAccess, canGrantConsent,
 * canRevokeConsent, canReadAuditLog); the pure validation is consent-rules.ts.
 */
import DataLoader from 'dataloader';
import { and, desc, eq, getTableColumns, gte, inArray, isNotNull, isNull, lt, lte, sql, type SQL } from 'drizzle-orm';
import type { Context } from '../../context.js';
import { groupInOrder, oneInOrder } from '../../context.js';
import { accessRequests, auditLog, consents } from '../../db/schema/index.js';
import type { GraphQLError } from 'graphql';
import {
  accessDeniedError, canGrantConsent, canReadAuditLog, canRequestAccess, canRevokeConsent, requireSignedIn, tokyoDateOf, type CompanyRef,
} from '../../shared/auth/policy.js';
import { hasRole, isOwner, isSupporter, type Viewer } from '../../shared/auth/viewer.js';
import { badInput, conflict, forbidden, notFound } from '../../shared/errors.js';
import { decodeCursor, pageSize, toLazyPage, toPage, type Page } from '../../shared/pagination.js';
import {
  companyByIdLoader, companyByNumberLoader, parseCompanyId, parseCorporateNumber, resolveCompanyRef,
} from '../company/company.service.js';
import type { CompanyRow } from '../company/company.type.js';
import {
  isAccessRequestStatus, normaliseScopes, scopesBeyond, validateExpiresOn, validateOrganizationId, validatePurpose,
} from './consent-rules.js';
import type { AuditLogFilter, GrantConsentInput, RequestAccessInput } from './consent.input.js';
import { ConsentState, type AccessRequestRow, type AuditRow, type ConsentRow } from './consent.type.js';

// ---------------------------------------------------------------------------------------------
// Helpers

function refOf(company: Pick<CompanyRow, 'id' | 'corporateNumber'>): CompanyRef {
  return { id: String(company.id), corporateNumber: company.corporateNumber };
}

/** The internal id of the company an OWNER viewer acts for, when the server knows it. */
function ownCompanyId(viewer: Viewer): number | undefined {
  if (!isOwner(viewer) || viewer.companyId === undefined || !/^[0-9]{1,15}$/.test(viewer.companyId)) return undefined;
  return Number(viewer.companyId);
}

/** A refused read: FORBIDDEN, with reason SIGN_IN_REQUIRED for an anonymous viewer, NOT_PERMITTED otherwise (docs/adr/0005). */
function readRefused(viewer: Viewer, message: string): GraphQLError {
  return accessDeniedError(viewer, { allowed: false, reason: message, audit: false, basis: 'DENIED' });
}

/** True for a PostgreSQL unique violation (23505), whether the driver error is wrapped (drizzle) or not. */
function isUniqueViolation(error: unknown): boolean {
  for (let e = error as { code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth += 1) {
    if (e.code === '23505') return true;
  }
  return false;
}

function hasCompanyRef(input: { corporateNumber?: string | null; companyId?: string | null }): boolean {
  return (input.corporateNumber !== undefined && input.corporateNumber !== null) || (input.companyId !== undefined && input.companyId !== null);
}

/** The company an input names by corporateNumber or companyId; BAD_USER_INPUT names `input.<field>`. */
async function companyOfInput(ctx: Context, input: { corporateNumber?: string | null; companyId?: string | null }): Promise<CompanyRow> {
  const hasNumber = input.corporateNumber !== undefined && input.corporateNumber !== null;
  const hasId = input.companyId !== undefined && input.companyId !== null;
  if (hasNumber === hasId) throw badInput('give exactly one of corporateNumber and companyId', 'input.companyId');
  return hasNumber
    ? resolveCompanyRef(ctx, { corporateNumber: parseCorporateNumber(input.corporateNumber!, 'input.corporateNumber') })
    : resolveCompanyRef(ctx, { companyId: parseCompanyId(input.companyId!, 'input.companyId') });
}

async function companyById(ctx: Context, id: number): Promise<CompanyRow> {
  const company = await companyByIdLoader(ctx).load(id);
  if (!company) throw notFound(`no company with id ${id}`);
  return company;
}

const EMPTY_PAGE = Object.freeze({ edges: [], pageInfo: { hasNextPage: false, endCursor: null }, totalCount: 0 });
function emptyPage<T>(): Page<T> {
  return EMPTY_PAGE as unknown as Page<T>;
}

// ---------------------------------------------------------------------------------------------
// Loaders

/** Access request by id. */
export function accessRequestByIdLoader(ctx: Context) {
  return ctx.loader('consent.requestById', () => new DataLoader<number, AccessRequestRow | null>(async (ids) => {
    const rows = await ctx.db.select().from(accessRequests).where(inArray(accessRequests.id, [...ids]));
    return oneInOrder(ids, rows, (r) => r.id);
  }));
}

/** Consent by id. */
export function consentByIdLoader(ctx: Context) {
  return ctx.loader('consent.byId', () => new DataLoader<number, ConsentRow | null>(async (ids) => {
    const rows = await ctx.db.select().from(consents).where(inArray(consents.id, [...ids]));
    return oneInOrder(ids, rows, (r) => r.id);
  }));
}

/** The consent that answered each access request (null while none did). */
function consentByRequestLoader(ctx: Context) {
  return ctx.loader('consent.byRequest', () => new DataLoader<number, ConsentRow | null>(async (ids) => {
    const rows = await ctx.db.select().from(consents).where(inArray(consents.accessRequestId, [...ids])).orderBy(desc(consents.id));
    return ids.map((id) => rows.find((r) => r.accessRequestId === id) ?? null);
  }));
}

/** Every consent of each company, newest first. */
function consentsByCompanyLoader(ctx: Context) {
  return ctx.loader('consent.byCompany', () => new DataLoader<number, ConsentRow[]>(async (ids) => {
    const rows = await ctx.db.select().from(consents).where(inArray(consents.companyId, [...ids])).orderBy(desc(consents.id));
    return groupInOrder(ids, rows, (r) => r.companyId);
  }));
}

/** Every access request to each company, newest first. */
function accessRequestsByCompanyLoader(ctx: Context) {
  return ctx.loader('consent.requestsByCompany', () => new DataLoader<number, AccessRequestRow[]>(async (ids) => {
    const rows = await ctx.db.select().from(accessRequests).where(inArray(accessRequests.companyId, [...ids])).orderBy(desc(accessRequests.id));
    return groupInOrder(ids, rows, (r) => r.companyId);
  }));
}

// ---------------------------------------------------------------------------------------------
// Mutations

/** SUPPORTER: asks a company for some scopes, with a purpose. One PENDING request per organisation and company (CONFLICT). */
export async function requestAccess(ctx: Context, input: RequestAccessInput): Promise<AccessRequestRow> {
  const viewer = requireSignedIn(ctx.viewer, 'requestAccess');
  if (!isSupporter(viewer) || !canRequestAccess(viewer)) {
    throw forbidden('requestAccess needs a SUPPORTER token: a support organisation asks the company for access');
  }
  const scopes = normaliseScopes(input.scopes, 'input.scopes');
  const purpose = validatePurpose(input.purpose, 'input.purpose');
  const company = await companyOfInput(ctx, input);
  const pendingConflict = (id: number | undefined) =>
    conflict(`organisation ${viewer.organizationId} already has a PENDING request to this company${id !== undefined ? ` (id ${id})` : ''}: wait for its answer`);
  const [pending] = await ctx.db.select({ id: accessRequests.id }).from(accessRequests)
    .where(and(eq(accessRequests.companyId, company.id), eq(accessRequests.organizationId, viewer.organizationId), eq(accessRequests.status, 'PENDING')))
    .limit(1);
  if (pending) throw pendingConflict(pending.id);
  try {
    const [row] = await ctx.db.insert(accessRequests).values({
      organizationId: viewer.organizationId,
      companyId: company.id,
      scopes,
      purpose,
      status: 'PENDING',
      requestedBy: viewer.sub,
      createdAt: ctx.now,
    }).returning();
    return row;
  } catch (error) {
    if (isUniqueViolation(error)) throw pendingConflict(undefined);
    throw error;
  }
}

/** The company a grant is for: the one named, else the request's, else an OWNER's own. */
async function companyForGrant(ctx: Context, input: GrantConsentInput, request: AccessRequestRow | null): Promise<CompanyRow> {
  const named = hasCompanyRef(input) ? await companyOfInput(ctx, input) : null;
  if (request) {
    if (named && named.id !== request.companyId) throw badInput('the access request is for another company', 'input.accessRequestId');
    return named ?? companyById(ctx, request.companyId);
  }
  if (named) return named;
  const own = ownCompanyId(ctx.viewer);
  if (own !== undefined) return companyById(ctx, own);
  if (hasRole(ctx.viewer, 'ADMIN')) throw badInput('name the company: give companyId, corporateNumber or accessRequestId', 'input.companyId');
  throw forbidden('this OWNER token is not bound to a company known here: there is nothing to grant');
}

/**
 * OWNER (of the company) or ADMIN: grants an organisation some scopes until `expiresOn`. With
 * `accessRequestId` it answers that PENDING request (CONFLICT otherwise), which becomes GRANTED; the
 * organisation must be the requester and the scopes some of the requested ones.
 */
export async function grantConsent(ctx: Context, input: GrantConsentInput): Promise<ConsentRow> {
  const viewer = requireSignedIn(ctx.viewer, 'grantConsent');
  if (!hasRole(viewer, 'OWNER', 'ADMIN')) throw forbidden("grantConsent is for the company's OWNER (or an ADMIN)");
  const requestId = input.accessRequestId !== undefined && input.accessRequestId !== null ? parseCompanyId(input.accessRequestId, 'input.accessRequestId') : null;
  const request = requestId !== null ? await accessRequestByIdLoader(ctx).load(requestId) : null;
  if (requestId !== null && !request) throw notFound(`no access request with id ${requestId}`);
  const company = await companyForGrant(ctx, input, request);
  if (!canGrantConsent(viewer, refOf(company))) throw forbidden("only the company's owner (or an ADMIN) grants its consents");
  const organizationId = validateOrganizationId(input.organizationId, 'input.organizationId');
  const scopes = normaliseScopes(input.scopes, 'input.scopes');
  const expiresOn = validateExpiresOn(input.expiresOn, ctx.now, 'input.expiresOn');
  if (request) {
    if (request.status !== 'PENDING') throw conflict(`access request ${request.id} is ${request.status}, not PENDING: it cannot be answered again`);
    if (request.organizationId !== organizationId) {
      throw badInput(`organizationId must be the requesting organisation (${request.organizationId}) when answering request ${request.id}`, 'input.organizationId');
    }
    const extra = scopesBeyond(scopes, request.scopes);
    if (extra.length) {
      throw badInput(`request ${request.id} did not ask for ${extra.join(', ')}: grant some of ${request.scopes.join(', ')}, or grant more in a separate consent`, 'input.scopes');
    }
  }
  return ctx.db.transaction(async (tx) => {
    if (request) {
      const [answered] = await tx.update(accessRequests)
        .set({ status: 'GRANTED', respondedAt: ctx.now, respondedBy: viewer.sub })
        .where(and(eq(accessRequests.id, request.id), eq(accessRequests.status, 'PENDING')))
        .returning();
      if (!answered) throw conflict(`access request ${request.id} was answered meanwhile`);
      accessRequestByIdLoader(ctx).clear(answered.id).prime(answered.id, answered);
    }
    const [row] = await tx.insert(consents).values({
      companyId: company.id,
      organizationId,
      scopes,
      accessRequestId: request?.id ?? null,
      grantedBy: viewer.sub,
      grantedAt: ctx.now,
      expiresOn,
    }).returning();
    return row;
  });
}

/** OWNER (of the company) or ADMIN: revokes a consent; access ends at once. CONFLICT when already revoked. */
export async function revokeConsent(ctx: Context, id: string): Promise<ConsentRow> {
  const viewer = requireSignedIn(ctx.viewer, 'revokeConsent');
  const consentId = parseCompanyId(id, 'id');
  if (!hasRole(viewer, 'OWNER', 'ADMIN')) throw forbidden("revokeConsent is for the company's OWNER (or an ADMIN)");
  const consent = await consentByIdLoader(ctx).load(consentId);
  if (!consent) throw notFound(`no consent with id ${consentId}`);
  const company = await companyById(ctx, consent.companyId);
  if (!canRevokeConsent(viewer, refOf(company))) throw forbidden("only the company's owner (or an ADMIN) revokes its consents");
  const alreadyRevoked = (at: Date | null) => conflict(`consent ${consentId} was already revoked${at ? ` at ${at.toISOString()}` : ''}`);
  if (consent.revokedAt) throw alreadyRevoked(consent.revokedAt);
  const [row] = await ctx.db.update(consents)
    .set({ revokedAt: ctx.now, revokedBy: viewer.sub })
    .where(and(eq(consents.id, consentId), isNull(consents.revokedAt)))
    .returning();
  if (!row) throw alreadyRevoked(null);
  consentByIdLoader(ctx).clear(row.id).prime(row.id, row);
  return row;
}

/** OWNER (of the company) or ADMIN: declines a PENDING access request (CONFLICT otherwise). */
export async function declineAccessRequest(ctx: Context, id: string): Promise<AccessRequestRow> {
  const viewer = requireSignedIn(ctx.viewer, 'declineAccessRequest');
  const requestId = parseCompanyId(id, 'id');
  if (!hasRole(viewer, 'OWNER', 'ADMIN')) throw forbidden("declineAccessRequest is for the company's OWNER (or an ADMIN)");
  const request = await accessRequestByIdLoader(ctx).load(requestId);
  if (!request) throw notFound(`no access request with id ${requestId}`);
  const company = await companyById(ctx, request.companyId);
  if (!canGrantConsent(viewer, refOf(company))) throw forbidden("only the company's owner (or an ADMIN) answers its access requests");
  const notPending = (status: string) => conflict(`access request ${requestId} is ${status}, not PENDING: it cannot be declined`);
  if (request.status !== 'PENDING') throw notPending(request.status);
  const [row] = await ctx.db.update(accessRequests)
    .set({ status: 'DECLINED', respondedAt: ctx.now, respondedBy: viewer.sub })
    .where(and(eq(accessRequests.id, requestId), eq(accessRequests.status, 'PENDING')))
    .returning();
  if (!row) throw notPending('no longer PENDING');
  accessRequestByIdLoader(ctx).clear(row.id).prime(row.id, row);
  return row;
}

// ---------------------------------------------------------------------------------------------
// Reads

/**
 * The consents of a company the viewer may see: all of them for its owner and ADMIN, those given
 * to the viewer's organisation for a SUPPORTER, none for anyone else (lists never include hidden rows).
 */
export async function consentsOfCompany(ctx: Context, company: Pick<CompanyRow, 'id' | 'corporateNumber'>): Promise<ConsentRow[]> {
  const viewer = ctx.viewer;
  if (canGrantConsent(viewer, refOf(company))) return consentsByCompanyLoader(ctx).load(company.id);
  if (isSupporter(viewer)) return (await consentsByCompanyLoader(ctx).load(company.id)).filter((c) => c.organizationId === viewer.organizationId);
  return [];
}

/** The access requests to a company the viewer may see (same rule as {@link consentsOfCompany}). */
export async function accessRequestsOfCompany(ctx: Context, company: Pick<CompanyRow, 'id' | 'corporateNumber'>): Promise<AccessRequestRow[]> {
  const viewer = ctx.viewer;
  if (canGrantConsent(viewer, refOf(company))) return accessRequestsByCompanyLoader(ctx).load(company.id);
  if (isSupporter(viewer)) return (await accessRequestsByCompanyLoader(ctx).load(company.id)).filter((r) => r.organizationId === viewer.organizationId);
  return [];
}

/** The company of a request, consent or audit entry. */
export function companyOf(ctx: Context, row: { companyId: number }): Promise<CompanyRow> {
  return companyById(ctx, row.companyId);
}

/** The consent that answered an access request, if any. */
export function consentAnswering(ctx: Context, request: AccessRequestRow): Promise<ConsentRow | null> {
  return consentByRequestLoader(ctx).load(request.id);
}

/** The access request a consent answered, if any. */
export async function requestAnswered(ctx: Context, consent: ConsentRow): Promise<AccessRequestRow | null> {
  return consent.accessRequestId === null ? null : accessRequestByIdLoader(ctx).load(consent.accessRequestId);
}

/** The state of a consent at the request's instant. */
export function consentStateOf(ctx: Context, consent: Pick<ConsentRow, 'expiresOn' | 'revokedAt'>): ConsentState {
  if (consent.revokedAt) return ConsentState.REVOKED;
  return consent.expiresOn >= tokyoDateOf(ctx.now) ? ConsentState.LIVE : ConsentState.EXPIRED;
}

/**
 * Which rows of a viewer-scoped list the viewer sees: a SUPPORTER its organisation's, an OWNER its
 * company's, ADMIN all; null when the viewer sees none (an OWNER not bound to a known company).
 * FORBIDDEN for anonymous and STAFF viewers.
 */
function viewerScope(ctx: Context, what: string, table: typeof accessRequests | typeof consents): SQL | undefined | null {
  const viewer = ctx.viewer;
  if (isSupporter(viewer)) return eq(table.organizationId, viewer.organizationId);
  if (isOwner(viewer)) {
    const own = ownCompanyId(viewer);
    return own === undefined ? null : eq(table.companyId, own);
  }
  if (hasRole(viewer, 'ADMIN')) return undefined;
  throw readRefused(viewer, `${what} are visible to SUPPORTERs (their organisation's), OWNERs (their company's) and ADMIN`);
}

/** Access requests the viewer may see (see viewerScope), newest first, optionally of one status. */
export async function listAccessRequests(ctx: Context, status: string | null | undefined, first: number | null | undefined, after: string | null | undefined): Promise<Page<AccessRequestRow>> {
  const scope = viewerScope(ctx, 'access requests', accessRequests);
  const limit = pageSize(first);
  const cursor = decodeCursor(after, 1);
  if (status !== null && status !== undefined && !isAccessRequestStatus(status)) throw badInput('status must be PENDING, GRANTED or DECLINED', 'status');
  if (scope === null) return emptyPage();
  const where = and(scope, status ? eq(accessRequests.status, status) : undefined);
  const [rows, [{ total }]] = await Promise.all([
    ctx.db.select().from(accessRequests).where(and(where, cursor ? lt(accessRequests.id, Number(cursor[0])) : undefined)).orderBy(desc(accessRequests.id)).limit(limit + 1),
    ctx.db.select({ total: sql<number>`count(*)::int` }).from(accessRequests).where(where),
  ]);
  return toPage(rows, limit, Number(total), (r) => [r.id]);
}

/** Consents the viewer may see (see viewerScope), newest first, optionally in one state. */
export async function listConsents(ctx: Context, state: ConsentState | null | undefined, first: number | null | undefined, after: string | null | undefined): Promise<Page<ConsentRow>> {
  const scope = viewerScope(ctx, 'consents', consents);
  const limit = pageSize(first);
  const cursor = decodeCursor(after, 1);
  if (scope === null) return emptyPage();
  const today = tokyoDateOf(ctx.now);
  const byState: Record<ConsentState, SQL | undefined> = {
    [ConsentState.LIVE]: and(isNull(consents.revokedAt), gte(consents.expiresOn, today)),
    [ConsentState.EXPIRED]: and(isNull(consents.revokedAt), lt(consents.expiresOn, today)),
    [ConsentState.REVOKED]: isNotNull(consents.revokedAt),
  };
  const where = and(scope, state ? byState[state] : undefined);
  const [rows, [{ total }]] = await Promise.all([
    ctx.db.select().from(consents).where(and(where, cursor ? lt(consents.id, Number(cursor[0])) : undefined)).orderBy(desc(consents.id)).limit(limit + 1),
    ctx.db.select({ total: sql<number>`count(*)::int` }).from(consents).where(where),
  ]);
  return toPage(rows, limit, Number(total), (r) => [r.id]);
}

// ---------------------------------------------------------------------------------------------
// Audit log

/** Cursor of an audit entry: its instant (ISO) and id, the sort key of newest-first order. */
function auditCursorOf(row: AuditRow): Array<string | number> {
  return [row.at.toISOString(), row.id];
}

function decodeAuditCursor(after: string | null | undefined): { at: string; id: number } | null {
  const key = decodeCursor(after, 2);
  if (!key) return null;
  const [at, id] = key;
  if (typeof at !== 'string' || Number.isNaN(Date.parse(at)) || typeof id !== 'number' || !Number.isSafeInteger(id)) {
    throw badInput('after is not a cursor this API issued', 'after');
  }
  return { at: new Date(at).toISOString(), id };
}

function beforeCursor(cursor: { at: string; id: number } | null): SQL | undefined {
  return cursor ? sql`(${auditLog.at}, ${auditLog.id}) < (${cursor.at}::timestamptz, ${cursor.id})` : undefined;
}

/** One page of each company's audit log, newest first: two statements for any number of companies. */
function companyAuditLoader(ctx: Context, limit: number, after: string | null | undefined) {
  const cursor = decodeAuditCursor(after);
  return ctx.loader(`consent.companyAudit:${limit}:${after ?? ''}`, () => new DataLoader<number, Page<AuditRow>>(async (ids) => {
    const rank = sql<number>`row_number() over (partition by ${auditLog.companyId} order by ${auditLog.at} desc, ${auditLog.id} desc)`.as('rank');
    const ranked = ctx.db.select({ ...getTableColumns(auditLog), rank }).from(auditLog)
      .where(and(inArray(auditLog.companyId, [...ids]), beforeCursor(cursor))).as('ranked');
    const [rows, totals] = await Promise.all([
      ctx.db.select().from(ranked).where(lte(ranked.rank, limit + 1)).orderBy(ranked.companyId, ranked.rank),
      ctx.db.select({ companyId: auditLog.companyId, total: sql<number>`count(*)::int` }).from(auditLog)
        .where(inArray(auditLog.companyId, [...ids])).groupBy(auditLog.companyId),
    ]);
    const totalOf = new Map(totals.map((t) => [t.companyId, Number(t.total)]));
    return groupInOrder(ids, rows, (r) => r.companyId).map((group, i) =>
      toPage(group.map(({ rank: _rank, ...row }) => row as AuditRow), limit, totalOf.get(ids[i]) ?? 0, auditCursorOf));
  }));
}

/** The audit log of one company, newest first: its OWNER and ADMIN only (FORBIDDEN otherwise). */
export async function auditLogOfCompany(ctx: Context, company: Pick<CompanyRow, 'id' | 'corporateNumber'>, first: number | null | undefined, after: string | null | undefined): Promise<Page<AuditRow>> {
  if (!canReadAuditLog(ctx.viewer, refOf(company))) {
    throw readRefused(ctx.viewer, "Company.auditLog: a company's audit log is visible to its owner and to ADMIN");
  }
  return companyAuditLoader(ctx, pageSize(first), after).load(company.id);
}

/** ADMIN: the platform's audit log, newest first, filtered. */
export async function listAuditLog(ctx: Context, filter: AuditLogFilter | null | undefined, first: number | null | undefined, after: string | null | undefined): Promise<Page<AuditRow>> {
  if (!hasRole(ctx.viewer, 'ADMIN')) throw readRefused(ctx.viewer, 'auditLog (the whole platform’s) is for ADMIN; an owner reads Company.auditLog');
  const limit = pageSize(first);
  const cursor = decodeAuditCursor(after);
  const conditions: Array<SQL | undefined> = [];
  if (filter?.companyId !== undefined && filter.companyId !== null) conditions.push(eq(auditLog.companyId, parseCompanyId(filter.companyId, 'filter.companyId')));
  if (filter?.corporateNumber !== undefined && filter.corporateNumber !== null) {
    const company = await companyByNumberLoader(ctx).load(parseCorporateNumber(filter.corporateNumber, 'filter.corporateNumber'));
    if (!company) return emptyPage();
    conditions.push(eq(auditLog.companyId, company.id));
  }
  if (filter?.organizationId) conditions.push(eq(auditLog.organizationId, filter.organizationId));
  if (filter?.actorSub) conditions.push(eq(auditLog.actorSub, filter.actorSub));
  if (filter?.actorRole) conditions.push(eq(auditLog.actorRole, filter.actorRole));
  if (filter?.scope) conditions.push(eq(auditLog.scope, filter.scope));
  if (filter?.from) conditions.push(gte(auditLog.at, filter.from));
  if (filter?.to) conditions.push(lt(auditLog.at, filter.to));
  if (filter?.from && filter?.to && filter.from.getTime() > filter.to.getTime()) throw badInput('filter.from must not be after filter.to', 'filter.to');
  const where = and(...conditions);
  const rows = await ctx.db.select().from(auditLog).where(and(where, beforeCursor(cursor))).orderBy(desc(auditLog.at), desc(auditLog.id)).limit(limit + 1);
  // the whole log can be long: counted only when the query asks for totalCount
  const countTotal = async () => {
    const [{ total }] = await ctx.db.select({ total: sql<number>`count(*)::int` }).from(auditLog).where(where);
    return Number(total);
  };
  return toLazyPage(rows, limit, countTotal, auditCursorOf);
}
