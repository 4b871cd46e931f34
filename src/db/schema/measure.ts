import { bigint, boolean, index, integer, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { jsonb } from './json.js';

/** Support measures (catalogue and Jグランツ imports); criteria and form fields are data. */
export const measures = pgTable('measures', {
  id: text('id').primaryKey(),
  title: text('title').notNull(),
  kind: text('kind').notNull(),
  agency: text('agency').notNull(),
  summary: text('summary'),
  detailHtml: text('detail_html'),
  maxAmountYen: bigint('max_amount_yen', { mode: 'number' }),
  subsidyRate: text('subsidy_rate'),
  url: text('url'),
  alwaysOpen: boolean('always_open').notNull().default(false),
  targetPrefectures: text('target_prefectures').array().notNull().default([]),
  industries: text('industries').array().notNull().default([]),
  usePurposes: text('use_purposes').array().notNull().default([]),
  unlocks: text('unlocks').array().notNull().default([]),
  exclusionMonths: integer('exclusion_months'),
  criteria: jsonb('criteria').notNull().default([]),
  formFields: jsonb('form_fields').notNull().default([]),
  source: text('source').notNull(),
  sourceRef: text('source_ref'),
  jgrantsId: text('jgrants_id'),
  catalogueVersion: text('catalogue_version'),
  contentHash: text('content_hash').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
}, (t) => [
  uniqueIndex('measures_jgrants_id_key').on(t.jgrantsId),
  index('measures_kind_idx').on(t.kind),
]);

/** Application windows (公募回) of a measure; values that vary by round live here. */
export const measureRounds = pgTable('measure_rounds', {
  id: text('id').primaryKey(),
  measureId: text('measure_id').notNull().references(() => measures.id, { onDelete: 'cascade' }),
  label: text('label').notNull(),
  acceptingFrom: timestamp('accepting_from', { withTimezone: true }),
  acceptingUntil: timestamp('accepting_until', { withTimezone: true }),
  maxAmountYen: bigint('max_amount_yen', { mode: 'number' }),
  subsidyRate: text('subsidy_rate'),
  targetPrefectures: text('target_prefectures').array(),
}, (t) => [index('measure_rounds_measure_idx').on(t.measureId, t.acceptingFrom)]);
