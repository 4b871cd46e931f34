import { sql } from 'drizzle-orm';
import { bigint, date, index, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { companies } from './company.js';

/**
 * A support organisation's request to see a company's confidential data.
 * status: PENDING → GRANTED (a consent answered it) | DECLINED (the owner said no).
 * At most one PENDING request per organisation and company (partial unique index).
 */
export const accessRequests = pgTable('access_requests', {
  id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
  organizationId: text('organization_id').notNull(),
  companyId: bigint('company_id', { mode: 'number' }).notNull().references(() => companies.id),
  scopes: text('scopes').array().notNull(),
  purpose: text('purpose').notNull(),
  status: text('status').notNull().default('PENDING'),
  requestedBy: text('requested_by').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  /** when the owner (or an ADMIN) granted or declined it */
  respondedAt: timestamp('responded_at', { withTimezone: true }),
  /** sub of who granted or declined it */
  respondedBy: text('responded_by'),
}, (t) => [
  index('access_requests_company_idx').on(t.companyId),
  index('access_requests_org_idx').on(t.organizationId, t.id),
  uniqueIndex('access_requests_one_pending_key').on(t.companyId, t.organizationId).where(sql`${t.status} = 'PENDING'`),
]);

/** A company's consent for one organisation and some scopes, until expiry or revocation. */
export const consents = pgTable('consents', {
  id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
  companyId: bigint('company_id', { mode: 'number' }).notNull().references(() => companies.id),
  organizationId: text('organization_id').notNull(),
  scopes: text('scopes').array().notNull(),
  accessRequestId: bigint('access_request_id', { mode: 'number' }),
  grantedBy: text('granted_by').notNull(),
  grantedAt: timestamp('granted_at', { withTimezone: true }).notNull().defaultNow(),
  expiresOn: date('expires_on').notNull(),
  revokedAt: timestamp('revoked_at', { withTimezone: true }),
  /** sub of who revoked it */
  revokedBy: text('revoked_by'),
}, (t) => [
  index('consents_company_org_idx').on(t.companyId, t.organizationId),
  index('consents_org_idx').on(t.organizationId, t.id),
]);

/**
 * Append-only log of reads of confidential data by anyone but the company's owner. A database
 * trigger (migration audit-append-only) refuses UPDATE, DELETE and TRUNCATE.
 */
export const auditLog = pgTable('audit_log', {
  id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
  at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  actorSub: text('actor_sub').notNull(),
  actorRole: text('actor_role').notNull(),
  organizationId: text('organization_id'),
  companyId: bigint('company_id', { mode: 'number' }).notNull(),
  scope: text('scope').notNull(),
  operation: text('operation').notNull(),
  /** the consent that allowed a SUPPORTER's read */
  consentId: bigint('consent_id', { mode: 'number' }),
}, (t) => [
  index('audit_log_company_idx').on(t.companyId, t.at, t.id),
  index('audit_log_at_idx').on(t.at, t.id),
]);

/** OWNER identities (token sub) bound to a company after registering it (sole proprietors have no number to put in a token). */
export const ownerBindings = pgTable('owner_bindings', {
  sub: text('sub').primaryKey(),
  companyId: bigint('company_id', { mode: 'number' }).notNull().references(() => companies.id),
  boundAt: timestamp('bound_at', { withTimezone: true }).notNull().defaultNow(),
});
