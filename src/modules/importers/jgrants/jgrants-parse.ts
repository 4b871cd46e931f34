/**
 * Jグランツ (デジタル庁) public API responses → normalised support measures (pure; no database).
 *
 * Accepts (domain.md §4, ../shared/data/real/jgrants): a bare list item of `GET /exp/v1/public/subsidies`,
 * a bare detail object (`result[0]` of `GET /exp/v{1,2}/public/subsidies/id/{id}`), an array of
 * either, the API envelope `{metadata:{resultset:{count}}, result:[…]}`, a collector's wrapper
 * `{…, items:[…]}`, and an object keyed by subsidy id whose values are detail objects (a detail cache).
 * Shapes nest (an array of envelopes works too). Nothing is thrown: records that cannot become a
 * measure come back in `rejects` with the reason.
 *
 * Everything here is public catalogue data (contract: "the measure catalogue" is public).
 * When data is reused, credit the source as Jグランツ.
 */
import sanitizeHtml from 'sanitize-html';
import { prefectureCodeForName, prefecturesInRegion } from '../../company/prefectures.js';
import { JSIC_MAJOR_DIVISIONS, jsicMajorFor } from '../shared/jsic-major.js';
import {
  cleanText, isBlank, isRecord, parseBoolean, parseInstant, parseInteger, splitList, toHalfWidth,
} from '../shared/normalise-values.js';

/** Employee-count condition of a measure: a company qualifies when min ≤ employees ≤ max (null = unbounded). */
export interface EmployeeCriterion {
  /** inclusive lower bound; null = none */
  minEmployees: number | null;
  /** inclusive upper bound; null = none */
  maxEmployees: number | null;
  /** the values as Jグランツ wrote them (従業員数の制約なし, 20名以下, 901名以上, …) */
  labels: string[];
}

/** One application window (公募回 / workflow round). */
export interface JgrantsWindow {
  /** the v2 workflow id, or `<jgrantsId>:acceptance` for the v1 top-level period */
  id: string;
  /** fiscal_year_round when given; else the round's target areas when rounds differ by area; else 受付期間 */
  label: string;
  /** UTC ISO-8601 */
  acceptingFrom: string | null;
  /** UTC ISO-8601 */
  acceptingUntil: string | null;
  /** 事業完了期限, UTC ISO-8601 */
  projectEndDeadline: string | null;
  fiscalYearRound: string | null;
  targetAreas: string[];
  /** JIS X 0401 codes; empty when nationwide or when no area was given */
  targetPrefectures: string[];
  nationwide: boolean;
  targetAreaDetail: string | null;
}

/** Industries of a measure. */
export interface JgrantsIndustries {
  /** official JSIC major names (with 「，」) in code order, then the names that did not map, as written */
  names: string[];
  /** JSIC major letters A..T, sorted */
  jsicCodes: string[];
  /** names that are not one of the 20 JSIC major divisions */
  unmapped: string[];
  /** true when all 20 divisions are listed */
  allIndustries: boolean;
}

/** A normalised Jグランツ support measure. */
export interface JgrantsMeasure {
  /** Jグランツ subsidy id (18 characters, e.g. a0WJ200000CDWaWMAX) */
  jgrantsId: string;
  /** whether the record was a list item (no detail fields) or a detail result */
  shape: 'list' | 'detail';
  /** Jグランツ management number (`name`), e.g. S-00007689 */
  managementNumber: string | null;
  title: string;
  catchPhrase: string | null;
  /** `detail` as plain text with paragraph breaks (blank line between paragraphs, one line per list item) */
  detailText: string | null;
  /** `detail` as safe HTML: basic tags only; no scripts, styles, event handlers or javascript: URLs */
  detailHtml: string | null;
  /** subsidy_max_limit in yen; null when 0 (Jグランツ's "not stated") or absent */
  maxAmountYen: number | null;
  /** free text such as "1/2以内" */
  subsidyRate: string | null;
  usePurposes: string[];
  industries: JgrantsIndustries;
  /** areas as written (全国, 関東・甲信越地方, 東京都 …), over the measure and all its rounds */
  targetAreas: string[];
  /** JIS X 0401 codes; empty means nationwide (or not stated: see `nationwide`) */
  targetPrefectures: string[];
  /** true when 全国 is among the areas */
  nationwide: boolean;
  /** areas that are neither 全国, a prefecture nor a region block (kept in targetAreas, not in targetPrefectures) */
  unmappedAreas: string[];
  /** target_area_detail of the rounds (municipalities such as 飯塚市) */
  targetAreaDetails: string[];
  /** null when target_number_of_employees is absent or nothing in it could be read */
  employeeCriterion: EmployeeCriterion | null;
  /** target_number_of_employees values that could not be read */
  unmappedEmployeeLabels: string[];
  windows: JgrantsWindow[];
  /** earliest window start (UTC ISO) */
  acceptingFrom: string | null;
  /** latest window end (UTC ISO) */
  acceptingUntil: string | null;
  /** front_subsidy_detail_page_url, or the portal URL built from the id */
  url: string;
  institutionName: string | null;
  isEnableMultipleRequest: boolean | null;
  /** request_reception_presence: 有 → true, 無 → false */
  requestReceptionPresence: boolean | null;
  /** v2 granttype (一般型 …) */
  grantType: string | null;
  /** attachment names only; the base64 bodies are dropped (they can be several MB) */
  attachments: { kind: string; name: string }[];
  /** fields that were present but unusable */
  warnings: string[];
}

/** A record that could not become a measure. */
export interface JgrantsReject {
  /** where it was in the input, e.g. `result[3]`, `items[0]`, `["a0WJ…"]` */
  path: string;
  jgrantsId: string | null;
  reason: string;
}

/** Values that did not map, with how many measures carried each. */
export interface JgrantsUnmappedReport {
  industries: Record<string, number>;
  areas: Record<string, number>;
  employeeCriteria: Record<string, number>;
}

/** Result of {@link parseJgrantsDocument}. */
export interface JgrantsParseResult {
  sourceRef: string;
  /** false when the input holds no recognisable Jグランツ shape at all */
  ok: boolean;
  errors: string[];
  /** metadata.resultset.count of an API envelope (the whole result set, which may exceed what is here) */
  declaredCount: number | null;
  measures: JgrantsMeasure[];
  rejects: JgrantsReject[];
  /** ids seen more than once (a detail record replaces a list item of the same id) */
  duplicateIds: string[];
  unmapped: JgrantsUnmappedReport;
}

type Json = Record<string, unknown>;

const PORTAL_URL = 'https://www.jgrants-portal.go.jp/subsidy/';
const JGRANTS_ID = /^[A-Za-z0-9]{18}$/;
const DETAIL_FIELDS = [
  'detail', 'workflow', 'subsidy_catch_phrase', 'use_purpose', 'industry', 'subsidy_rate',
  'front_subsidy_detail_page_url', 'request_reception_presence', 'is_enable_multiple_request',
];
const ATTACHMENT_KINDS = ['application_guidelines', 'outline_of_grant', 'application_form'];
const MAX_DEPTH = 4;

/**
 * Parses one Jグランツ JSON document (see the module comment for the shapes) into measures.
 * Never throws; `rejects` lists records without a usable id or title, `unmapped` the industry,
 * area and employee values that could not be mapped to codes.
 */
export function parseJgrantsDocument(json: unknown, sourceRef: string): JgrantsParseResult {
  const result: JgrantsParseResult = {
    sourceRef, ok: true, errors: [], declaredCount: null, measures: [], rejects: [], duplicateIds: [],
    unmapped: { industries: {}, areas: {}, employeeCriteria: {} },
  };
  const byId = new Map<string, JgrantsMeasure>();
  const records: { path: string; record: unknown; keyedId: string | null }[] = [];
  const recognised = collectRecords(json, '$', 0, records, result);
  if (!recognised) {
    result.ok = false;
    if (result.errors.length === 0) result.errors.push(`not a Jグランツ document (${describeShape(json)})`);
    return result;
  }
  for (const { path, record, keyedId } of records) {
    const parsed = parseRecord(record, path, keyedId);
    if ('reason' in parsed) {
      result.rejects.push(parsed);
      continue;
    }
    const existing = byId.get(parsed.jgrantsId);
    if (existing) {
      if (!result.duplicateIds.includes(parsed.jgrantsId)) result.duplicateIds.push(parsed.jgrantsId);
      if (existing.shape === 'list' && parsed.shape === 'detail') byId.set(parsed.jgrantsId, parsed);
      continue;
    }
    byId.set(parsed.jgrantsId, parsed);
  }
  result.measures = [...byId.values()];
  for (const m of result.measures) {
    for (const name of m.industries.unmapped) bump(result.unmapped.industries, name);
    for (const area of m.unmappedAreas) bump(result.unmapped.areas, area);
    for (const label of m.unmappedEmployeeLabels) bump(result.unmapped.employeeCriteria, label);
  }
  return result;
}

function bump(counter: Record<string, number>, key: string): void {
  counter[key] = (counter[key] ?? 0) + 1;
}

function describeShape(json: unknown): string {
  if (json === null) return 'null';
  if (Array.isArray(json)) return 'array';
  if (isRecord(json)) return `object with keys ${Object.keys(json).slice(0, 8).join(', ') || '(none)'}`;
  return typeof json;
}

function looksLikeSubsidy(value: Json): boolean {
  return 'id' in value || 'title' in value || 'name' in value || 'subsidy_max_limit' in value;
}

/** Walks the known shapes and collects the subsidy records; false when `json` is none of them. */
function collectRecords(
  json: unknown, path: string, depth: number,
  out: { path: string; record: unknown; keyedId: string | null }[], result: JgrantsParseResult,
): boolean {
  if (depth > MAX_DEPTH) return false;
  if (Array.isArray(json)) {
    json.forEach((element, i) => {
      const at = `${path}[${i}]`;
      if (isRecord(element) && !looksLikeSubsidy(element) && collectRecords(element, at, depth + 1, out, result)) return;
      out.push({ path: at, record: element, keyedId: null });
    });
    return true;
  }
  if (!isRecord(json)) return false;
  if ('result' in json) {
    const count = isRecord(json.metadata) && isRecord(json.metadata.resultset) ? parseInteger(json.metadata.resultset.count).value : null;
    if (count !== null) result.declaredCount = (result.declaredCount ?? 0) + count;
    const list = json.result;
    if (Array.isArray(list)) return collectRecords(list, `${path}.result`, depth + 1, out, result);
    if (isRecord(list)) {
      out.push({ path: `${path}.result`, record: list, keyedId: null });
      return true;
    }
    if (isBlank(list)) return true;
    result.errors.push(`${path}.result is neither a list nor an object`);
    return false;
  }
  if ('items' in json && !('id' in json || 'title' in json)) {
    if (Array.isArray(json.items)) return collectRecords(json.items, `${path}.items`, depth + 1, out, result);
    result.errors.push(`${path}.items is not a list`);
    return false;
  }
  if (looksLikeSubsidy(json)) {
    out.push({ path, record: json, keyedId: null });
    return true;
  }
  const entries = Object.entries(json);
  if (entries.every(([, value]) => isRecord(value))) {
    for (const [key, value] of entries) out.push({ path: `${path}[${JSON.stringify(key)}]`, record: value, keyedId: key });
    return true;
  }
  return false;
}

function parseRecord(record: unknown, path: string, keyedId: string | null): JgrantsMeasure | JgrantsReject {
  if (!isRecord(record)) return { path, jgrantsId: keyedId, reason: `not an object (${describeShape(record)})` };
  const warnings: string[] = [];
  const rawId = cleanText(record.id) ?? keyedId;
  if (rawId === null) return { path, jgrantsId: null, reason: 'missing id' };
  const jgrantsId = rawId.trim();
  if (!JGRANTS_ID.test(jgrantsId)) return { path, jgrantsId, reason: `id is not 18 letters/digits: "${jgrantsId}"` };
  if (keyedId !== null && keyedId !== jgrantsId) warnings.push(`keyed as "${keyedId}" but its id is "${jgrantsId}"`);
  const title = cleanText(record.title);
  if (title === null) return { path, jgrantsId, reason: 'missing title' };

  const shape: 'list' | 'detail' = DETAIL_FIELDS.some((f) => f in record) ? 'detail' : 'list';
  const detail = cleanText(record.detail);
  const detailHtml = detail === null ? null : sanitizeDetailHtml(detail) || null;
  const detailText = detailHtml === null ? null : htmlToPlainText(detailHtml) || null;

  const maxLimit = parseInteger(record.subsidy_max_limit);
  if (maxLimit.problem) warnings.push(`subsidy_max_limit: ${maxLimit.problem}`);
  if (maxLimit.value !== null && maxLimit.value < 0) warnings.push(`subsidy_max_limit: negative (${maxLimit.value})`);
  const maxAmountYen = maxLimit.value !== null && maxLimit.value > 0 ? maxLimit.value : null;

  const windows = windowsOf(record, jgrantsId, warnings);
  const areaSet = new Set<string>(splitAreas(record.target_area_search));
  for (const w of windows) w.targetAreas.forEach((a) => areaSet.add(a));
  const targetAreas = [...areaSet];
  const areas = resolveAreas(targetAreas);
  const employees = readEmployeeCriterion(record.target_number_of_employees);
  const targetAreaDetails = [...new Set([
    cleanText(record.target_area_detail), ...windows.map((w) => w.targetAreaDetail),
  ].filter((d): d is string => d !== null))];

  const starts = windows.map((w) => w.acceptingFrom).filter((v): v is string => v !== null).sort();
  const ends = windows.map((w) => w.acceptingUntil).filter((v): v is string => v !== null).sort();
  const pageUrl = cleanText(record.front_subsidy_detail_page_url);

  return {
    jgrantsId,
    shape,
    managementNumber: cleanText(record.name),
    title,
    catchPhrase: cleanText(record.subsidy_catch_phrase),
    detailText,
    detailHtml,
    maxAmountYen,
    subsidyRate: cleanText(record.subsidy_rate),
    usePurposes: splitList(record.use_purpose, /\s+\/\s+/),
    industries: industriesOf(record.industry),
    targetAreas,
    targetPrefectures: areas.nationwide ? [] : areas.codes,
    nationwide: areas.nationwide,
    unmappedAreas: areas.unmapped,
    targetAreaDetails,
    employeeCriterion: employees.criterion,
    unmappedEmployeeLabels: employees.unreadable,
    windows,
    acceptingFrom: starts[0] ?? null,
    acceptingUntil: ends[ends.length - 1] ?? null,
    url: pageUrl !== null && /^https?:\/\//i.test(pageUrl) ? pageUrl : `${PORTAL_URL}${jgrantsId}`,
    institutionName: cleanText(record.institution_name),
    isEnableMultipleRequest: parseBoolean(record.is_enable_multiple_request),
    requestReceptionPresence: parseBoolean(record.request_reception_presence),
    grantType: cleanText(record.granttype ?? record.grant_type),
    attachments: attachmentsOf(record),
    warnings,
  };
}

function instant(value: unknown, field: string, warnings: string[]): string | null {
  // Jグランツ datetimes carry Z (v2 even omits seconds: 2026-04-01T00:55Z); offset-less ones are UTC (domain.md §4).
  const parsed = parseInstant(value, 'Z');
  if (parsed.problem) warnings.push(`${field}: ${parsed.problem}`);
  return parsed.value;
}

function windowsOf(record: Json, jgrantsId: string, warnings: string[]): JgrantsWindow[] {
  const rounds = Array.isArray(record.workflow) ? record.workflow.filter(isRecord) : [];
  if (Array.isArray(record.workflow) && rounds.length !== record.workflow.length) warnings.push('workflow: entries that are not objects were skipped');
  const areaLabels = new Set(rounds.map((r) => cleanText(r.target_area_search)));
  const distinctAreas = rounds.length > 1 && areaLabels.size > 1;
  const windows = rounds.map((round, i): JgrantsWindow => {
    const at = `workflow[${i}]`;
    const targetAreas = splitAreas(round.target_area_search);
    const areas = resolveAreas(targetAreas);
    const fiscalYearRound = cleanText(round.fiscal_year_round);
    const areaLabel = cleanText(round.target_area_search);
    return {
      id: cleanText(round.id) ?? `${jgrantsId}:workflow-${i + 1}`,
      label: fiscalYearRound ?? (distinctAreas && areaLabel ? areaLabel : rounds.length > 1 ? `第${i + 1}回` : '受付期間'),
      acceptingFrom: instant(round.acceptance_start_datetime, `${at}.acceptance_start_datetime`, warnings),
      acceptingUntil: instant(round.acceptance_end_datetime, `${at}.acceptance_end_datetime`, warnings),
      projectEndDeadline: instant(round.project_end_deadline, `${at}.project_end_deadline`, warnings),
      fiscalYearRound,
      targetAreas,
      targetPrefectures: areas.nationwide ? [] : areas.codes,
      nationwide: areas.nationwide,
      targetAreaDetail: cleanText(round.target_area_detail),
    };
  });
  if (windows.length > 0) return windows;
  const from = instant(record.acceptance_start_datetime, 'acceptance_start_datetime', warnings);
  const until = instant(record.acceptance_end_datetime, 'acceptance_end_datetime', warnings);
  const projectEnd = instant(record.project_end_deadline, 'project_end_deadline', warnings);
  if (from === null && until === null) return [];
  const targetAreas = splitAreas(record.target_area_search);
  const areas = resolveAreas(targetAreas);
  return [{
    id: `${jgrantsId}:acceptance`,
    label: '受付期間',
    acceptingFrom: from,
    acceptingUntil: until,
    projectEndDeadline: projectEnd,
    fiscalYearRound: null,
    targetAreas,
    targetPrefectures: areas.nationwide ? [] : areas.codes,
    nationwide: areas.nationwide,
    targetAreaDetail: cleanText(record.target_area_detail),
  }];
}

/** Areas are " / "-joined in list items, "/"-joined in v2 workflow rounds; 「、」 is accepted too. */
function splitAreas(value: unknown): string[] {
  return splitList(value, /\s*[/／、,，]\s*/);
}

/** Area names → prefecture codes (全国 → nationwide; region blocks → their prefectures); unknown names are returned. */
function resolveAreas(areas: string[]): { codes: string[]; nationwide: boolean; unmapped: string[] } {
  const codes = new Set<string>();
  const unmapped: string[] = [];
  let nationwide = false;
  for (const area of areas) {
    const key = toHalfWidth(area).replace(/\s+/g, '');
    if (key === '全国' || key === '全都道府県') {
      nationwide = true;
      continue;
    }
    const code = prefectureCodeForName(area);
    if (code) {
      codes.add(code);
      continue;
    }
    const region = prefecturesInRegion(area);
    if (region.length > 0) {
      region.forEach((p) => codes.add(p.code));
      continue;
    }
    unmapped.push(area);
  }
  return { codes: [...codes].sort(), nationwide, unmapped };
}

function industriesOf(value: unknown): JgrantsIndustries {
  const codes = new Set<string>();
  const unmapped: string[] = [];
  for (const name of splitList(value, /\s*[/／]\s*/)) {
    const major = jsicMajorFor(name);
    if (major) codes.add(major.code);
    else if (!unmapped.includes(name)) unmapped.push(name);
  }
  const jsicCodes = JSIC_MAJOR_DIVISIONS.filter((d) => codes.has(d.code));
  return {
    names: [...jsicCodes.map((d) => d.name), ...unmapped],
    jsicCodes: jsicCodes.map((d) => d.code),
    unmapped,
    allIndustries: jsicCodes.length === JSIC_MAJOR_DIVISIONS.length,
  };
}

/**
 * target_number_of_employees → bounds. Several values (" / "-joined) give the widest band that
 * covers them all: "20名以下 / 300名以下" → ≤ 300; "300名以下 / 901名以上" → no bound; any
 * "…制約なし" → no bound. Null when there is no value or none could be read.
 */
export function employeeCriterionOf(value: unknown): EmployeeCriterion | null {
  return readEmployeeCriterion(value).criterion;
}

function readEmployeeCriterion(value: unknown): { criterion: EmployeeCriterion | null; unreadable: string[] } {
  const labels = splitList(value, /\s*[/／]\s*/);
  const unreadable: string[] = [];
  let min: number | null = Number.POSITIVE_INFINITY;
  let max: number | null = Number.NEGATIVE_INFINITY;
  let understood = 0;
  for (const label of labels) {
    const text = toHalfWidth(label).replace(/\s+/g, '');
    let m: RegExpExecArray | null;
    if (/(制約|制限|条件)(は)?(なし|無し)|不問|問わない/.test(text)) {
      min = null;
      max = null;
    } else if ((m = /^(\d+)(?:名|人)以下$/.exec(text))) {
      if (min !== null) min = 0;
      if (max !== null) max = Math.max(max, Number(m[1]));
    } else if ((m = /^(\d+)(?:名|人)以上$/.exec(text))) {
      if (min !== null) min = Math.min(min, Number(m[1]));
      max = null;
    } else {
      unreadable.push(label);
      continue;
    }
    understood++;
  }
  if (understood === 0) return { criterion: null, unreadable };
  return {
    criterion: {
      minEmployees: min === null || min === 0 || !Number.isFinite(min) ? null : min,
      maxEmployees: max === null || !Number.isFinite(max) ? null : max,
      labels,
    },
    unreadable,
  };
}

function attachmentsOf(record: Json): { kind: string; name: string }[] {
  const attachments: { kind: string; name: string }[] = [];
  for (const kind of ATTACHMENT_KINDS) {
    const list = record[kind];
    if (!Array.isArray(list)) continue;
    for (const file of list) {
      const name = isRecord(file) ? cleanText(file.name) : null;
      if (name !== null) attachments.push({ kind, name });
    }
  }
  return attachments;
}

const SAFE_HREF = /^(https?:\/\/|mailto:|tel:)/i;

const SAFE_HTML: sanitizeHtml.IOptions = {
  allowedTags: [
    'p', 'br', 'strong', 'b', 'em', 'i', 'u', 's', 'ul', 'ol', 'li', 'a', 'h2', 'h3', 'h4', 'h5', 'h6',
    'table', 'caption', 'thead', 'tbody', 'tfoot', 'tr', 'th', 'td', 'blockquote', 'hr',
  ],
  allowedAttributes: {
    a: ['href', 'title', 'target', 'rel'],
    td: ['colspan', 'rowspan'],
    th: ['colspan', 'rowspan'],
    ol: ['start'],
  },
  allowedSchemes: ['http', 'https', 'mailto', 'tel'],
  allowedSchemesAppliedToAttributes: ['href'],
  allowProtocolRelative: false,
  disallowedTagsMode: 'discard',
  transformTags: {
    h1: 'h2',
    div: 'p',
    // A link keeps only a safe href (and opens in a new tab without opener); any other link loses every
    // attribute and stays an inert <a>. (Renaming the tag here would trip sanitize-html's close-tag map.)
    a: (tagName, attribs) => {
      const href = (attribs.href ?? '').replace(/[\u0000-\u0020\u007f-\u009f]/g, '');
      if (!SAFE_HREF.test(href)) return { tagName, attribs: {} };
      const out: Record<string, string> = { href: attribs.href!.trim(), target: '_blank', rel: 'noopener noreferrer nofollow' };
      if (attribs.title) out.title = attribs.title;
      return { tagName, attribs: out };
    },
  },
};

/**
 * The Jグランツ `detail` HTML made safe to render: only basic text, list, table and link tags;
 * no attributes but href/title on links and colspan/rowspan on cells (inline styles and event
 * handlers go); href only with http(s)/mailto/tel; script/style contents removed.
 */
export function sanitizeDetailHtml(html: string): string {
  return sanitizeHtml(html, SAFE_HTML).trim();
}

/**
 * Plain text of (sanitised) detail HTML: one blank line between paragraphs and blocks, one line
 * per list item (prefixed 「・」) and per table row, runs of spaces collapsed, entities decoded.
 */
export function htmlToPlainText(html: string): string {
  const marked = sanitizeDetailHtml(html)
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<li\b[^>]*>/gi, '・')
    .replace(/<\/(td|th)>/gi, ' ')
    .replace(/<\/(li|tr|caption)>/gi, '\n')
    .replace(/<hr\s*\/?>/gi, '\n\n')
    .replace(/<\/(p|h[2-6]|ul|ol|table|blockquote)>/gi, '\n\n');
  const text = sanitizeHtml(marked, { allowedTags: [], allowedAttributes: {} })
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');
  return text
    .replace(/\u00a0/g, ' ')
    .split('\n')
    .map((line) => line.replace(/[ \t]+/g, ' ').trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
