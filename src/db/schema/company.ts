import { sql } from 'drizzle-orm';
import {
  bigint, boolean, date, index, integer, pgTable, primaryKey, smallint, text, timestamp, uniqueIndex,
} from 'drizzle-orm/pg-core';
import { jsonb } from './json.js';

/**
 * One row per business: corporations keyed by 法人番号 and sole proprietors (no number).
 * Registry columns hold the current NTA values; the items a company or another source told us
 * (capital, employees, industry, ...) are cached here from `facts` for fast filtering.
 */
export const companies = pgTable('companies', {
  id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
  corporateNumber: text('corporate_number'),
  name: text('name').notNull(),
  nameKana: text('name_kana'),
  nameEn: text('name_en'),
  /** NTA kind code (101..499); null for sole proprietors */
  kindCode: text('kind_code'),
  /** contract CorporateKind */
  kind: text('kind').notNull(),
  prefectureCode: text('prefecture_code'),
  prefectureName: text('prefecture_name'),
  cityCode: text('city_code'),
  cityName: text('city_name'),
  street: text('street'),
  postalCode: text('postal_code'),
  addressOutside: text('address_outside'),
  enPrefectureName: text('en_prefecture_name'),
  enCityName: text('en_city_name'),
  enAddressOutside: text('en_address_outside'),
  assignmentDate: date('assignment_date'),
  closeDate: date('close_date'),
  closeCause: text('close_cause'),
  successorCorporateNumber: text('successor_corporate_number'),
  changeCause: text('change_cause'),
  ntaUpdateDate: date('nta_update_date'),
  /** 処理区分 of the current registry state (99 = deleted by the NTA) */
  ntaProcess: text('nta_process'),
  /** NTA 検索対象除外 flag */
  ntaHidden: boolean('nta_hidden').notNull().default(false),
  /** cached current values of data items (source of truth: facts) */
  industryCode: text('industry_code'),
  capitalYen: bigint('capital_yen', { mode: 'number' }),
  employees: integer('employees'),
  establishedOn: date('established_on'),
  representativeName: text('representative_name'),
  /** cached SME classification (recomputed when its inputs change) */
  smeCategory: text('sme_category').notNull().default('UNKNOWN'),
  deemedLarge: boolean('deemed_large').notNull().default(false),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
}, (t) => [
  uniqueIndex('companies_corporate_number_key').on(t.corporateNumber),
  index('companies_prefecture_idx').on(t.prefectureCode, t.id),
  index('companies_industry_idx').on(t.industryCode, t.id),
  index('companies_sme_idx').on(t.smeCategory, t.id),
  index('companies_name_trgm_idx').using('gin', sql`${t.name} gin_trgm_ops`),
  index('companies_kana_trgm_idx').using('gin', sql`${t.nameKana} gin_trgm_ops`),
]);

/**
 * Every registry state the NTA published for a company (history rows with latest=0 included),
 * kept as received. `rowHash` (all columns but the sequence number) makes re-imports idempotent.
 */
export const companyRegistryHistory = pgTable('company_registry_history', {
  id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
  companyId: bigint('company_id', { mode: 'number' }).notNull().references(() => companies.id),
  corporateNumber: text('corporate_number').notNull(),
  rowHash: text('row_hash').notNull(),
  process: text('process').notNull(),
  correct: boolean('correct').notNull(),
  latest: boolean('latest').notNull(),
  updateDate: date('update_date'),
  changeDate: date('change_date'),
  record: jsonb('record').notNull(),
  source: text('source').notNull(),
  sourceRef: text('source_ref'),
  importedAt: timestamp('imported_at', { withTimezone: true }).notNull().defaultNow(),
}, (t) => [
  uniqueIndex('company_registry_history_row_key').on(t.corporateNumber, t.rowHash),
  index('company_registry_history_company_idx').on(t.companyId, t.updateDate),
]);

/**
 * Data items with provenance: every value any source gave for a company, all versions kept.
 * The current value of an item is chosen by source precedence, then by asOf (see facts service).
 */
export const facts = pgTable('facts', {
  id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
  companyId: bigint('company_id', { mode: 'number' }).notNull().references(() => companies.id),
  key: text('key').notNull(),
  value: jsonb('value'),
  source: text('source').notNull(),
  sourceRef: text('source_ref'),
  asOf: timestamp('as_of', { withTimezone: true }).notNull(),
  recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull().defaultNow(),
  recordedBy: text('recorded_by'),
}, (t) => [
  uniqueIndex('facts_version_key').on(t.companyId, t.key, t.source, t.asOf),
  index('facts_company_key_idx').on(t.companyId, t.key),
]);

/** One fiscal year's financial statements of a company (latest version; older versions stay in facts). */
export const financials = pgTable('financials', {
  companyId: bigint('company_id', { mode: 'number' }).notNull().references(() => companies.id),
  fiscalYear: smallint('fiscal_year').notNull(),
  netSalesYen: bigint('net_sales_yen', { mode: 'number' }),
  operatingProfitYen: bigint('operating_profit_yen', { mode: 'number' }),
  ordinaryProfitYen: bigint('ordinary_profit_yen', { mode: 'number' }),
  depreciationYen: bigint('depreciation_yen', { mode: 'number' }),
  laborCostYen: bigint('labor_cost_yen', { mode: 'number' }),
  totalAssetsYen: bigint('total_assets_yen', { mode: 'number' }),
  netAssetsYen: bigint('net_assets_yen', { mode: 'number' }),
  borrowingsYen: bigint('borrowings_yen', { mode: 'number' }),
  cashYen: bigint('cash_yen', { mode: 'number' }),
  receivablesYen: bigint('receivables_yen', { mode: 'number' }),
  inventoryYen: bigint('inventory_yen', { mode: 'number' }),
  payablesYen: bigint('payables_yen', { mode: 'number' }),
  employees: integer('employees'),
  source: text('source').notNull(),
  sourceRef: text('source_ref'),
  asOf: timestamp('as_of', { withTimezone: true }).notNull().defaultNow(),
}, (t) => [primaryKey({ columns: [t.companyId, t.fiscalYear] })]);

/** 届出・認定 (published, e.g. by gBizINFO, or recorded on approval of a certification plan). */
export const certifications = pgTable('certifications', {
  id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
  companyId: bigint('company_id', { mode: 'number' }).notNull().references(() => companies.id),
  title: text('title').notNull(),
  category: text('category'),
  approvedOn: date('approved_on'),
  authority: text('authority'),
  measureId: text('measure_id'),
  source: text('source').notNull(),
  sourceRef: text('source_ref'),
}, (t) => [
  uniqueIndex('certifications_key').on(t.companyId, t.title, t.approvedOn, t.source),
]);

/** 補助金等の受給実績 (published by gBizINFO, or recorded when an application is adopted). */
export const supportRecords = pgTable('support_records', {
  id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
  companyId: bigint('company_id', { mode: 'number' }).notNull().references(() => companies.id),
  title: text('title').notNull(),
  amountYen: bigint('amount_yen', { mode: 'number' }),
  approvedOn: date('approved_on'),
  authority: text('authority'),
  measureId: text('measure_id'),
  applicationId: bigint('application_id', { mode: 'number' }),
  source: text('source').notNull(),
  sourceRef: text('source_ref'),
}, (t) => [
  uniqueIndex('support_records_key').on(t.companyId, t.title, t.approvedOn, t.amountYen, t.source),
  index('support_records_measure_idx').on(t.measureId, t.companyId),
]);
