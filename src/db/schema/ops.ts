import { bigint, doublePrecision, integer, jsonb, pgTable, primaryKey, real, text, timestamp } from 'drizzle-orm/pg-core';

/** Progress of long-running imports, so an interrupted run can resume. */
export const importRuns = pgTable('import_runs', {
  id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
  kind: text('kind').notNull(),
  file: text('file').notNull(),
  fileHash: text('file_hash').notNull(),
  status: text('status').notNull(),
  linesDone: bigint('lines_done', { mode: 'number' }).notNull().default(0),
  summary: jsonb('summary').notNull().default({}),
  startedAt: timestamp('started_at', { withTimezone: true }).notNull().defaultNow(),
  finishedAt: timestamp('finished_at', { withTimezone: true }),
});

/** Stored push-type recommendations: the latest result per company and measure. */
export const storedRecommendations = pgTable('stored_recommendations', {
  companyId: bigint('company_id', { mode: 'number' }).notNull(),
  measureId: text('measure_id').notNull(),
  score: real('score').notNull(),
  verdict: text('verdict').notNull(),
  reasons: jsonb('reasons').notNull(),
  missingData: jsonb('missing_data').notNull(),
  firstRecommendedAt: timestamp('first_recommended_at', { withTimezone: true }).notNull(),
  computedAt: timestamp('computed_at', { withTimezone: true }).notNull(),
  runId: bigint('run_id', { mode: 'number' }).notNull(),
}, (t) => [primaryKey({ columns: [t.companyId, t.measureId] })]);

/** Batch recommendation runs. */
export const recommendationRuns = pgTable('recommendation_runs', {
  id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
  catalogueHash: text('catalogue_hash').notNull(),
  status: text('status').notNull(),
  companiesDone: integer('companies_done').notNull().default(0),
  startedAt: timestamp('started_at', { withTimezone: true }).notNull().defaultNow(),
  finishedAt: timestamp('finished_at', { withTimezone: true }),
});

/** The online-usage scorecard of procedures; every recorded current rate is kept. */
export const scorecardProcedures = pgTable('scorecard_procedures', {
  id: text('id').primaryKey(),
  ministry: text('ministry').notNull(),
  program: text('program').notNull(),
  procedure: text('procedure').notNull(),
  annualCount: integer('annual_count'),
  baselineRate: doublePrecision('baseline_rate').notNull(),
  targetRate: doublePrecision('target_rate').notNull(),
  deadline: text('deadline'),
});

export const scorecardRates = pgTable('scorecard_rates', {
  procedureId: text('procedure_id').notNull().references(() => scorecardProcedures.id),
  recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull().defaultNow(),
  rate: doublePrecision('rate').notNull(),
  recordedBy: text('recorded_by').notNull(),
}, (t) => [primaryKey({ columns: [t.procedureId, t.recordedAt] })]);
