/**
 * Generated companies as table rows (pure): the column lists of every table the generator fills, and the rows of a
 * chunk in PostgreSQL's COPY text format (written straight from the generated objects: no intermediate row arrays,
 * which cost more in garbage collection than the formatting itself). Drivers without COPY FROM STDIN (PGlite) read
 * the same text back into records, so both drivers load exactly the same values.
 */
import { GENERATED_SOURCE, WORLD_NOW, type GeneratedCompany, type GeneratorModel } from './generator-model.js';

/** A column and its SQL type. */
export type ColumnSpec = readonly [name: string, sqlType: string];

export interface TableSpec {
  readonly table: string;
  readonly columns: readonly ColumnSpec[];
}

const spec = (table: string, columns: string): TableSpec => ({
  table,
  columns: columns.trim().split(/\s*,\s*/).map((c) => c.split(/\s+/) as unknown as ColumnSpec),
});

/** Every table the generator writes, in load order (parents first); the COPY lines below follow these column orders. */
export const GENERATED_TABLES = {
  companies: spec('companies', `id bigint, corporate_number text, name text, name_kana text, kind_code text, kind text, prefecture_code text,
    prefecture_name text, city_code text, city_name text, street text, postal_code text, assignment_date date, close_date date, close_cause text,
    industry_code text, capital_yen bigint, employees integer, established_on date, representative_name text, sme_category text, deemed_large boolean`),
  financials: spec('financials', `company_id bigint, fiscal_year smallint, net_sales_yen bigint, operating_profit_yen bigint, ordinary_profit_yen bigint,
    depreciation_yen bigint, labor_cost_yen bigint, total_assets_yen bigint, net_assets_yen bigint, borrowings_yen bigint, cash_yen bigint,
    receivables_yen bigint, inventory_yen bigint, payables_yen bigint, employees integer, source text, source_ref text, as_of timestamptz`),
  facts: spec('facts', 'company_id bigint, key text, value jsonb, source text, source_ref text, as_of timestamptz'),
  certifications: spec('certifications', 'company_id bigint, title text, category text, approved_on date, authority text, measure_id text, source text, source_ref text'),
  applications: spec('applications', `id bigint, company_id bigint, measure_id text, round_id text, status text, requested_amount_yen bigint,
    granted_amount_yen bigint, fiscal_year smallint, prefecture_code text, industry_code text, sme_category text, start_key text, start_input_hash text,
    submit_key text, created_by text, created_at timestamptz, updated_at timestamptz, submitted_at timestamptz, decided_at timestamptz`),
  application_events: spec('application_events', 'application_id bigint, at timestamptz, from_status text, to_status text, actor text, note text'),
  support_records: spec('support_records', `company_id bigint, title text, amount_yen bigint, approved_on date, authority text, measure_id text,
    application_id bigint, source text, source_ref text`),
  consents: spec('consents', 'company_id bigint, organization_id text, scopes text[], granted_by text, granted_at timestamptz, expires_on date, revoked_at timestamptz'),
} as const;

export type GeneratedTable = keyof typeof GENERATED_TABLES;
export const GENERATED_TABLE_NAMES = Object.keys(GENERATED_TABLES) as GeneratedTable[];

/** Source of support records written for generated adoptions (the platform recorded the adoption). */
export const ADOPTION_SOURCE = 'PLATFORM';

/** Catalogue measure ids of the certifications the demo distributions hand out. */
const CERTIFICATION_MEASURES: Readonly<Record<string, string>> = { 経営力向上計画: 'keieiryoku-kojo', 事業継続力強化計画: 'jigyo-keizokuryoku' };

const NULL = '\\N';
const SPECIAL = /[\\\t\n\r]/;
/** A text value in COPY text format (backslash, tab and line ends escaped). */
function text(value: string | null | undefined): string {
  if (value === null || value === undefined) return NULL;
  return SPECIAL.test(value) ? value.replace(/[\\\t\n\r]/g, (ch) => (ch === '\\' ? '\\\\' : ch === '\t' ? '\\t' : ch === '\n' ? '\\n' : '\\r')) : value;
}
const num = (value: number | null | undefined) => (value === null || value === undefined ? NULL : String(value));
const instant = (value: Date | null | undefined) => (value === null || value === undefined ? NULL : value.toISOString());
const json = (value: unknown) => (value === null || value === undefined ? NULL : text(JSON.stringify(value)));
const textArray = (values: readonly string[]) => text(`{${values.map((v) => `"${v.replace(/["\\]/g, '\\$&')}"`).join(',')}}`);

/** Which companies a chunk holds and the first ids its rows get. */
export interface ChunkRequest {
  /** index of the chunk's first company in the world */
  firstCompanyIndex: number;
  size: number;
  /** id of the chunk's first company; the others follow */
  companyIdStart: number;
  /** id of the chunk's first application; the others follow in company order */
  applicationIdStart: number;
}

/** A chunk in COPY text form, per table, with its row counts. */
export interface ChunkText {
  texts: Record<GeneratedTable, string>;
  counts: Record<GeneratedTable, number>;
  applications: number;
}

/**
 * The COPY text of generated companies. `companies[k]` gets id `companyIdStart + k`; applications get consecutive ids
 * from `applicationIdStart` in company order. `sourceRef` names the run (e.g. "sdp generate --seed 1").
 */
export function chunkCopyText(companies: readonly GeneratedCompany[], companyIdStart: number, applicationIdStart: number, sourceRef: string): ChunkText {
  const lines: Record<GeneratedTable, string[]> = {
    companies: [], financials: [], facts: [], certifications: [], applications: [], application_events: [], support_records: [], consents: [],
  };
  const asOf = WORLD_NOW.toISOString();
  const ref = text(sourceRef);
  const source = GENERATED_SOURCE;
  let applicationId = applicationIdStart;
  companies.forEach((c, k) => {
    const id = companyIdStart + k;
    lines.companies.push([
      id, text(c.corporateNumber), text(c.name), text(c.nameKana), text(c.kindCode), c.kind, c.prefectureCode, text(c.prefectureName), c.cityCode,
      text(c.cityName), text(c.street), c.postalCode, text(c.assignmentDate), text(c.closeDate), text(c.closeCause), c.industryCode, num(c.capitalYen),
      c.employees, c.establishedOn, text(c.representativeName), c.smeCategory, c.deemedLarge ? 't' : 'f',
    ].join('\t'));
    for (const f of c.financials) {
      lines.financials.push([
        id, f.fiscalYear, f.netSalesYen, f.operatingProfitYen, f.ordinaryProfitYen, f.depreciationYen, f.laborCostYen, f.totalAssetsYen, f.netAssetsYen,
        f.borrowingsYen, f.cashYen, f.receivablesYen, f.inventoryYen, f.payablesYen, f.employees, source, ref, asOf,
      ].join('\t'));
    }
    const factTail = [source, ref, asOf].join('\t');
    lines.facts.push([id, 'needs', json(c.needs), factTail].join('\t'));
    if (c.majorShareholders) {
      lines.facts.push([id, 'majorShareholders', json(c.majorShareholders), factTail].join('\t'));
      lines.facts.push([id, 'officersTotal', json(c.officersTotal), factTail].join('\t'));
      lines.facts.push([id, 'officersFromLargeEnterprises', json(c.officersFromLargeEnterprises), factTail].join('\t'));
    }
    for (const x of c.certifications) {
      lines.certifications.push([id, text(x.title), text(x.category), x.approvedOn, text(x.authority), text(CERTIFICATION_MEASURES[x.title] ?? null), source, ref].join('\t'));
    }
    const owner = `owner:generated:${c.index}`;
    for (const a of c.applications) {
      const appId = applicationId++;
      const submitted = a.submittedAt !== null;
      const startKey = `generated:${c.index}:${a.measureId}`;
      lines.applications.push([
        appId, id, a.measureId, a.roundId ? `${a.measureId}:${a.roundId}` : NULL, a.status, a.requestedAmountYen, num(a.grantedAmountYen), a.fiscalYear,
        submitted ? c.prefectureCode : NULL, submitted ? c.industryCode : NULL, submitted ? c.smeCategory : NULL,
        startKey, startKey, submitted ? `${startKey}:submit` : NULL, owner, instant(a.createdAt), instant(a.updatedAt), instant(a.submittedAt), instant(a.decidedAt),
      ].join('\t'));
      for (const e of a.events) lines.application_events.push([appId, e.at.toISOString(), e.fromStatus ?? NULL, e.toStatus, text(e.actor), text(e.note)].join('\t'));
      if (a.support) {
        lines.support_records.push([
          id, text(a.support.title), a.support.amountYen, a.support.approvedOn, text(a.support.authority), a.measureId, appId, ADOPTION_SOURCE, `application:${appId}`,
        ].join('\t'));
      }
    }
    if (c.consent) {
      const x = c.consent;
      lines.consents.push([id, text(x.organizationId), textArray(x.scopes), owner, x.grantedAt.toISOString(), x.expiresOn, instant(x.revokedAt)].join('\t'));
    }
  });
  const texts = {} as Record<GeneratedTable, string>;
  const counts = {} as Record<GeneratedTable, number>;
  for (const name of GENERATED_TABLE_NAMES) {
    counts[name] = lines[name].length;
    texts[name] = lines[name].length ? `${lines[name].join('\n')}\n` : '';
  }
  return { texts, counts, applications: applicationId - applicationIdStart };
}

/** Generates a chunk's companies and writes them as COPY text with consecutive ids. */
export function buildChunk(model: GeneratorModel, request: ChunkRequest, sourceRef: string): ChunkText {
  const companies: GeneratedCompany[] = new Array(request.size);
  for (let k = 0; k < request.size; k++) companies[k] = model.company(request.firstCompanyIndex + k);
  return chunkCopyText(companies, request.companyIdStart, request.applicationIdStart, sourceRef);
}

/** Reads one COPY text field back: \N → null, escapes undone. */
function unescapeField(field: string): string | null {
  if (field === NULL) return null;
  return field.includes('\\') ? field.replace(/\\(.)/g, (_, ch: string) => (ch === 't' ? '\t' : ch === 'n' ? '\n' : ch === 'r' ? '\r' : ch)) : field;
}

/**
 * The rows of a table's COPY text as records keyed by column (values as text, JSON columns parsed), for
 * INSERT … SELECT FROM json_to_recordset on drivers without COPY FROM STDIN.
 */
export function copyTextRecords(table: TableSpec, copy: string): Array<Record<string, unknown>> {
  if (!copy) return [];
  return copy.slice(0, -1).split('\n').map((line) => {
    const fields = line.split('\t');
    const record: Record<string, unknown> = {};
    table.columns.forEach(([name, type], j) => {
      const value = unescapeField(fields[j]);
      record[name] = value !== null && type === 'jsonb' ? JSON.parse(value) : value;
    });
    return record;
  });
}

/** INSERT … SELECT FROM json_to_recordset($1) for a table (identity ids given explicitly). */
export function recordsetInsertSql(table: TableSpec): string {
  const names = table.columns.map(([name]) => name).join(', ');
  const typed = table.columns.map(([name, type]) => `${name} ${type}`).join(', ');
  const overriding = table.columns.some(([name]) => name === 'id') ? ' OVERRIDING SYSTEM VALUE' : '';
  return `INSERT INTO ${table.table} (${names})${overriding} SELECT ${names} FROM json_to_recordset($1::json) AS t(${typed})`;
}
