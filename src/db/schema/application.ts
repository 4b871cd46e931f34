import { bigint, index, pgTable, smallint, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { jsonb } from './json.js';
import { companies } from './company.js';
import { measures } from './measure.js';

/** Applications with their lifecycle DRAFT → SUBMITTED → ADOPTED | REJECTED, or WITHDRAWN. */
export const applications = pgTable('applications', {
  id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
  companyId: bigint('company_id', { mode: 'number' }).notNull().references(() => companies.id),
  measureId: text('measure_id').notNull().references(() => measures.id),
  roundId: text('round_id'),
  status: text('status').notNull(),
  answers: jsonb('answers').notNull().default({}),
  requestedAmountYen: bigint('requested_amount_yen', { mode: 'number' }),
  grantedAmountYen: bigint('granted_amount_yen', { mode: 'number' }),
  /** 年度 (April–March, Asia/Tokyo) of submission, or of creation for drafts */
  fiscalYear: smallint('fiscal_year').notNull(),
  /** copied at submission for EBPM grouping */
  prefectureCode: text('prefecture_code'),
  industryCode: text('industry_code'),
  smeCategory: text('sme_category'),
  startKey: text('start_key').notNull(),
  startInputHash: text('start_input_hash').notNull(),
  submitKey: text('submit_key'),
  flags: jsonb('flags').notNull().default([]),
  createdBy: text('created_by').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  submittedAt: timestamp('submitted_at', { withTimezone: true }),
  decidedAt: timestamp('decided_at', { withTimezone: true }),
}, (t) => [
  uniqueIndex('applications_start_key').on(t.createdBy, t.startKey),
  index('applications_company_idx').on(t.companyId, t.id),
  index('applications_measure_idx').on(t.measureId, t.status),
  index('applications_stats_idx').on(t.fiscalYear, t.measureId, t.prefectureCode, t.status),
]);

/** Every state transition of an application, append-only. */
export const applicationEvents = pgTable('application_events', {
  id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
  applicationId: bigint('application_id', { mode: 'number' }).notNull().references(() => applications.id),
  at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  fromStatus: text('from_status'),
  toStatus: text('to_status').notNull(),
  actor: text('actor').notNull(),
  note: text('note'),
}, (t) => [index('application_events_app_idx').on(t.applicationId, t.id)]);
