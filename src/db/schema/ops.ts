import { bigint, boolean, doublePrecision, integer, pgTable, primaryKey, real, smallint, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { jsonb } from './json.js';

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

/**
 * Stored push-type recommendations: the latest result per company and measure (the company's top ones of the
 * last batch run). A row that leaves the top is kept with `dropped_at` set, so `first_recommended_at` survives
 * and a measure that comes back is not pushed twice.
 */
export const storedRecommendations = pgTable('stored_recommendations', {
  companyId: bigint('company_id', { mode: 'number' }).notNull(),
  measureId: text('measure_id').notNull(),
  score: real('score').notNull(),
  verdict: text('verdict').notNull(),
  /** the reasons, one line each, as ids of recommendation_reason_lines (lines repeat across companies) */
  reasonIds: integer('reason_ids').array().notNull().default([]),
  missingData: jsonb('missing_data').notNull(),
  firstRecommendedAt: timestamp('first_recommended_at', { withTimezone: true }).notNull(),
  computedAt: timestamp('computed_at', { withTimezone: true }).notNull(),
  runId: bigint('run_id', { mode: 'number' }).notNull(),
  /** the run that first recommended it (push: "new in run N") */
  firstRunId: bigint('first_run_id', { mode: 'number' }),
  /** not open now; the next round starts soon */
  upcoming: boolean('upcoming').notNull().default(false),
  /** ids of the rules that applied */
  ruleIds: text('rule_ids').array().notNull().default([]),
  /** position in the company's list (1 = best) */
  rank: smallint('rank').notNull().default(1),
  /** set when it left the company's top; null while recommended */
  droppedAt: timestamp('dropped_at', { withTimezone: true }),
  /** digest of what the row says (score, verdict, reasons, …): a rerun compares it instead of reading the reasons */
  contentHash: text('content_hash'),
}, (t) => [primaryKey({ columns: [t.companyId, t.measureId] })]);

/** Distinct reason lines of stored recommendations ("[need-match] 経営課題「…」に対応 (+3)"), append-only. */
export const recommendationReasonLines = pgTable('recommendation_reason_lines', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  line: text('line').notNull(),
}, (t) => [uniqueIndex('recommendation_reason_lines_line_key').on(t.line)]);

/** Batch recommendation runs; an interrupted run resumes after `last_company_id`. */
export const recommendationRuns = pgTable('recommendation_runs', {
  id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
  catalogueHash: text('catalogue_hash').notNull(),
  status: text('status').notNull(),
  companiesDone: integer('companies_done').notNull().default(0),
  startedAt: timestamp('started_at', { withTimezone: true }).notNull().defaultNow(),
  finishedAt: timestamp('finished_at', { withTimezone: true }),
  /** FULL (every company) or INCREMENTAL (companies changed since `since`) */
  mode: text('mode').notNull().default('FULL'),
  /** INCREMENTAL: changes recorded after this instant are recomputed */
  since: timestamp('since', { withTimezone: true }),
  /** companies in the run's scope */
  companiesTotal: integer('companies_total'),
  /** the highest company id done (companies are processed in id order) */
  lastCompanyId: bigint('last_company_id', { mode: 'number' }).notNull().default(0),
  recommendationsNew: integer('recommendations_new').notNull().default(0),
  recommendationsChanged: integer('recommendations_changed').notNull().default(0),
  recommendationsDropped: integer('recommendations_dropped').notNull().default(0),
  /** measure id → content hash and time state (window, deadline bucket) at the run: what a rerun compares */
  measureStates: jsonb('measure_states').notNull().default({}),
  rulesVersion: text('rules_version'),
  /** per measure at the end of the run: companies pushed to (ever), active now, new in this run */
  stats: jsonb('stats'),
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
