import { bigint, date, index, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { companies } from './company.js';

/** A support organisation's request to see a company's confidential data. */
export const accessRequests = pgTable('access_requests', {
  id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
  organizationId: text('organization_id').notNull(),
  companyId: bigint('company_id', { mode: 'number' }).notNull().references(() => companies.id),
  scopes: text('scopes').array().notNull(),
  purpose: text('purpose').notNull(),
  status: text('status').notNull().default('PENDING'),
  requestedBy: text('requested_by').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
}, (t) => [index('access_requests_company_idx').on(t.companyId)]);

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
}, (t) => [index('consents_company_org_idx').on(t.companyId, t.organizationId)]);

/** Append-only log of reads of confidential data by anyone but the company's owner. */
export const auditLog = pgTable('audit_log', {
  id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
  at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  actorSub: text('actor_sub').notNull(),
  actorRole: text('actor_role').notNull(),
  organizationId: text('organization_id'),
  companyId: bigint('company_id', { mode: 'number' }).notNull(),
  scope: text('scope').notNull(),
  operation: text('operation').notNull(),
}, (t) => [index('audit_log_company_idx').on(t.companyId, t.at)]);

/** OWNER identities (token sub) bound to a company after registering it (sole proprietors have no number to put in a token). */
export const ownerBindings = pgTable('owner_bindings', {
  sub: text('sub').primaryKey(),
  companyId: bigint('company_id', { mode: 'number' }).notNull().references(() => companies.id),
  boundAt: timestamp('bound_at', { withTimezone: true }).notNull().defaultNow(),
});
