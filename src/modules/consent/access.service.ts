import DataLoader from 'dataloader';
import { and, eq, sql } from 'drizzle-orm';
import type { Context } from '../../context.js';
import { groupInOrder } from '../../context.js';
import { arrayParameter, equalsAnyOf, preparedOnce } from '../../db/prepared.js';
import { consents } from '../../db/schema/index.js';
import { accessDeniedError, decideAccess, type AccessDecision, type AccessScope } from '../../shared/auth/policy.js';
import type { CompanyRow } from '../company/company.type.js';

type ConsentRow = typeof consents.$inferSelect;

/** The viewer organisation's consents, per company (only loaded for SUPPORTER viewers). */
function consentsOfViewerOrg(ctx: Context) {
  return ctx.loader('consent.ofViewerOrg', () => new DataLoader<number, ConsentRow[]>(async (companyIds) => {
    const viewer = ctx.viewer;
    if (viewer.kind !== 'USER' || viewer.role !== 'SUPPORTER') return companyIds.map(() => []);
    const rows = await preparedOnce(ctx.db, 'consents_of_organization', (db) => db.select().from(consents)
      .where(and(equalsAnyOf(consents.companyId, 'ids', 'bigint'), eq(consents.organizationId, sql.placeholder('organizationId')))))
      .execute({ ids: arrayParameter(companyIds), organizationId: viewer.organizationId });
    return groupInOrder(companyIds, rows, (r) => r.companyId);
  }));
}

interface PendingAudit {
  companyId: number;
  scope: string;
  operation: string;
  consentId: number | null;
}

/**
 * The request's audit: entries not yet written, the keys already recorded (an entry is written once per request),
 * the writes started, and whether the early write was scheduled.
 */
interface RequestAudit {
  readonly pending: Map<string, PendingAudit>;
  readonly recorded: Set<string>;
  readonly writes: Array<Promise<void>>;
  earlyWriteScheduled: boolean;
}

function requestAudit(ctx: Context): RequestAudit {
  return ctx.memo('audit', (): RequestAudit => ({ pending: new Map(), recorded: new Set(), writes: [], earlyWriteScheduled: false }));
}

/**
 * Records an allowed read. The first entries of a request are written as soon as the current phase of execution
 * has decided its reads (setImmediate), so the write overlaps the reads it records instead of adding a round trip
 * before the response; later entries wait for {@link flushAudit}. At most two writes per request.
 */
function recordRead(ctx: Context, entry: PendingAudit): void {
  const audit = requestAudit(ctx);
  const key = `${entry.companyId}|${entry.scope}|${entry.operation}`;
  if (audit.recorded.has(key)) return;
  audit.recorded.add(key);
  audit.pending.set(key, entry);
  if (audit.earlyWriteScheduled) return;
  audit.earlyWriteScheduled = true;
  setImmediate(() => {
    const write = writePending(ctx, audit);
    write.catch(() => {}); // awaited, and so reported, by flushAudit
    audit.writes.push(write);
  });
}

/**
 * Decides whether the viewer may read a scope of a company's data (policy.ts decideAccess with the
 * viewer organisation's consents); records an allowed read in the request's audit entries when the
 * reader is not the company's owner and the scope is confidential.
 */
export async function decideRead(ctx: Context, company: Pick<CompanyRow, 'id' | 'corporateNumber'>, scope: AccessScope, operation: string): Promise<AccessDecision> {
  const viewer = ctx.viewer;
  const companyConsents = viewer.kind === 'USER' && viewer.role === 'SUPPORTER' ? await consentsOfViewerOrg(ctx).load(company.id) : [];
  const decision = decideAccess(
    viewer,
    { id: String(company.id), corporateNumber: company.corporateNumber },
    scope,
    companyConsents.map((c) => ({
      id: String(c.id),
      companyId: String(c.companyId),
      organizationId: c.organizationId,
      scopes: c.scopes as AccessScope[],
      expiresOn: c.expiresOn,
      revokedAt: c.revokedAt,
    })),
    ctx.now,
  );
  if (decision.allowed && decision.audit) {
    recordRead(ctx, { companyId: company.id, scope, operation, consentId: decision.consentId !== undefined ? Number(decision.consentId) : null });
  }
  return decision;
}

/** True when the viewer may read the scope (see {@link decideRead}; allowed reads are audited). */
export async function canRead(ctx: Context, company: Pick<CompanyRow, 'id' | 'corporateNumber'>, scope: AccessScope, operation: string): Promise<boolean> {
  return (await decideRead(ctx, company, scope, operation)).allowed;
}

/**
 * Throws FORBIDDEN unless the viewer may read the scope. The message names the operation and the
 * policy's reason (never a confidential value); extensions.reason is SIGN_IN_REQUIRED for anonymous
 * viewers, NOT_PERMITTED otherwise (docs/adr/0005).
 */
export async function assertCanRead(ctx: Context, company: Pick<CompanyRow, 'id' | 'corporateNumber'>, scope: AccessScope, operation: string): Promise<void> {
  const decision = await decideRead(ctx, company, scope, operation);
  if (!decision.allowed) throw accessDeniedError(ctx.viewer, { ...decision, reason: `${operation}: ${decision.reason}` });
}

/** A nullable confidential field: its value, or null with FORBIDDEN at its path. */
export async function guardField<T>(ctx: Context, company: Pick<CompanyRow, 'id' | 'corporateNumber'>, scope: AccessScope, operation: string, read: () => Promise<T>): Promise<T> {
  await assertCanRead(ctx, company, scope, operation);
  return read();
}

/** A non-null confidential list: its rows, or an empty list when the viewer may not see them (lists never include hidden rows). */
export async function guardList<T>(ctx: Context, company: Pick<CompanyRow, 'id' | 'corporateNumber'>, scope: AccessScope, operation: string, read: () => Promise<T[]>): Promise<T[]> {
  if (!(await canRead(ctx, company, scope, operation))) return [];
  return read();
}

/**
 * Writes the request's remaining audit entries and waits for its early write (append-only table). Called by the
 * server before the response is sent: when a write fails the request fails (HTTP 500, masked), so no confidential
 * read goes unrecorded.
 */
export async function flushAudit(ctx: Context): Promise<void> {
  const audit = requestAudit(ctx);
  await Promise.all([...audit.writes, writePending(ctx, audit)]);
}

/** Writes the entries recorded since the last write, in one statement. */
async function writePending(ctx: Context, audit: RequestAudit): Promise<void> {
  const viewer = ctx.viewer;
  if (audit.pending.size === 0 || viewer.kind !== 'USER') return;
  const entries = [...audit.pending.values()];
  audit.pending.clear();
  // one prepared statement for any number of entries (the request's reads share actor and time)
  await ctx.database.query(AUDIT_INSERT_SQL, [
    ctx.now.toISOString(), viewer.sub, viewer.role, viewer.role === 'SUPPORTER' ? viewer.organizationId : null,
    arrayParameter(entries.map((p) => p.companyId)), arrayParameter(entries.map((p) => p.scope)),
    arrayParameter(entries.map((p) => p.operation)), arrayParameter(entries.map((p) => p.consentId)),
  ], { prepared: true });
}

const AUDIT_INSERT_SQL = `INSERT INTO audit_log (at, actor_sub, actor_role, organization_id, company_id, scope, operation, consent_id)
  SELECT $1::timestamptz, $2::text, $3::text, $4::text, e.company_id, e.scope, e.operation, e.consent_id
    FROM unnest($5::bigint[], $6::text[], $7::text[], $8::bigint[]) WITH ORDINALITY AS e(company_id, scope, operation, consent_id, n)
   ORDER BY e.n`;
