/**
 * Automatic checks on an application (pure functions over plain data; the service gathers the data).
 *
 * Each check returns flags `{ code, detail }` with a Japanese detail staff can act on:
 * - DOUBLE_RECEIPT (二重受給): the company already received this measure (a support record of it, or an
 *   ADOPTED application of it) within the measure's exclusion period — or at any time when the measure sets
 *   no period and cannot be received twice — or another SUBMITTED/ADOPTED application of the same measure
 *   and round exists.
 * - DEEMED_LARGE (みなし大企業): the classification found one of the みなし大企業 tests (or the 15億円
 *   taxable-income add-on) met, and the measure is for SMEs or excludes みなし大企業. The detail names the
 *   test that fired.
 * - NOT_SME: the company is LARGE or NOT_APPLICABLE and the measure requires an SME; NOT_SMALL: a 中規模
 *   company applies to a measure for 小規模事業者 only; SME_UNDETERMINED: the category is UNKNOWN and the
 *   measure's SME requirement depends on it (the detail says which data items are missing).
 * - CLOSED_COMPANY: the registry shows the company closed (date, cause, successor when known).
 * - OUTSIDE_WINDOW: a measure that is not always open, and the instant lies outside every round window;
 *   the detail names the nearest window.
 *
 * What a measure requires is read from its criteria (data, not code): a hard criterion that is false for a
 * company known only by its category excludes that category. Criteria that leave other ways in (e.g. IT導入's
 * "SME, or a 医療法人 with ≤ 300 employees") do not make the measure SME-only: eligibility explains those.
 */
import { tokyoDateOf } from '../../shared/auth/policy.js';
import { isIsoDate } from '../../shared/scalars.js';
import type { SmeClassification } from '../company/sme-classification.js';
import { dataItem, validateDataItem } from '../facts/data-items.js';
import { evaluateRule, type CompanyFacts, type Criterion } from '../measure/criteria.js';

/** One automatic-check result (contract type CheckFlag). */
export interface CheckFlag {
  readonly code: string;
  /** Japanese explanation */
  readonly detail: string;
}

/** Flag codes this module raises. */
export const FLAG_CODES = ['DOUBLE_RECEIPT', 'DEEMED_LARGE', 'NOT_SME', 'NOT_SMALL', 'SME_UNDETERMINED', 'CLOSED_COMPANY', 'OUTSIDE_WINDOW'] as const;
export type FlagCode = (typeof FLAG_CODES)[number];

/** An application window (公募回). A null bound is open-ended. */
export interface RoundWindow {
  readonly id: string;
  readonly label: string;
  readonly acceptingFrom: Date | null;
  readonly acceptingUntil: Date | null;
}

/** What the checks need to know of the measure. */
export interface MeasureForChecks {
  readonly id: string;
  readonly title: string;
  /** contract MeasureKind */
  readonly kind: string;
  readonly alwaysOpen: boolean;
  /** months after a receipt during which the same company may not receive the measure again; null = not set */
  readonly exclusionMonths: number | null;
  /** whether a company may receive the measure more than once; default from the kind (see {@link isRepeatableKind}) */
  readonly repeatable?: boolean;
  readonly criteria: readonly Criterion[];
  /** rounds in any order */
  readonly rounds: readonly RoundWindow[];
}

/** What the checks need to know of the company's registry state. */
export interface CompanyForChecks {
  /** 登記記録の閉鎖等年月日 (YYYY-MM-DD) or null while active */
  readonly closeDate: string | null;
  /** NTA 閉鎖等の事由 code */
  readonly closeCause: string | null;
  readonly successorCorporateNumber: string | null;
}

/** The SME classification of the company (see classifySme). */
export type SmeForChecks = Pick<SmeClassification, 'category' | 'deemedLarge' | 'deemedLargeTests' | 'missing' | 'isSme' | 'reasons'>;

/** Support the company already received. */
export interface PriorReceipt {
  /** a support record (gBizINFO, platform adoption, import) or an ADOPTED application */
  readonly kind: 'SUPPORT_RECORD' | 'ADOPTED_APPLICATION';
  readonly measureId: string | null;
  readonly title: string;
  /** the date of the grant decision (Asia/Tokyo, YYYY-MM-DD); null when unknown */
  readonly on: string | null;
  /** the application behind it, if any (a platform adoption has both a record and an application) */
  readonly applicationId: number | null;
}

/** Another application of the same company. */
export interface OtherApplication {
  readonly id: number;
  readonly measureId: string;
  readonly roundId: string | null;
  readonly status: string;
}

/** Everything the checks read. */
export interface ApplicationCheckInput {
  /** the instant judged: the submission time, or now for a draft */
  readonly at: Date;
  /** the application checked (excluded from its own history); null before it exists */
  readonly applicationId: number | null;
  /** the round the application belongs to */
  readonly roundId: string | null;
  readonly measure: MeasureForChecks;
  readonly company: CompanyForChecks;
  readonly sme: SmeForChecks;
  readonly receipts: readonly PriorReceipt[];
  readonly otherApplications: readonly OtherApplication[];
}

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/** Kinds a company can receive once only unless the guidelines set a re-application period: a subsidy, a 共済 contract. */
export const ONCE_ONLY_KINDS: readonly string[] = Object.freeze(['SUBSIDY', 'MUTUAL_AID']);

/**
 * Whether a measure of this kind may be received again without a waiting period: loans, guarantees, tax
 * measures, certifications (plans are renewed), consulting, training and funds may; subsidies and 共済 may not.
 */
export function isRepeatableKind(kind: string): boolean {
  return !ONCE_ONLY_KINDS.includes(kind);
}

/**
 * Adds calendar months to a date (YYYY-MM-DD), clamping to the month's last day: 2025-01-31 + 1 → 2025-02-28,
 * 2024-02-29 + 12 → 2025-02-28.
 */
export function addMonths(isoDate: string, months: number): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDate);
  if (!match || !Number.isInteger(months)) throw new RangeError(`addMonths: bad input ${isoDate} + ${months}`);
  const total = Number(match[1]) * 12 + (Number(match[2]) - 1) + months;
  const year = Math.floor(total / 12);
  const month = total - year * 12;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const day = Math.min(Number(match[3]), lastDay);
  return `${String(year).padStart(4, '0')}-${String(month + 1).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** An instant as Japan time, "YYYY-MM-DD HH:mm". */
export function formatTokyo(at: Date): string {
  return new Date(at.getTime() + 9 * 60 * 60 * 1000).toISOString().slice(0, 16).replace('T', ' ');
}

/**
 * True when the round window contains the instant (bounds inclusive, a null bound open-ended). A window without
 * any bound says nothing about when it is open and contains no instant (as the measure module reads rounds).
 */
export function windowContains(round: RoundWindow, at: Date): boolean {
  if (round.acceptingFrom === null && round.acceptingUntil === null) return false;
  const time = at.getTime();
  return (round.acceptingFrom === null || round.acceptingFrom.getTime() <= time) && (round.acceptingUntil === null || time <= round.acceptingUntil.getTime());
}

/** The round whose window contains the instant, or null. */
export function roundAt(rounds: readonly RoundWindow[], at: Date): RoundWindow | null {
  return rounds.find((round) => windowContains(round, at)) ?? null;
}

/** Milliseconds from the instant to the window (0 inside it; infinite for a window without bounds). */
function distanceToWindow(round: RoundWindow, at: Date): number {
  if (round.acceptingFrom === null && round.acceptingUntil === null) return Number.POSITIVE_INFINITY;
  const time = at.getTime();
  if (round.acceptingFrom !== null && time < round.acceptingFrom.getTime()) return round.acceptingFrom.getTime() - time;
  if (round.acceptingUntil !== null && time > round.acceptingUntil.getTime()) return time - round.acceptingUntil.getTime();
  return 0;
}

/** The round nearest to the instant (the containing one, else the closest edge; an upcoming round wins a tie), or null without rounds. */
export function nearestRound(rounds: readonly RoundWindow[], at: Date): RoundWindow | null {
  let best: RoundWindow | null = null;
  let bestDistance = Number.POSITIVE_INFINITY;
  // a round without bounds is only "nearest" when there is nothing else
  let bestUpcoming = false;
  for (const round of rounds) {
    const distance = distanceToWindow(round, at);
    const upcoming = round.acceptingFrom !== null && at.getTime() < round.acceptingFrom.getTime();
    if (best === null || distance < bestDistance || (distance === bestDistance && upcoming && !bestUpcoming)) {
      best = round;
      bestDistance = distance;
      bestUpcoming = upcoming;
    }
  }
  return best;
}

function describeWindow(round: RoundWindow): string {
  const from = round.acceptingFrom ? formatTokyo(round.acceptingFrom) : '開始日未定';
  const until = round.acceptingUntil ? formatTokyo(round.acceptingUntil) : '終了日未定';
  return `${round.label}（${from}〜${until}）`;
}

const SME_CATEGORY_ORDER = ['SMALL', 'MEDIUM', 'LARGE', 'NOT_APPLICABLE'] as const;
type KnownSmeCategory = (typeof SME_CATEGORY_ORDER)[number];

const CATEGORY_LABELS: Readonly<Record<KnownSmeCategory | 'UNKNOWN', string>> = {
  SMALL: '小規模企業者',
  MEDIUM: '中小企業者（小規模企業者を除く）',
  LARGE: '大企業',
  NOT_APPLICABLE: '中小企業基本法の対象外の法人',
  UNKNOWN: '判定不能',
};

const SIZE_ITEM_LABELS: Readonly<Record<string, string>> = { industryCode: '業種', capitalYen: '資本金', employees: '従業員数' };

/** What a measure's hard criteria say about SME categories and みなし大企業. */
export interface SmeRequirement {
  /** categories no hard criterion excludes when only the category is known */
  readonly allowed: ReadonlySet<KnownSmeCategory>;
  /** true when a hard criterion excludes みなし大企業 outright */
  readonly excludesDeemedLarge: boolean;
}

/**
 * Reads a measure's SME requirement from its hard criteria: a category is excluded when some hard criterion is
 * false for a company known only by that category; みなし大企業 is excluded when some hard criterion is false for a
 * company known only to be deemed large.
 */
export function smeRequirementOf(criteria: readonly Criterion[]): SmeRequirement {
  const hard = criteria.filter((criterion) => criterion.hard);
  const excludedBy = (facts: CompanyFacts) => hard.some((criterion) => evaluateRule(criterion.rule, facts).value === false);
  const allowed = new Set<KnownSmeCategory>(SME_CATEGORY_ORDER.filter((category) => !excludedBy({ smeCategory: category })));
  return { allowed, excludesDeemedLarge: excludedBy({ deemedLarge: true }) };
}

/** True when the measure is for SMEs only (large companies excluded by a hard criterion). */
export function requiresSme(requirement: SmeRequirement): boolean {
  return !requirement.allowed.has('LARGE');
}

function allowedLabel(requirement: SmeRequirement): string {
  return SME_CATEGORY_ORDER.filter((category) => requirement.allowed.has(category)).map((category) => CATEGORY_LABELS[category]).join('・') || '（該当区分なし）';
}

// ---------------------------------------------------------------------------------------------
// Checks
// ---------------------------------------------------------------------------------------------

/**
 * 二重受給: prior receipts of the same measure inside the exclusion period (or ever, for a measure that cannot
 * be received twice and sets no period), and other SUBMITTED/ADOPTED applications of the same measure and round.
 * A receipt ends its exclusion on the day `exclusionMonths` calendar months after its date (that day is allowed).
 * A receipt without a date is reported when any exclusion applies, since it cannot be ruled out.
 */
export function checkDoubleReceipt(input: ApplicationCheckInput): CheckFlag[] {
  const { measure } = input;
  const flags: CheckFlag[] = [];
  const today = tokyoDateOf(input.at);
  const repeatable = measure.repeatable ?? isRepeatableKind(measure.kind);
  const reported = new Set<number>();

  // A platform adoption has a support record and an ADOPTED application: count it once (the record).
  const recordedApplications = new Set(input.receipts.filter((r) => r.kind === 'SUPPORT_RECORD' && r.applicationId !== null).map((r) => r.applicationId!));
  const receipts = input.receipts.filter((receipt) =>
    receipt.measureId === measure.id
    && (input.applicationId === null || receipt.applicationId !== input.applicationId)
    && !(receipt.kind === 'ADOPTED_APPLICATION' && recordedApplications.has(receipt.applicationId!)));

  for (const receipt of receipts) {
    const what = receipt.kind === 'SUPPORT_RECORD' ? '受給実績' : `採択済みの申請 #${receipt.applicationId}`;
    const when = receipt.on ? `${receipt.on} に` : '（受給日不明）';
    let rule: string | null = null;
    if (measure.exclusionMonths !== null) {
      if (receipt.on === null) rule = `受給日が不明のため、受給後${measure.exclusionMonths}か月の再申請制限に当たらないことを確認できません`;
      else {
        const allowedFrom = addMonths(receipt.on, measure.exclusionMonths);
        if (today < allowedFrom) rule = `この施策は受給後${measure.exclusionMonths}か月間（${allowedFrom} の前日まで）再度受けられません`;
      }
    } else if (!repeatable) {
      rule = 'この施策は同一の事業者が重ねて受けられません';
    }
    if (rule) {
      flags.push({ code: 'DOUBLE_RECEIPT', detail: `二重受給の可能性: ${when}「${receipt.title}」を受けています（${what}）。${rule}` });
      if (receipt.applicationId !== null) reported.add(receipt.applicationId);
    }
  }

  const roundLabel = (roundId: string | null) => (roundId === null ? '随時受付' : measure.rounds.find((round) => round.id === roundId)?.label ?? roundId);
  const sameRound = input.otherApplications.filter((other) =>
    other.id !== input.applicationId
    && other.measureId === measure.id
    && (other.status === 'SUBMITTED' || other.status === 'ADOPTED')
    && other.roundId === input.roundId
    && !(repeatable && input.roundId === null)
    && !reported.has(other.id));
  for (const other of sameRound) {
    flags.push({
      code: 'DOUBLE_RECEIPT',
      detail: `重複申請: 同じ施策「${measure.title}」の同じ公募回（${roundLabel(other.roundId)}）に申請 #${other.id}（${other.status === 'ADOPTED' ? '採択' : '提出済み'}）があります`,
    });
  }
  return flags;
}

/** The みなし大企業 reason lines of the classification (one per test that fired). */
function deemedLargeReasonLines(sme: SmeForChecks): string[] {
  return sme.reasons.filter((line) => /^みなし大企業\((\d|課税所得)\)/.test(line));
}

/** みなし大企業: the classification found a test met, and the measure is for SMEs or excludes みなし大企業. */
export function checkDeemedLarge(input: ApplicationCheckInput, requirement: SmeRequirement = smeRequirementOf(input.measure.criteria)): CheckFlag[] {
  const { sme } = input;
  if (!sme.deemedLarge) return [];
  if (!requirement.excludesDeemedLarge && !requiresSme(requirement)) return [];
  const lines = deemedLargeReasonLines(sme);
  const tests = sme.deemedLargeTests.join(', ');
  const why = lines.length ? lines.join('／') : `該当した基準: ${tests}`;
  return [{ code: 'DEEMED_LARGE', detail: `みなし大企業に該当します（${tests}）: ${why}。この施策はみなし大企業を対象外としています` }];
}

/**
 * SME status against the measure's requirement: NOT_SME (LARGE or NOT_APPLICABLE where the measure excludes it),
 * NOT_SMALL (a 中規模 company where only 小規模 may apply), SME_UNDETERMINED (UNKNOWN, and the categories it may
 * still turn out to be are not all allowed).
 */
export function checkSmeStatus(input: ApplicationCheckInput, requirement: SmeRequirement = smeRequirementOf(input.measure.criteria)): CheckFlag[] {
  const { sme } = input;
  const target = `この施策の対象: ${allowedLabel(requirement)}`;
  const sizeReasons = sme.reasons.filter((line) => !line.startsWith('みなし大企業')).join('／');
  switch (sme.category) {
    case 'LARGE':
    case 'NOT_APPLICABLE':
      if (requirement.allowed.has(sme.category)) return [];
      return [{ code: 'NOT_SME', detail: `中小企業者に該当しません（${CATEGORY_LABELS[sme.category]}）${sizeReasons ? `: ${sizeReasons}` : ''}。${target}` }];
    case 'MEDIUM':
      if (requirement.allowed.has('MEDIUM')) return [];
      return [{ code: 'NOT_SMALL', detail: `小規模企業者に該当しません（${CATEGORY_LABELS.MEDIUM}）${sizeReasons ? `: ${sizeReasons}` : ''}。${target}` }];
    case 'SMALL':
      return [];
    case 'UNKNOWN': {
      const possible: KnownSmeCategory[] = sme.isSme === true ? ['SMALL', 'MEDIUM'] : ['SMALL', 'MEDIUM', 'LARGE'];
      if (possible.every((category) => requirement.allowed.has(category))) return [];
      const missing = sme.missing.map((key) => `${SIZE_ITEM_LABELS[key] ?? key}（${key}）`).join('・');
      const question = sme.isSme === true ? '小規模企業者に該当するか' : '中小企業者に該当するか';
      return [{ code: 'SME_UNDETERMINED', detail: `${question}判定できません: ${missing || '判定に必要なデータ'}が未登録です。${target}` }];
    }
  }
}

const CLOSE_CAUSE_LABELS: Readonly<Record<string, string>> = {
  '01': '清算の結了等',
  '11': '合併による解散等',
  '21': '登記官による閉鎖',
  '31': 'その他の清算の結了等',
};

/** The registry shows the company closed: date, cause and successor when known. */
export function checkClosedCompany(input: ApplicationCheckInput): CheckFlag[] {
  const { company } = input;
  if (!company.closeDate) return [];
  const cause = company.closeCause ? `、事由: ${CLOSE_CAUSE_LABELS[company.closeCause] ?? company.closeCause}` : '';
  const successor = company.successorCorporateNumber ? `。承継先法人番号: ${company.successorCorporateNumber}` : '';
  return [{ code: 'CLOSED_COMPANY', detail: `登記記録が閉鎖されています（閉鎖日 ${company.closeDate}${cause}）${successor}` }];
}

/** Outside every round window of a measure that is not always open; names the nearest window. */
export function checkWindow(input: ApplicationCheckInput): CheckFlag[] {
  const { measure, at } = input;
  if (measure.alwaysOpen) return [];
  if (roundAt(measure.rounds, at)) return [];
  const when = `${formatTokyo(at)}（日本時間）`;
  const nearest = nearestRound(measure.rounds, at);
  if (!nearest) return [{ code: 'OUTSIDE_WINDOW', detail: `${when}は受付期間外です: この施策には受付期間が登録されていません` }];
  const side = nearest.acceptingFrom !== null && at.getTime() < nearest.acceptingFrom.getTime() ? '受付開始前' : '受付終了後';
  return [{ code: 'OUTSIDE_WINDOW', detail: `${when}はどの公募回の受付期間にも入っていません。最も近い公募回: ${describeWindow(nearest)}、${side}` }];
}

/** Runs every check, in a fixed order (double receipt, SME status, みなし大企業, closure, window). */
export function runChecks(input: ApplicationCheckInput): CheckFlag[] {
  const requirement = smeRequirementOf(input.measure.criteria);
  return [
    ...checkDoubleReceipt(input),
    ...checkSmeStatus(input, requirement),
    ...checkDeemedLarge(input, requirement),
    ...checkClosedCompany(input),
    ...checkWindow(input),
  ];
}

/**
 * Flags of a re-check (at decision) merged into the stored ones: stored flags stay as they were; a flag the
 * re-check finds that was not stored (same code and detail) is added with a note that it was found later.
 */
export function mergeRecheck(stored: readonly CheckFlag[], recheck: readonly CheckFlag[], note = '決定時の再判定で検出'): CheckFlag[] {
  const seen = new Set(stored.map((flag) => `${flag.code}\u0000${flag.detail}`));
  const added = recheck.filter((flag) => !seen.has(`${flag.code}\u0000${flag.detail}`)).map((flag) => ({ code: flag.code, detail: `${flag.detail}（${note}）` }));
  return [...stored, ...added];
}

// ---------------------------------------------------------------------------------------------
// The application form: answer values and required fields
// ---------------------------------------------------------------------------------------------

/** A field of a measure's form (catalogue FormField). */
export interface FormFieldSpec {
  readonly key: string;
  readonly label: string;
  readonly required: boolean;
  /** string | integer | yen | date | boolean | text | enum */
  readonly type: string;
  readonly options?: readonly string[];
  readonly multiple?: boolean;
}

/** The outcome of checking one answer: its normalised value, or the problem in words. */
export type AnswerCheck = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly problem: string };

/** Longest answer to a free-text question. */
export const MAX_TEXT_ANSWER = 20_000;
/** Longest one-line answer. */
export const MAX_STRING_ANSWER = 1_000;
const ANSWER_KEY = /^[A-Za-z][A-Za-z0-9_.-]{0,99}$/;

/** True when an answer holds a value (not null, blank text or an empty list). */
export function isAnswered(value: unknown): boolean {
  if (value === null || value === undefined) return false;
  if (typeof value === 'string') return value.trim().length > 0;
  if (Array.isArray(value)) return value.length > 0;
  return true;
}

function checkByFormType(field: FormFieldSpec, value: unknown): AnswerCheck {
  const fail = (problem: string): AnswerCheck => ({ ok: false, problem });
  switch (field.type) {
    case 'string':
    case 'text': {
      if (typeof value !== 'string') return fail(`must be text, got ${JSON.stringify(value)}`);
      const max = field.type === 'text' ? MAX_TEXT_ANSWER : MAX_STRING_ANSWER;
      if (value.length > max) return fail(`must be at most ${max} characters, got ${value.length}`);
      return { ok: true, value };
    }
    case 'integer':
    case 'yen':
      if (typeof value !== 'number' || !Number.isSafeInteger(value)) return fail(`must be a whole number${field.type === 'yen' ? ' of yen' : ''}, got ${JSON.stringify(value)}`);
      return { ok: true, value };
    case 'date':
      if (typeof value !== 'string' || !isIsoDate(value)) return fail(`must be a date written YYYY-MM-DD, got ${JSON.stringify(value)}`);
      return { ok: true, value };
    case 'boolean':
      if (typeof value !== 'boolean') return fail(`must be true or false, got ${JSON.stringify(value)}`);
      return { ok: true, value };
    case 'enum': {
      const options = field.options ?? [];
      const isOption = (v: unknown) => typeof v === 'string' && options.includes(v);
      if (field.multiple) {
        if (!Array.isArray(value) || !value.every(isOption)) return fail(`must be a list of choices among ${options.join(' / ')}`);
        if (new Set(value).size !== value.length) return fail('lists a choice twice');
        return { ok: true, value };
      }
      if (!isOption(value)) return fail(`must be one of ${options.join(' / ')}, got ${JSON.stringify(value)}`);
      return { ok: true, value };
    }
    default:
      return { ok: true, value };
  }
}

/**
 * Checks one answer. `null` clears an answer and is always accepted. A key that is a canonical data item is
 * checked against the item (its type, and normalised: a postal code with a hyphen becomes 7 digits, a JSIC code
 * canonical), since the answer becomes a fact at submission; other keys against the form field's type. A key the
 * form does not have is refused, unless the measure has no form at all (imported measures), where any well-formed
 * key is accepted.
 */
export function checkAnswer(fields: readonly FormFieldSpec[], key: string, value: unknown): AnswerCheck {
  if (!ANSWER_KEY.test(key)) return { ok: false, problem: 'is not a valid answer key (a letter, then letters, digits, _ . -; at most 100 characters)' };
  const field = fields.find((f) => f.key === key);
  if (!field && fields.length > 0) return { ok: false, problem: "is not a field of this measure's form" };
  if (value === null) return { ok: true, value: null };
  if (value === undefined) return { ok: false, problem: 'has no value' };
  if (dataItem(key)) {
    const checked = validateDataItem(key, value);
    return checked.ok ? { ok: true, value: checked.value } : { ok: false, problem: checked.problem };
  }
  return field ? checkByFormType(field, value) : { ok: true, value };
}

/** The required fields of the form without an answer, in form order. */
export function missingRequiredFields(fields: readonly FormFieldSpec[], answers: Readonly<Record<string, unknown>>): FormFieldSpec[] {
  return fields.filter((field) => field.required && !isAnswered(answers[field.key]));
}

/** Every answered key whose value does not pass {@link checkAnswer}, with the problem. */
export function invalidAnswers(fields: readonly FormFieldSpec[], answers: Readonly<Record<string, unknown>>): Array<{ key: string; problem: string }> {
  const problems: Array<{ key: string; problem: string }> = [];
  for (const [key, value] of Object.entries(answers)) {
    if (!isAnswered(value)) continue;
    const checked = checkAnswer(fields, key, value);
    if (!checked.ok) problems.push({ key, problem: checked.problem });
  }
  return problems;
}
