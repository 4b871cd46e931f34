import { bigint, integer, pgTable, primaryKey, smallint, text } from 'drizzle-orm/pg-core';

/**
 * EBPM rollup: the number of counted applications per combination of the six `EbpmDimension`s
 * (the finest cells of `Ebpm.applicationStats`). Kept in step with `applications` by the
 * statement-level triggers of migration 0004 (same transaction, so always current), which makes the
 * cube's input a read of at most one row per non-empty cell instead of a GROUP BY over every
 * application (docs/adr/0007-ebpm-application-rollup.md).
 *
 * Counted applications: SUBMITTED, ADOPTED, REJECTED, and WITHDRAWN after submission
 * (`submitted_at` set). DRAFTs and drafts withdrawn before submission are not applications.
 * Unknown prefecture, industry or SME category are stored as 'UNKNOWN'; industry is the JSIC major letter.
 */
export const ebpmApplicationCells = pgTable('ebpm_application_cells', {
  measureId: text('measure_id').notNull(),
  fiscalYear: smallint('fiscal_year').notNull(),
  prefecture: text('prefecture').notNull(),
  industry: text('industry').notNull(),
  smeCategory: text('sme_category').notNull(),
  status: text('status').notNull(),
  /** counted applications with these keys; 0 once they all moved to other cells */
  applications: integer('applications').notNull(),
}, (t) => [
  primaryKey({ name: 'ebpm_application_cells_pk', columns: [t.measureId, t.fiscalYear, t.prefecture, t.industry, t.smeCategory, t.status] }),
]);

/**
 * One row (id 1) whose version the same triggers increase with every statement that changes
 * counted applications: a transactional O(1) "has anything changed" check for the cached cube.
 */
export const ebpmStatsVersion = pgTable('ebpm_stats_version', {
  id: smallint('id').primaryKey(),
  version: bigint('version', { mode: 'number' }).notNull(),
});
