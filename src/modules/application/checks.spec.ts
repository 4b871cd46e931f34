import { describe, expect, it } from 'vitest';
import { classifySme } from '../company/sme-classification.js';
import type { Criterion } from '../measure/criteria.js';
import {
  addMonths, checkAnswer, checkClosedCompany, invalidAnswers, isAnswered, missingRequiredFields, type FormFieldSpec, checkDeemedLarge, checkDoubleReceipt, checkSmeStatus, checkWindow, formatTokyo, isRepeatableKind,
  mergeRecheck, nearestRound, requiresSme, roundAt, runChecks, smeRequirementOf, type ApplicationCheckInput, type MeasureForChecks,
  type PriorReceipt, type RoundWindow, type SmeForChecks,
} from './checks.js';

const SME_ONLY: Criterion = { id: 'm.sme', description: '中小企業者であること', hard: true, rule: { item: 'smeCategory', in: ['SMALL', 'MEDIUM'] } };
const SMALL_ONLY: Criterion = { id: 'm.small', description: '小規模事業者であること', hard: true, rule: { item: 'smeCategory', in: ['SMALL'] } };
const NOT_DEEMED: Criterion = { id: 'm.not-deemed', description: 'みなし大企業でないこと', hard: true, rule: { item: 'deemedLarge', eq: false } };
const SME_OR_MEDICAL: Criterion = {
  id: 'm.it-target', description: '中小企業者、または従業員300人以下の医療法人等', hard: true,
  rule: { any: [{ item: 'smeCategory', in: ['SMALL', 'MEDIUM'] }, { all: [{ item: 'kind', eq: 'OTHER_REGISTERED' }, { item: 'employees', lte: 300 }] }] },
};
const SOFT_SME: Criterion = { ...SME_ONLY, id: 'm.soft', hard: false };

const at = (iso: string) => new Date(iso);
const round = (id: string, label: string, from: string | null, until: string | null): RoundWindow => ({
  id, label, acceptingFrom: from ? at(from) : null, acceptingUntil: until ? at(until) : null,
});

const ROUNDS = [
  round('r17', '第17回', '2025-05-01T00:00:00+09:00', '2025-06-13T17:00:00+09:00'),
  round('r18', '第18回', '2025-10-03T00:00:00+09:00', '2025-11-28T17:00:00+09:00'),
];

const measure = (over: Partial<MeasureForChecks> = {}): MeasureForChecks => ({
  id: 'jizokuka', title: '小規模事業者持続化補助金', kind: 'SUBSIDY', alwaysOpen: false, exclusionMonths: 12,
  criteria: [SME_ONLY, NOT_DEEMED], rounds: ROUNDS, ...over,
});

const SMALL_SME: SmeForChecks = { category: 'SMALL', deemedLarge: false, deemedLargeTests: [], missing: [], isSme: true, reasons: ['従業員3人 ≤ 5人: 小規模企業者'] };

function input(over: Partial<ApplicationCheckInput> = {}): ApplicationCheckInput {
  return {
    at: at('2025-05-20T10:00:00+09:00'),
    applicationId: 100,
    roundId: 'r17',
    measure: measure(),
    company: { closeDate: null, closeCause: null, successorCorporateNumber: null },
    sme: SMALL_SME,
    receipts: [],
    otherApplications: [],
    ...over,
  };
}

const receipt = (on: string | null, over: Partial<PriorReceipt> = {}): PriorReceipt => ({
  kind: 'SUPPORT_RECORD', measureId: 'jizokuka', title: '小規模事業者持続化補助金', on, applicationId: null, ...over,
});

describe('helpers', () => {
  it('adds calendar months, clamping to the end of the month', () => {
    expect(addMonths('2024-05-20', 12)).toBe('2025-05-20');
    expect(addMonths('2025-01-31', 1)).toBe('2025-02-28');
    expect(addMonths('2024-02-29', 12)).toBe('2025-02-28');
    expect(addMonths('2024-12-15', 3)).toBe('2025-03-15');
    expect(addMonths('2025-03-31', -1)).toBe('2025-02-28');
    expect(() => addMonths('2025-1-1', 1)).toThrow(RangeError);
  });

  it('formats instants in Japan time', () => {
    expect(formatTokyo(at('2025-06-13T08:00:00Z'))).toBe('2025-06-13 17:00');
  });

  it('finds the open round with inclusive bounds and the nearest one otherwise', () => {
    expect(roundAt(ROUNDS, at('2025-05-01T00:00:00+09:00'))?.id).toBe('r17');
    expect(roundAt(ROUNDS, at('2025-06-13T17:00:00+09:00'))?.id).toBe('r17');
    expect(roundAt(ROUNDS, at('2025-06-13T17:00:01+09:00'))).toBeNull();
    expect(nearestRound(ROUNDS, at('2025-07-01T00:00:00+09:00'))?.id).toBe('r17');
    expect(nearestRound(ROUNDS, at('2025-09-30T00:00:00+09:00'))?.id).toBe('r18');
    expect(nearestRound([], at('2025-09-30T00:00:00+09:00'))).toBeNull();
    const openEnded = round('open', '通年', '2020-04-01T00:00:00+09:00', null);
    expect(roundAt([openEnded], at('2030-01-01T00:00:00Z'))?.id).toBe('open');
    // a window without any bound says nothing: it contains no instant and is never nearer than a dated one
    const undated = round('undated', '日程未定', null, null);
    expect(roundAt([undated], at('2030-01-01T00:00:00Z'))).toBeNull();
    expect(nearestRound([undated, ...ROUNDS], at('2025-07-01T00:00:00+09:00'))?.id).toBe('r17');
    expect(nearestRound([undated], at('2025-07-01T00:00:00+09:00'))?.id).toBe('undated');
    expect(checkWindow(input({ measure: measure({ rounds: [undated] }) }))[0].detail).toContain('日程未定（開始日未定〜終了日未定）');
  });

  it('prefers the upcoming round when two are equally near', () => {
    const a = round('a', 'A', '2025-01-01T00:00:00Z', '2025-01-10T00:00:00Z');
    const b = round('b', 'B', '2025-01-20T00:00:00Z', '2025-01-30T00:00:00Z');
    expect(nearestRound([a, b], at('2025-01-15T00:00:00Z'))?.id).toBe('b');
  });

  it('reads the SME requirement from hard criteria only', () => {
    const smeOnly = smeRequirementOf([SME_ONLY, NOT_DEEMED]);
    expect([...smeOnly.allowed]).toEqual(['SMALL', 'MEDIUM']);
    expect(smeOnly.excludesDeemedLarge).toBe(true);
    expect(requiresSme(smeOnly)).toBe(true);
    expect([...smeRequirementOf([SMALL_ONLY]).allowed]).toEqual(['SMALL']);
    // another way in (医療法人等) keeps large companies possible: eligibility decides, not the flag
    expect(requiresSme(smeRequirementOf([SME_OR_MEDICAL]))).toBe(false);
    expect(requiresSme(smeRequirementOf([SOFT_SME]))).toBe(false);
    expect(smeRequirementOf([]).excludesDeemedLarge).toBe(false);
  });

  it('treats subsidies and 共済 as once-only and loans, consulting, tax measures as repeatable', () => {
    expect(isRepeatableKind('SUBSIDY')).toBe(false);
    expect(isRepeatableKind('MUTUAL_AID')).toBe(false);
    for (const kind of ['LOAN', 'GUARANTEE', 'TAX', 'CERTIFICATION', 'CONSULTING', 'TRAINING', 'FUND']) expect(isRepeatableKind(kind)).toBe(true);
  });
});

describe('DOUBLE_RECEIPT', () => {
  it('flags a receipt of the same measure until the day the exclusion period ends', () => {
    // received 2024-05-20, 12 months → allowed again from 2025-05-20 (Tokyo date)
    const dayBefore = input({ at: at('2025-05-19T23:59:59+09:00'), receipts: [receipt('2024-05-20')] });
    const flags = checkDoubleReceipt(dayBefore);
    expect(flags).toHaveLength(1);
    expect(flags[0].code).toBe('DOUBLE_RECEIPT');
    expect(flags[0].detail).toContain('2024-05-20');
    expect(flags[0].detail).toContain('12か月');
    expect(checkDoubleReceipt(input({ at: at('2025-05-20T00:00:00+09:00'), receipts: [receipt('2024-05-20')] }))).toEqual([]);
    // 2025-05-19T15:00Z is already 2025-05-20 in Tokyo
    expect(checkDoubleReceipt(input({ at: at('2025-05-19T15:00:00Z'), receipts: [receipt('2024-05-20')] }))).toEqual([]);
  });

  it('ignores receipts of other measures', () => {
    expect(checkDoubleReceipt(input({ receipts: [receipt('2025-01-01', { measureId: 'monodukuri' }), receipt('2025-01-01', { measureId: null })] }))).toEqual([]);
  });

  it('counts an ADOPTED application as a receipt, once when it also has a support record', () => {
    const adopted = receipt('2025-02-01', { kind: 'ADOPTED_APPLICATION', applicationId: 7 });
    expect(checkDoubleReceipt(input({ receipts: [adopted] }))).toHaveLength(1);
    expect(checkDoubleReceipt(input({ receipts: [adopted, receipt('2025-02-01', { applicationId: 7 })] }))).toHaveLength(1);
  });

  it('never counts the application itself', () => {
    expect(checkDoubleReceipt(input({ applicationId: 7, receipts: [receipt('2025-05-20', { applicationId: 7 })] }))).toEqual([]);
  });

  it('without an exclusion period: flags once-only measures at any time, never repeatable ones', () => {
    const old = [receipt('2010-04-01')];
    expect(checkDoubleReceipt(input({ measure: measure({ exclusionMonths: null }), receipts: old }))).toHaveLength(1);
    expect(checkDoubleReceipt(input({ measure: measure({ exclusionMonths: null, kind: 'LOAN' }), receipts: old }))).toEqual([]);
    expect(checkDoubleReceipt(input({ measure: measure({ exclusionMonths: null, repeatable: true }), receipts: old }))).toEqual([]);
    expect(checkDoubleReceipt(input({ measure: measure({ exclusionMonths: null, kind: 'LOAN', repeatable: false }), receipts: old }))).toHaveLength(1);
  });

  it('flags a receipt without a date when an exclusion period applies', () => {
    const flags = checkDoubleReceipt(input({ receipts: [receipt(null)] }));
    expect(flags).toHaveLength(1);
    expect(flags[0].detail).toContain('受給日が不明');
  });

  it('flags another SUBMITTED or ADOPTED application of the same measure and round', () => {
    const other = (id: number, status: string, roundId: string | null = 'r17', measureId = 'jizokuka') => ({ id, measureId, roundId, status });
    const flags = checkDoubleReceipt(input({ otherApplications: [other(1, 'SUBMITTED'), other(2, 'DRAFT'), other(3, 'WITHDRAWN'), other(4, 'REJECTED'), other(5, 'SUBMITTED', 'r18'), other(6, 'SUBMITTED', 'r17', 'monodukuri')] }));
    expect(flags).toHaveLength(1);
    expect(flags[0].detail).toContain('#1');
    expect(flags[0].detail).toContain('第17回');
    expect(checkDoubleReceipt(input({ otherApplications: [other(100, 'SUBMITTED')] }))).toEqual([]);
  });

  it('reports an adopted application in the same round once (as a receipt)', () => {
    const adopted = receipt('2025-05-10', { kind: 'ADOPTED_APPLICATION', applicationId: 9 });
    const flags = checkDoubleReceipt(input({ receipts: [adopted], otherApplications: [{ id: 9, measureId: 'jizokuka', roundId: 'r17', status: 'ADOPTED' }] }));
    expect(flags).toHaveLength(1);
  });

  it('does not treat parallel applications to an always-open repeatable measure as duplicates', () => {
    const loan = measure({ kind: 'LOAN', alwaysOpen: true, rounds: [], exclusionMonths: null });
    expect(checkDoubleReceipt(input({ measure: loan, roundId: null, otherApplications: [{ id: 1, measureId: 'jizokuka', roundId: null, status: 'SUBMITTED' }] }))).toEqual([]);
  });
});

describe('DEEMED_LARGE, NOT_SME, NOT_SMALL, SME_UNDETERMINED', () => {
  const deemed = classifySme({
    kind: 'KABUSHIKI_KAISHA', industryCode: 'E24', capitalYen: 50_000_000, employees: 40,
    majorShareholders: [{ name: '大手重工株式会社', ratio: 0.5, isLargeEnterprise: true }], officersTotal: 4, officersFromLargeEnterprises: 0, averageTaxableIncomeYen: 10_000_000,
  });
  const justBelow = classifySme({
    kind: 'KABUSHIKI_KAISHA', industryCode: 'E24', capitalYen: 50_000_000, employees: 40,
    majorShareholders: [{ name: '大手重工株式会社', ratio: 0.4999, isLargeEnterprise: true }], officersTotal: 4, officersFromLargeEnterprises: 0, averageTaxableIncomeYen: 10_000_000,
  });
  const large = classifySme({ kind: 'KABUSHIKI_KAISHA', industryCode: 'E24', capitalYen: 300_000_001, employees: 301 });
  const atLimit = classifySme({ kind: 'KABUSHIKI_KAISHA', industryCode: 'E24', capitalYen: 300_000_000, employees: 301 });
  const publicBody = classifySme({ kind: 'LOCAL_GOVERNMENT', industryCode: 'S', capitalYen: null, employees: null });
  const unknownSize = classifySme({ kind: 'KABUSHIKI_KAISHA', industryCode: 'E24', capitalYen: 10_000_000, employees: null });
  const unknownAll = classifySme({ kind: 'KABUSHIKI_KAISHA', industryCode: null, capitalYen: null, employees: null });

  it('flags みなし大企業 at exactly 1/2 held by one large company, naming the test', () => {
    const flags = checkDeemedLarge(input({ sme: deemed }));
    expect(flags).toHaveLength(1);
    expect(flags[0].code).toBe('DEEMED_LARGE');
    expect(flags[0].detail).toContain('SINGLE_LARGE_OWNER');
    expect(flags[0].detail).toContain('大手重工株式会社');
    expect(checkDeemedLarge(input({ sme: justBelow }))).toEqual([]);
  });

  it('flags the taxable-income add-on above 15億円 only', () => {
    const over = classifySme({ kind: 'KABUSHIKI_KAISHA', industryCode: 'E24', capitalYen: 50_000_000, employees: 40, averageTaxableIncomeYen: 1_500_000_001 });
    const at15 = classifySme({ kind: 'KABUSHIKI_KAISHA', industryCode: 'E24', capitalYen: 50_000_000, employees: 40, averageTaxableIncomeYen: 1_500_000_000 });
    expect(checkDeemedLarge(input({ sme: over }))[0].detail).toContain('AVERAGE_TAXABLE_INCOME');
    expect(checkDeemedLarge(input({ sme: at15 }))).toEqual([]);
  });

  it('does not flag みなし大企業 for a measure open to every company', () => {
    expect(checkDeemedLarge(input({ sme: deemed, measure: measure({ criteria: [] }) }))).toEqual([]);
    // SME-only without an explicit みなし criterion still excludes them
    expect(checkDeemedLarge(input({ sme: deemed, measure: measure({ criteria: [SME_ONLY] }) }))).toHaveLength(1);
  });

  it('flags a LARGE company one yen and one employee over the limits, not one at the capital limit', () => {
    const flags = checkSmeStatus(input({ sme: large }));
    expect(flags).toHaveLength(1);
    expect(flags[0].code).toBe('NOT_SME');
    expect(flags[0].detail).toContain('大企業');
    expect(checkSmeStatus(input({ sme: atLimit }))).toEqual([]);
  });

  it('flags a public body (NOT_APPLICABLE) for an SME measure', () => {
    expect(checkSmeStatus(input({ sme: publicBody }))[0]).toMatchObject({ code: 'NOT_SME' });
  });

  it('does not flag NOT_SME when the measure does not require an SME', () => {
    expect(checkSmeStatus(input({ sme: large, measure: measure({ criteria: [SME_OR_MEDICAL] }) }))).toEqual([]);
    expect(checkSmeStatus(input({ sme: large, measure: measure({ criteria: [] }) }))).toEqual([]);
  });

  it('flags a 中規模 company applying where only 小規模 may (NOT_SMALL)', () => {
    expect(checkSmeStatus(input({ sme: atLimit, measure: measure({ criteria: [SMALL_ONLY] }) }))[0]).toMatchObject({ code: 'NOT_SMALL' });
    expect(checkSmeStatus(input({ sme: SMALL_SME, measure: measure({ criteria: [SMALL_ONLY] }) }))).toEqual([]);
  });

  it('says what is missing when the category is UNKNOWN and matters', () => {
    const flags = checkSmeStatus(input({ sme: unknownAll }));
    expect(flags).toHaveLength(1);
    expect(flags[0].code).toBe('SME_UNDETERMINED');
    expect(flags[0].detail).toContain('業種（industryCode）');
    expect(flags[0].detail).toContain('従業員数（employees）');
    // known to be an SME, only 小規模 is open: fine for an SME measure, undetermined for a 小規模 one
    expect(checkSmeStatus(input({ sme: unknownSize }))).toEqual([]);
    const small = checkSmeStatus(input({ sme: unknownSize, measure: measure({ criteria: [SMALL_ONLY] }) }));
    expect(small[0].code).toBe('SME_UNDETERMINED');
    expect(small[0].detail).toContain('小規模企業者に該当するか');
    expect(checkSmeStatus(input({ sme: unknownAll, measure: measure({ criteria: [] }) }))).toEqual([]);
  });
});

describe('CLOSED_COMPANY', () => {
  it('flags a closed company with date, cause and successor', () => {
    const flags = checkClosedCompany(input({ company: { closeDate: '2024-03-31', closeCause: '11', successorCorporateNumber: '1180301018771' } }));
    expect(flags).toEqual([{ code: 'CLOSED_COMPANY', detail: expect.stringContaining('2024-03-31') }]);
    expect(flags[0].detail).toContain('合併による解散等');
    expect(flags[0].detail).toContain('1180301018771');
    expect(checkClosedCompany(input({ company: { closeDate: '2024-03-31', closeCause: null, successorCorporateNumber: null } }))[0].detail).not.toContain('承継先');
  });

  it('does not flag an active company', () => {
    expect(checkClosedCompany(input())).toEqual([]);
  });
});

describe('OUTSIDE_WINDOW', () => {
  it('accepts the first and last instant of a round', () => {
    expect(checkWindow(input({ at: at('2025-05-01T00:00:00+09:00') }))).toEqual([]);
    expect(checkWindow(input({ at: at('2025-06-13T17:00:00+09:00') }))).toEqual([]);
  });

  it('flags one second before and after, naming the nearest window', () => {
    const before = checkWindow(input({ at: at('2025-04-30T23:59:59+09:00') }));
    expect(before).toHaveLength(1);
    expect(before[0].code).toBe('OUTSIDE_WINDOW');
    expect(before[0].detail).toContain('第17回（2025-05-01 00:00〜2025-06-13 17:00）');
    expect(before[0].detail).toContain('受付開始前');
    const after = checkWindow(input({ at: at('2025-06-13T17:00:01+09:00') }));
    expect(after[0].detail).toContain('第17回');
    expect(after[0].detail).toContain('受付終了後');
    expect(checkWindow(input({ at: at('2025-09-20T00:00:00+09:00') }))[0].detail).toContain('第18回');
  });

  it('never flags an always-open measure, and says so when a measure has no windows', () => {
    expect(checkWindow(input({ measure: measure({ alwaysOpen: true, rounds: [] }) }))).toEqual([]);
    expect(checkWindow(input({ measure: measure({ rounds: [] }) }))[0].detail).toContain('受付期間が登録されていません');
  });
});

describe('runChecks and mergeRecheck', () => {
  it('returns no flag for a clean application and every applicable flag otherwise, in a fixed order', () => {
    expect(runChecks(input())).toEqual([]);
    const everything = runChecks(input({
      at: at('2025-07-01T00:00:00+09:00'),
      sme: classifySme({ kind: 'KABUSHIKI_KAISHA', industryCode: 'E24', capitalYen: 500_000_000, employees: 900 }),
      company: { closeDate: '2025-06-30', closeCause: '01', successorCorporateNumber: null },
      receipts: [receipt('2025-01-10')],
    }));
    expect(everything.map((flag) => flag.code)).toEqual(['DOUBLE_RECEIPT', 'NOT_SME', 'CLOSED_COMPANY', 'OUTSIDE_WINDOW']);
  });

  it('keeps stored flags and adds only new ones, marked as found at decision', () => {
    const stored = [{ code: 'OUTSIDE_WINDOW', detail: 'x' }];
    const merged = mergeRecheck(stored, [{ code: 'OUTSIDE_WINDOW', detail: 'x' }, { code: 'CLOSED_COMPANY', detail: 'y' }]);
    expect(merged).toEqual([{ code: 'OUTSIDE_WINDOW', detail: 'x' }, { code: 'CLOSED_COMPANY', detail: 'y（決定時の再判定で検出）' }]);
  });
});

describe('form answers', () => {
  const FORM: FormFieldSpec[] = [
    { key: 'employees', label: '従業員数', required: true, type: 'integer' },
    { key: 'postalCode', label: '郵便番号', required: true, type: 'string' },
    { key: 'majorShareholders', label: '主要株主', required: false, type: 'text' },
    { key: 'businessPlanSummary', label: '経営計画の概要', required: true, type: 'text' },
    { key: 'damageType', label: '被害の種類', required: false, type: 'enum', options: ['地震', '水害'] },
    { key: 'fundUse', label: '資金使途', required: false, type: 'enum', options: ['運転資金', '設備資金'], multiple: true },
    { key: 'plannedClosingDate', label: '廃業予定日', required: false, type: 'date' },
    { key: 'gbizIdPrime', label: 'GビズID', required: false, type: 'boolean' },
    { key: 'plannedInvestmentYen', label: '投資予定額', required: false, type: 'yen' },
  ];

  it('treats null, blank text and empty lists as unanswered, zero and false as answered', () => {
    expect([null, undefined, '', '  ', []].map(isAnswered)).toEqual([false, false, false, false, false]);
    expect([0, false, 'a', ['x']].map(isAnswered)).toEqual([true, true, true, true]);
  });

  it('lists the required fields without an answer, in form order', () => {
    expect(missingRequiredFields(FORM, { employees: 0, businessPlanSummary: ' ' }).map((f) => f.key)).toEqual(['postalCode', 'businessPlanSummary']);
    expect(missingRequiredFields(FORM, { employees: 3, postalCode: '1000013', businessPlanSummary: '販路開拓' })).toEqual([]);
  });

  it('checks canonical data items against the item, normalising them', () => {
    expect(checkAnswer(FORM, 'postalCode', '100-0013')).toEqual({ ok: true, value: '1000013' });
    expect(checkAnswer(FORM, 'postalCode', '12').ok).toBe(false);
    expect(checkAnswer(FORM, 'employees', -1).ok).toBe(false);
    expect(checkAnswer(FORM, 'employees', 2.5).ok).toBe(false);
    // a JSON item even where the form says text
    expect(checkAnswer(FORM, 'majorShareholders', [{ name: '親会社', ratio: 0.6, isLargeEnterprise: true }]).ok).toBe(true);
  });

  it('checks other answers against the form type', () => {
    expect(checkAnswer(FORM, 'damageType', '地震').ok).toBe(true);
    expect(checkAnswer(FORM, 'damageType', '火災').ok).toBe(false);
    expect(checkAnswer(FORM, 'fundUse', ['運転資金', '設備資金']).ok).toBe(true);
    expect(checkAnswer(FORM, 'fundUse', ['運転資金', '運転資金']).ok).toBe(false);
    expect(checkAnswer(FORM, 'fundUse', '運転資金').ok).toBe(false);
    expect(checkAnswer(FORM, 'plannedClosingDate', '2026-02-30').ok).toBe(false);
    expect(checkAnswer(FORM, 'plannedClosingDate', '2026-02-28').ok).toBe(true);
    expect(checkAnswer(FORM, 'gbizIdPrime', 'yes').ok).toBe(false);
    expect(checkAnswer(FORM, 'plannedInvestmentYen', 1.5).ok).toBe(false);
    expect(checkAnswer(FORM, 'businessPlanSummary', 'x'.repeat(20_001)).ok).toBe(false);
  });

  it('accepts null (clearing an answer) and refuses keys the form does not have', () => {
    expect(checkAnswer(FORM, 'employees', null)).toEqual({ ok: true, value: null });
    expect(checkAnswer(FORM, 'favouriteColour', 'blue')).toMatchObject({ ok: false, problem: expect.stringContaining('not a field') });
    expect(checkAnswer(FORM, '', 'x').ok).toBe(false);
    // an imported measure without a form takes any well-formed key
    expect(checkAnswer([], 'anything', 'x').ok).toBe(true);
    expect(checkAnswer([], 'bad key', 'x').ok).toBe(false);
  });

  it('lists every invalid answered value', () => {
    expect(invalidAnswers(FORM, { employees: 'many', postalCode: null, damageType: '火災', gbizIdPrime: true }).map((p) => p.key)).toEqual(['employees', 'damageType']);
  });
});
