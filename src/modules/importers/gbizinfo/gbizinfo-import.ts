/**
 * `sdp import gbizinfo FILE...`: applies gBizINFO REST responses (v1 and v2, every shape gbizinfo-parse.ts reads)
 * to the database.
 *
 * What a document changes:
 * - companies: a company unknown by 法人番号 is created from the basic info (name, kana, English name, kind, postal
 *   code, address, closure). A known company's registry columns are never touched: the NTA owns them. The columns
 *   caching data items (capital, employees, industry, …) and the SME classification are recomputed from the facts.
 * - facts (source GBIZINFO, sourceRef `<file>#/hojin-infos/<i>/<field>`): every canonical item the document states
 *   (postal code, address, representative, capital, employees, establishment date, URL, industry, net sales,
 *   major shareholders, officers, workplace figures), validated against the data item registry; for per-company
 *   responses also `patentsHeld` (registrations gBizINFO publishes). A fact is written only when gBizINFO's
 *   latest stated value differs, so rerunning a file changes nothing.
 * - financials: each management_index year is kept as a fact `financials.<fy>` (source GBIZINFO) and fills the
 *   financials row of that year unless the owner recorded it (source OWNER or APPLICATION); a replaced
 *   non-owner row is kept as a fact first.
 * - certifications (届出・認定) and subsidies (補助金 → support_records, supportReceived), source GBIZINFO,
 *   deduplicated against what is stored (the unique indexes do not catch rows whose date or amount is null).
 * Commendations, procurement and establishments are counted in the summary but not stored: the platform has no
 * table for them yet.
 *
 * Each file is one transaction; a response the API marked as an error, or that is not a gBizINFO response, is
 * rejected whole with the reason; records without a usable 法人番号, or unknown companies without a name, are
 * rejected one by one with the reason (and written to `<rejectsDir>/<file>.rejects.tsv`).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Database, Db } from '../../../db/client.js';
import { certifications, companies, facts, financials, importRuns, supportRecords } from '../../../db/schema/index.js';
import { CorporateKind } from '../../../shared/enums.js';
import { prefectureByCode } from '../../company/prefectures.js';
import { SELF_DECLARED_SOURCES } from '../../facts/precedence.js';
import { financialsVersionKey, validateDataItem } from '../../facts/data-items.js';
import { refreshCompanyCache } from '../../facts/facts.service.js';
import { keepFinancialsVersion, statementsOf } from '../../financials/financials.service.js';
import { NTA_KIND_TO_CORPORATE_KIND } from '../nta/nta-record.js';
import { isRecord } from '../shared/normalise-values.js';
import {
  parseGbizinfoDocument, type GbizinfoBasic, type GbizinfoCompanyDocument, type GbizinfoFinancialYear, type GbizinfoParseResult,
} from './gbizinfo-parse.js';

export const GBIZINFO_SOURCE = 'GBIZINFO';

/** What one file did. */
export interface GbizinfoImportSummary {
  file: string;
  /** false when the whole response was rejected (error body, not JSON, not a gBizINFO response) */
  ok: boolean;
  /** why the whole file was rejected */
  errors: string[];
  documents: number;
  companiesCreated: number;
  /** companies whose cached columns or SME classification changed */
  companiesRecomputed: number;
  factsWritten: number;
  /** facts gBizINFO already stated with the same value */
  factsUnchanged: number;
  financialYears: number;
  financialsRowsWritten: number;
  /** years the owner recorded: kept as facts only */
  financialsOwnerKept: number;
  certificationsAdded: number;
  supportRecordsAdded: number;
  /** counted, not stored (no table yet) */
  notStored: { commendations: number; procurements: number; establishments: number };
  rejected: number;
  rejects: Array<{ ref: string; reason: string }>;
  /** unusable fields inside accepted documents (parse warnings, values an item rejects) */
  warnings: string[];
  rejectsFile: string | null;
  seconds: number;
}

export interface GbizinfoImportOptions {
  /** folder for rejects files; none written when absent */
  rejectsDir?: string;
  /** the instant used as asOf for documents without an update date (default: now) */
  now?: Date;
  onProgress?: (done: number, total: number) => void;
}

function emptySummary(file: string): GbizinfoImportSummary {
  return {
    file, ok: true, errors: [], documents: 0, companiesCreated: 0, companiesRecomputed: 0, factsWritten: 0, factsUnchanged: 0,
    financialYears: 0, financialsRowsWritten: 0, financialsOwnerKept: 0, certificationsAdded: 0, supportRecordsAdded: 0,
    notStored: { commendations: 0, procurements: 0, establishments: 0 }, rejected: 0, rejects: [], warnings: [], rejectsFile: null, seconds: 0,
  };
}

/** JSON with object keys sorted, for comparing stored jsonb values with new ones. */
export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (isRecord(value)) return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${stableJson(value[k])}`).join(',')}}`;
  return JSON.stringify(value ?? null);
}

/** Where the hojin-info list sits in the response, as a JSON pointer prefix per document index. */
function pointerPrefix(json: unknown): (index: number) => string {
  if (Array.isArray(json)) return (i) => `/${i}`;
  if (isRecord(json)) {
    const key = ['hojin-infos', 'hojin_infos', 'hojinInfos'].find((k) => k in json);
    if (key) return (i) => `/${key}/${i}`;
  }
  return () => '';
}

/** gBizINFO field each fact comes from (for sourceRef). */
const FACT_FIELD: Record<string, string> = {
  postalCode: 'postal_code', address: 'location', representativeName: 'representative_name', capitalYen: 'capital_stock',
  employees: 'employee_number', establishedOn: 'date_of_establishment', url: 'company_url', industryCode: 'industry',
  businessSummary: 'business_summary', netSalesYen: 'finance/management_index', majorShareholders: 'finance/major_shareholders',
  officersTotal: 'workplace_info/women_activity_infos/gender_total_of_officers',
  femaleWorkersProportion: 'workplace_info/women_activity_infos/female_workers_proportion',
  averageAge: 'workplace_info/base_infos/average_age',
  averageContinuousServiceYears: 'workplace_info/base_infos/average_continuous_service_years',
  monthAveragePredeterminedOvertimeHours: 'workplace_info/base_infos/month_average_predetermined_overtime_hours',
  patentsHeld: 'patent',
};

/** The kind of a company gBizINFO names: its NTA kind code, else the legal form in its name, else OTHER. */
export function kindOfBasic(basic: GbizinfoBasic): CorporateKind {
  const byCode = basic.kindCode ? (NTA_KIND_TO_CORPORATE_KIND as Record<string, string>)[basic.kindCode] : undefined;
  if (byCode) return byCode as CorporateKind;
  const name = basic.name ?? '';
  if (name.includes('株式会社')) return CorporateKind.KABUSHIKI_KAISHA;
  if (name.includes('有限会社')) return CorporateKind.YUGEN_KAISHA;
  if (name.includes('合同会社')) return CorporateKind.GODO_KAISHA;
  if (name.includes('合名会社')) return CorporateKind.GOMEI_KAISHA;
  if (name.includes('合資会社')) return CorporateKind.GOSHI_KAISHA;
  return CorporateKind.OTHER;
}

/** The companies row of a company gBizINFO makes known (registry columns only; data items come as facts). */
function newCompanyValues(doc: GbizinfoCompanyDocument): typeof companies.$inferInsert {
  const b = doc.basic;
  const prefecture = b.prefectureCode ? prefectureByCode(b.prefectureCode) : null;
  const location = b.location ?? null;
  const street = location && prefecture && location.normalize('NFKC').startsWith(prefecture.name)
    ? location.normalize('NFKC').slice(prefecture.name.length) || null
    : location;
  const kind = kindOfBasic(b);
  return {
    corporateNumber: doc.corporateNumber,
    name: b.name!,
    nameKana: b.kana ?? null,
    nameEn: b.nameEn ?? null,
    kindCode: b.kindCode ?? null,
    kind,
    prefectureCode: prefecture?.code ?? null,
    prefectureName: prefecture?.name ?? null,
    street,
    postalCode: b.postalCode ?? null,
    closeDate: b.closeDate ?? null,
    smeCategory: kind === CorporateKind.NATIONAL_AGENCY || kind === CorporateKind.LOCAL_GOVERNMENT ? 'NOT_APPLICABLE' : 'UNKNOWN',
  };
}

/** The financials.<fy> fact value of a management_index year. */
function financialYearValue(y: GbizinfoFinancialYear): Record<string, unknown> {
  return {
    fiscalYear: y.fiscalYear, periodEndOn: y.periodEndOn, netSalesYen: y.netSalesYen, netSalesItem: y.netSalesItem,
    ordinaryProfitYen: y.ordinaryProfitYen, netIncomeYen: y.netIncomeYen, capitalStockYen: y.capitalStockYen,
    netAssetsYen: y.netAssetsYen, totalAssetsYen: y.totalAssetsYen, employees: y.employees, accountingStandards: y.accountingStandards,
  };
}

interface PendingFact {
  companyId: number;
  key: string;
  value: unknown;
  sourceRef: string;
  asOf: Date;
}

/**
 * Applies one parsed response through `db` (call it inside a transaction). `file` names the source in sourceRef.
 * Returns the summary (also for a response that was rejected whole).
 */
export async function applyGbizinfoResult(db: Db, parsed: GbizinfoParseResult, json: unknown, file: string, now: Date, summary = emptySummary(file)): Promise<GbizinfoImportSummary> {
  const name = basename(file);
  if (!parsed.ok) {
    summary.ok = false;
    summary.errors.push(...parsed.errors.map((e) => (e.item ? `${e.item}: ${e.message}` : e.message)));
    return summary;
  }
  const prefix = pointerPrefix(json);
  const perCompanyResponse = parsed.page === null;
  for (const r of parsed.rejects) {
    summary.rejects.push({ ref: `${name}#${prefix(r.index)}`, reason: r.reason });
  }
  // document i sits at the i-th index that was not rejected
  const rejectedIndexes = new Set(parsed.rejects.map((r) => r.index));
  const indexes: number[] = [];
  for (let i = 0; indexes.length < parsed.documents.length; i++) if (!rejectedIndexes.has(i)) indexes.push(i);
  const docs = parsed.documents.map((doc, k) => ({ doc, ref: `${name}#${prefix(indexes[k]!)}` }));
  summary.documents += docs.length;
  if (docs.length === 0) {
    summary.rejected = summary.rejects.length;
    return summary;
  }

  // companies: known ones by 法人番号, unknown ones created when the document names them
  const numbers = [...new Set(docs.map((d) => d.doc.corporateNumber))];
  const idByNumber = new Map<string, number>();
  const known = await db.select({ id: companies.id, corporateNumber: companies.corporateNumber }).from(companies).where(inArray(companies.corporateNumber, numbers));
  for (const c of known) idByNumber.set(c.corporateNumber!, c.id);
  const toCreate = new Map<string, typeof companies.$inferInsert>();
  for (const { doc, ref } of docs) {
    if (idByNumber.has(doc.corporateNumber) || toCreate.has(doc.corporateNumber)) continue;
    if (!doc.basic.name) {
      summary.rejects.push({ ref, reason: `法人番号 ${doc.corporateNumber} is not known here and the response gives no name to register it with` });
      continue;
    }
    toCreate.set(doc.corporateNumber, newCompanyValues(doc));
  }
  if (toCreate.size) {
    const created = await db.insert(companies).values([...toCreate.values()]).onConflictDoNothing({ target: companies.corporateNumber })
      .returning({ id: companies.id, corporateNumber: companies.corporateNumber });
    summary.companiesCreated += created.length;
    for (const c of created) idByNumber.set(c.corporateNumber!, c.id);
    const raced = [...toCreate.keys()].filter((n) => !idByNumber.has(n));
    if (raced.length) {
      for (const c of await db.select({ id: companies.id, corporateNumber: companies.corporateNumber }).from(companies).where(inArray(companies.corporateNumber, raced))) {
        idByNumber.set(c.corporateNumber!, c.id);
      }
    }
  }
  const applicable = docs.filter(({ doc }) => idByNumber.has(doc.corporateNumber));
  const companyIds = [...new Set(applicable.map(({ doc }) => idByNumber.get(doc.corporateNumber)!))];

  // facts (incl. financials.<fy> versions), written only when gBizINFO's latest value differs
  const pending: PendingFact[] = [];
  for (const { doc, ref } of applicable) {
    const companyId = idByNumber.get(doc.corporateNumber)!;
    const asOf = doc.asOf ? new Date(doc.asOf) : now;
    for (const w of doc.warnings) summary.warnings.push(`${ref}: ${w}`);
    const stated = [...doc.facts];
    if (perCompanyResponse && doc.categoriesPresent.includes('patent')) stated.push({ key: 'patentsHeld', value: doc.patents.length });
    for (const { key, value } of stated) {
      const checked = validateDataItem(key, value);
      if (!checked.ok) {
        summary.warnings.push(`${ref}: ${checked.problem}`);
        continue;
      }
      pending.push({ companyId, key, value: checked.value, sourceRef: `${ref}/${FACT_FIELD[key] ?? key}`, asOf });
    }
    for (const year of doc.financials) {
      summary.financialYears += 1;
      pending.push({
        companyId, key: financialsVersionKey(year.fiscalYear), value: financialYearValue(year),
        sourceRef: `${ref}/finance/management_index(period=${year.periodOffset})`, asOf,
      });
    }
    summary.notStored.commendations += doc.commendations.length;
    summary.notStored.procurements += doc.procurements.length;
    summary.notStored.establishments += doc.establishments.length;
  }
  await writeFacts(db, pending, summary);

  // financials rows from management_index, unless the owner recorded the year
  await writeFinancials(db, applicable.map(({ doc, ref }) => ({ companyId: idByNumber.get(doc.corporateNumber)!, doc, ref, asOf: doc.asOf ? new Date(doc.asOf) : now })), summary);

  // certifications and subsidies
  await writeCertificationsAndSubsidies(db, applicable.map(({ doc, ref }) => ({ companyId: idByNumber.get(doc.corporateNumber)!, doc, ref })), summary);

  summary.companiesRecomputed += (await refreshCompanyCache(db, companyIds)).length;
  summary.rejected = summary.rejects.length;
  return summary;
}

async function writeFacts(db: Db, pending: PendingFact[], summary: GbizinfoImportSummary): Promise<void> {
  if (pending.length === 0) return;
  const companyIds = [...new Set(pending.map((p) => p.companyId))];
  const keys = [...new Set(pending.map((p) => p.key))];
  const latest = await db.selectDistinctOn([facts.companyId, facts.key], { companyId: facts.companyId, key: facts.key, value: facts.value, asOf: facts.asOf })
    .from(facts)
    .where(and(inArray(facts.companyId, companyIds), inArray(facts.key, keys), eq(facts.source, GBIZINFO_SOURCE)))
    .orderBy(facts.companyId, facts.key, desc(facts.asOf), desc(facts.id));
  const latestByKey = new Map(latest.map((f) => [`${f.companyId}|${f.key}`, { value: stableJson(f.value), asOf: f.asOf.getTime() }]));
  const rows: Array<typeof facts.$inferInsert> = [];
  for (const p of pending) {
    const id = `${p.companyId}|${p.key}`;
    const value = stableJson(p.value);
    const last = latestByKey.get(id);
    if (last && last.value === value) {
      summary.factsUnchanged += 1;
      continue;
    }
    rows.push({ companyId: p.companyId, key: p.key, value: p.value, source: GBIZINFO_SOURCE, sourceRef: p.sourceRef, asOf: p.asOf, recordedBy: 'sdp import gbizinfo' });
    if (!last || p.asOf.getTime() >= last.asOf) latestByKey.set(id, { value, asOf: p.asOf.getTime() });
  }
  for (let i = 0; i < rows.length; i += 500) {
    const inserted = await db.insert(facts).values(rows.slice(i, i + 500))
      .onConflictDoNothing({ target: [facts.companyId, facts.key, facts.source, facts.asOf] })
      .returning({ id: facts.id });
    summary.factsWritten += inserted.length;
    summary.factsUnchanged += rows.slice(i, i + 500).length - inserted.length;
  }
}

async function writeFinancials(db: Db, entries: Array<{ companyId: number; doc: GbizinfoCompanyDocument; ref: string; asOf: Date }>, summary: GbizinfoImportSummary): Promise<void> {
  const withYears = entries.filter((e) => e.doc.financials.length > 0);
  if (withYears.length === 0) return;
  const existing = await db.select().from(financials).where(inArray(financials.companyId, [...new Set(withYears.map((e) => e.companyId))]));
  const rowByYear = new Map(existing.map((r) => [`${r.companyId}|${r.fiscalYear}`, r]));
  for (const { companyId, doc, ref, asOf } of withYears) {
    for (const year of doc.financials) {
      const id = `${companyId}|${year.fiscalYear}`;
      const row = rowByYear.get(id);
      if (row && SELF_DECLARED_SOURCES.includes(row.source)) {
        summary.financialsOwnerKept += 1;
        continue;
      }
      const statements = {
        ...(row && row.source === GBIZINFO_SOURCE ? statementsOf(row) : {}),
        netSalesYen: year.netSalesYen, ordinaryProfitYen: year.ordinaryProfitYen, netAssetsYen: year.netAssetsYen,
        totalAssetsYen: year.totalAssetsYen, employees: year.employees,
      };
      const next = { ...statementsOf(statements), source: GBIZINFO_SOURCE, sourceRef: `${ref}/finance/management_index(period=${year.periodOffset})`, asOf };
      if (row && row.source === GBIZINFO_SOURCE && stableJson(statementsOf(row)) === stableJson(statementsOf(next))) continue;
      if (row && row.asOf.getTime() > asOf.getTime() && row.source === GBIZINFO_SOURCE) continue; // a later gBizINFO state is stored
      if (row && row.source !== GBIZINFO_SOURCE) {
        await keepFinancialsVersion(db, companyId, { fiscalYear: row.fiscalYear, source: row.source, sourceRef: row.sourceRef, asOf: row.asOf, values: statementsOf(row) });
      }
      const [saved] = await db.insert(financials).values({ companyId, fiscalYear: year.fiscalYear, ...next })
        .onConflictDoUpdate({ target: [financials.companyId, financials.fiscalYear], set: next, setWhere: sql`${financials.source} NOT IN ('OWNER', 'APPLICATION')` })
        .returning();
      if (saved) {
        rowByYear.set(id, saved);
        summary.financialsRowsWritten += 1;
      }
    }
  }
}

const recordKey = (...parts: unknown[]) => JSON.stringify(parts.map((p) => p ?? null));

async function writeCertificationsAndSubsidies(db: Db, entries: Array<{ companyId: number; doc: GbizinfoCompanyDocument; ref: string }>, summary: GbizinfoImportSummary): Promise<void> {
  const withCerts = entries.filter((e) => e.doc.certifications.length > 0);
  const withSubsidies = entries.filter((e) => e.doc.subsidies.length > 0);
  if (withCerts.length) {
    const ids = [...new Set(withCerts.map((e) => e.companyId))];
    const stored = await db.select({ companyId: certifications.companyId, title: certifications.title, approvedOn: certifications.approvedOn })
      .from(certifications).where(and(inArray(certifications.companyId, ids), eq(certifications.source, GBIZINFO_SOURCE)));
    const seen = new Set(stored.map((c) => recordKey(c.companyId, c.title, c.approvedOn)));
    const rows: Array<typeof certifications.$inferInsert> = [];
    for (const { companyId, doc, ref } of withCerts) {
      doc.certifications.forEach((c, j) => {
        if (!c.title) {
          summary.warnings.push(`${ref}/certification/${j}: no title, not stored`);
          return;
        }
        const key = recordKey(companyId, c.title, c.approvedOn);
        if (seen.has(key)) return;
        seen.add(key);
        rows.push({ companyId, title: c.title, category: c.category, approvedOn: c.approvedOn, authority: c.authority, source: GBIZINFO_SOURCE, sourceRef: `${ref}/certification/${j}` });
      });
    }
    for (let i = 0; i < rows.length; i += 500) {
      summary.certificationsAdded += (await db.insert(certifications).values(rows.slice(i, i + 500)).onConflictDoNothing().returning({ id: certifications.id })).length;
    }
  }
  if (withSubsidies.length) {
    const ids = [...new Set(withSubsidies.map((e) => e.companyId))];
    const stored = await db.select({ companyId: supportRecords.companyId, title: supportRecords.title, approvedOn: supportRecords.approvedOn, amountYen: supportRecords.amountYen })
      .from(supportRecords).where(and(inArray(supportRecords.companyId, ids), eq(supportRecords.source, GBIZINFO_SOURCE)));
    const seen = new Set(stored.map((s) => recordKey(s.companyId, s.title, s.approvedOn, s.amountYen)));
    const rows: Array<typeof supportRecords.$inferInsert> = [];
    for (const { companyId, doc, ref } of withSubsidies) {
      doc.subsidies.forEach((s, j) => {
        if (!s.title) {
          summary.warnings.push(`${ref}/subsidy/${j}: no title, not stored`);
          return;
        }
        const key = recordKey(companyId, s.title, s.approvedOn, s.amountYen);
        if (seen.has(key)) return;
        seen.add(key);
        rows.push({ companyId, title: s.title, amountYen: s.amountYen, approvedOn: s.approvedOn, authority: s.authority, source: GBIZINFO_SOURCE, sourceRef: `${ref}/subsidy/${j}` });
      });
    }
    for (let i = 0; i < rows.length; i += 500) {
      summary.supportRecordsAdded += (await db.insert(supportRecords).values(rows.slice(i, i + 500)).onConflictDoNothing().returning({ id: supportRecords.id })).length;
    }
  }
}

/**
 * Imports one gBizINFO response file in one transaction and records the run in import_runs. Never throws for bad
 * content: an unreadable or rejected file comes back with `ok: false` and the reasons.
 */
export async function importGbizinfoFile(database: Database, path: string, options: GbizinfoImportOptions = {}): Promise<GbizinfoImportSummary> {
  const started = Date.now();
  const now = options.now ?? new Date();
  const summary = emptySummary(path);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    summary.ok = false;
    summary.errors.push(`cannot read ${path}: ${error instanceof Error ? error.message : String(error)}`);
    return summary;
  }
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    summary.ok = false;
    summary.errors.push(`not JSON: ${error instanceof Error ? error.message : String(error)}`);
    return finish(database, summary, path, text, started, options);
  }
  const parsed = parseGbizinfoDocument(json, basename(path));
  options.onProgress?.(0, parsed.documents.length);
  await database.db.transaction(async (tx) => {
    await applyGbizinfoResult(tx, parsed, json, path, now, summary);
  });
  options.onProgress?.(parsed.documents.length, parsed.documents.length);
  return finish(database, summary, path, text, started, options);
}

async function finish(database: Database, summary: GbizinfoImportSummary, path: string, text: string, started: number, options: GbizinfoImportOptions): Promise<GbizinfoImportSummary> {
  summary.rejected = summary.rejects.length;
  if (options.rejectsDir && (summary.rejects.length || !summary.ok)) {
    mkdirSync(options.rejectsDir, { recursive: true });
    summary.rejectsFile = join(options.rejectsDir, `${basename(path)}.rejects.tsv`);
    const lines = ['ref\treason', ...summary.errors.map((e) => `${basename(path)}\t${e.replace(/[\t\n]/g, ' ')}`), ...summary.rejects.map((r) => `${r.ref}\t${r.reason.replace(/[\t\n]/g, ' ')}`)];
    writeFileSync(summary.rejectsFile, `${lines.join('\n')}\n`);
  }
  summary.seconds = (Date.now() - started) / 1000;
  const hash = createHash('sha256').update(text).digest('hex');
  await database.db.insert(importRuns).values({
    kind: 'gbizinfo', file: path, fileHash: hash, status: summary.ok ? 'done' : 'rejected', linesDone: summary.documents,
    summary: { ...summary, warnings: summary.warnings.slice(0, 100), rejects: summary.rejects.slice(0, 100) }, finishedAt: new Date(),
  });
  return summary;
}
