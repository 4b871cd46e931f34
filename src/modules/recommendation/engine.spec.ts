import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { engineCompanyArbitrary, instantArbitrary } from '../../../tests/fixtures/recommendation/arbitraries.js';
import { GOLDEN_COMPANIES, GOLDEN_NOW } from '../../../tests/fixtures/recommendation/golden-companies.js';
import { isMeasureOpen, loadCatalogue, nextRound, type MeasureDefinition } from '../measure/catalogue.js';
import { evaluateEligibility, parseCriterion, type CompanyFacts } from '../measure/criteria.js';
import {
  addMonths, adoptionKey, explainMeasure, measureTimeState, prepareCatalogue, recommend,
  type EngineCompany, type EngineMeasure, type EngineRecommendation,
} from './engine.js';
import { loadRecommendationRules, type RecommendationRules, type ScoreKind } from './rules.js';

const RULES = loadRecommendationRules();
const CATALOGUE = loadCatalogue();
const NOW = new Date('2026-11-25T12:00:00+09:00');
const DAY = 86_400_000;

/** The committed rules with only the exclusion rules and the named score kinds. */
function rulesWith(...kinds: ScoreKind[]): RecommendationRules {
  return { ...RULES, rules: RULES.rules.filter((rule) => 'effect' in rule || kinds.includes(rule.kind as ScoreKind)) };
}

function measure(overrides: Partial<EngineMeasure> & { id?: string } = {}): EngineMeasure {
  return {
    id: 'm-test', title: 'テスト補助金', kind: 'SUBSIDY', targetPrefectures: [], industries: [], exclusionMonths: null,
    usePurposes: [], unlocks: [], alwaysOpen: true, rounds: [], criteria: [], ...overrides,
  };
}

const criterion = (json: object) => parseCriterion(json);

function company(facts: CompanyFacts = {}, history: Partial<Omit<EngineCompany, 'facts'>> = {}): EngineCompany {
  return { facts: { isClosed: false, ...facts }, received: [], applications: [], ...history };
}

function only(measures: EngineMeasure[], kinds: ScoreKind[], subject: EngineCompany, now = NOW): EngineRecommendation[] {
  return recommend(prepareCatalogue(measures, rulesWith(...kinds)), subject, { now });
}

function reasonsOf(measures: EngineMeasure[], kinds: ScoreKind[], subject: EngineCompany, now = NOW): string[] {
  const [first] = only(measures, kinds, subject, now);
  return first?.reasons ?? [];
}

const SMALL_ONLY = criterion({ id: 't.small', description: '小規模事業者であること', hard: true, rule: { item: 'smeCategory', in: ['SMALL'] } });
const SME = criterion({ id: 't.sme', description: '中小企業者であること', hard: true, rule: { item: 'smeCategory', in: ['SMALL', 'MEDIUM'] } });
const round = (id: string, from: Date, until: Date) => ({ id, label: `第${id}回`, acceptingFrom: from.toISOString(), acceptingUntil: until.toISOString() });

describe('each rule on its own', () => {
  it('ineligible: a measure whose hard criterion fails is never recommended', () => {
    const prepared = prepareCatalogue([measure({ criteria: [SMALL_ONLY] })], RULES);
    expect(recommend(prepared, company({ smeCategory: 'MEDIUM' }), { now: NOW })).toEqual([]);
    expect(explainMeasure(prepared, company({ smeCategory: 'MEDIUM' }), 'm-test', { now: NOW })).toEqual({ excluded: true, kind: 'hardCriteria', ruleId: 'ineligible' });
  });

  it('eligible: every hard criterion met adds its weight, naming how many were checked', () => {
    expect(reasonsOf([measure({ criteria: [SMALL_ONLY] })], ['eligible'], company({ smeCategory: 'SMALL' })))
      .toEqual(['[eligible] 必須要件（1項目）をすべて満たしています (+2)']);
    // a measure without hard criteria gets no eligibility line
    expect(reasonsOf([measure()], ['eligible'], company())).toEqual([]);
  });

  it('unknown-criteria: an undecided hard criterion lowers the score and names the missing data', () => {
    const [recommendation] = only([measure({ criteria: [SMALL_ONLY] })], ['unknownCriteria'], company({ smeCategory: null }));
    expect(recommendation).toMatchObject({
      verdict: 'UNKNOWN',
      score: -1,
      reasons: ['[unknown-criteria] 中小企業区分が未登録のため一部の要件を判定できません (-1)'],
      missingData: ['industryCode', 'capitalYen', 'employees', 'kind'],
    });
  });

  it('ranks UNKNOWN below ELIGIBLE of equal score, and breaks remaining ties by measure id', () => {
    const measures = [
      measure({ id: 'c-unknown', criteria: [SMALL_ONLY] }),
      measure({ id: 'b-eligible', criteria: [criterion({ id: 't.kind', description: '株式会社', hard: true, rule: { item: 'kind', eq: 'KABUSHIKI_KAISHA' } })] }),
      measure({ id: 'a-eligible', criteria: [criterion({ id: 't.kind2', description: '株式会社', hard: true, rule: { item: 'kind', eq: 'KABUSHIKI_KAISHA' } })] }),
    ];
    const result = only(measures, [], company({ kind: 'KABUSHIKI_KAISHA' }));
    expect(result.map((r) => [r.measureId, r.score, r.verdict])).toEqual([['a-eligible', 0, 'ELIGIBLE'], ['b-eligible', 0, 'ELIGIBLE'], ['c-unknown', 0, 'UNKNOWN']]);
  });

  it('soft-criteria: each passed soft criterion adds weight × its own weight; failed ones add nothing', () => {
    const soft = [
      criterion({ id: 't.export', description: '輸出に取り組んでいること', hard: false, weight: 3, rule: { item: 'ext.exporting', eq: true } }),
      criterion({ id: 't.bcp', description: '事業継続力強化計画の認定', hard: false, rule: { item: 'certifications', contains: '事業継続力強化計画' } }),
    ];
    expect(reasonsOf([measure({ criteria: soft })], ['softCriterion'], company({ extensions: { exporting: true }, certifications: [] })))
      .toEqual(['[soft-criteria] 加点要素: 輸出に取り組んでいること (+3)']);
  });

  it('need-match: one line per stated need the measure serves; need-mismatch when none is served', () => {
    const served = measure({ usePurposes: ['設備整備・IT導入をしたい', '新たな事業を行いたい'] });
    const needs = ['設備整備・IT導入をしたい', '新たな事業を行いたい', '人材育成を行いたい'];
    expect(reasonsOf([served], ['needMatch', 'needMismatch'], company({ needs })))
      .toEqual(['[need-match] 経営課題「設備整備・IT導入をしたい」に対応 (+3)', '[need-match] 経営課題「新たな事業を行いたい」に対応 (+3)']);
    expect(reasonsOf([served], ['needMatch', 'needMismatch'], company({ needs: ['人材育成を行いたい'] })))
      .toEqual(['[need-mismatch] 登録された経営課題（人材育成を行いたい）とは別分野の支援策です (-1)']);
    expect(reasonsOf([served], ['needMatch', 'needMismatch'], company({ needs: null }))).toEqual([]);
  });

  it('industry-fit and region-fit: only for measures limited to an industry or region the company is in', () => {
    const limited = measure({ industries: ['A', 'B'], targetPrefectures: ['15', '17'] });
    expect(reasonsOf([limited], ['industryFit', 'regionFit'], company({ industryCode: 'A01', prefectureCode: '17' })))
      .toEqual(['[industry-fit] 対象業種（農業，林業）に該当 (+1)', '[region-fit] 対象地域（石川県）に所在 (+1)']);
    expect(reasonsOf([measure()], ['industryFit', 'regionFit'], company({ industryCode: 'A01', prefectureCode: '17' }))).toEqual([]);
  });

  it('size-fit: more for a measure reserved to the company\'s size class than for one open to every SME', () => {
    expect(reasonsOf([measure({ criteria: [SMALL_ONLY] })], ['sizeFit'], company({ smeCategory: 'SMALL' }))).toEqual(['[size-fit] 小規模事業者向けの支援策 (+1.5)']);
    expect(reasonsOf([measure({ criteria: [SME] })], ['sizeFit'], company({ smeCategory: 'MEDIUM' }))).toEqual(['[size-fit] 中小企業向けの支援策 (+0.5)']);
    expect(reasonsOf([measure()], ['sizeFit'], company({ smeCategory: 'SMALL' }))).toEqual([]);
  });

  it('open-window and deadline-soon: an open round adds points, more as its deadline nears (by bucket)', () => {
    const closingIn = (days: number) => measure({ alwaysOpen: false, rounds: [round('20', new Date(NOW.getTime() - 30 * DAY), new Date(NOW.getTime() + days * DAY))] });
    expect(reasonsOf([closingIn(5)], ['openWindow', 'deadline'], company())).toEqual([
      '[open-window] 第20回を受付中（2026年11月30日締切） (+2)',
      '[deadline-soon] 締切まで残り5日 (+2)',
    ]);
    expect(reasonsOf([closingIn(7)], ['deadline'], company())).toEqual(['[deadline-soon] 締切まで残り7日 (+2)']);
    expect(reasonsOf([closingIn(8)], ['deadline'], company())).toEqual(['[deadline-soon] 締切まで残り8日 (+1)']);
    expect(reasonsOf([closingIn(31)], ['deadline'], company())).toEqual([]);
  });

  it('always-open: measures accepting applications at any time', () => {
    expect(reasonsOf([measure()], ['alwaysOpen'], company())).toEqual(['[always-open] 随時申込み・相談が可能 (+1)']);
  });

  it('upcoming-round: a round starting within the horizon is recommended, marked upcoming; later ones and past ones are closed', () => {
    const startingIn = (days: number) => measure({ alwaysOpen: false, rounds: [round('1', new Date('2025-01-01T00:00:00+09:00'), new Date('2025-02-01T00:00:00+09:00')), round('2', new Date(NOW.getTime() + days * DAY), new Date(NOW.getTime() + (days + 30) * DAY))] });
    const [soon] = only([startingIn(40)], ['upcomingRound', 'openWindow'], company());
    expect(soon).toMatchObject({ upcoming: true, score: 0.5, reasons: ['[upcoming-round] 第2回が2027年1月4日から受付予定 (+0.5)'] });
    const prepared = prepareCatalogue([startingIn(200)], RULES);
    expect(explainMeasure(prepared, company(), 'm-test', { now: NOW })).toMatchObject({ excluded: true, ruleId: 'closed-window' });
    const past = prepareCatalogue([measure({ alwaysOpen: false, rounds: [round('1', new Date('2025-01-01T00:00:00+09:00'), new Date('2025-02-01T00:00:00+09:00'))] })], RULES);
    expect(recommend(past, company(), { now: NOW })).toEqual([]);
  });

  it('received-within-exclusion: support received within the exclusion period excludes; after it, received-before lowers', () => {
    const twelve = [measure({ exclusionMonths: 12 })];
    const at = (on: string | null) => company({}, { received: [{ measureId: 'm-test', on }] });
    expect(only(twelve, ['receivedBefore'], at('2026-01-10'))).toEqual([]);
    expect(only(twelve, ['receivedBefore'], at(null))).toEqual([]);
    expect(reasonsOf(twelve, ['receivedBefore'], at('2025-11-24'))).toEqual(['[received-before] 2025年11月24日に受給済み（再申請の制限期間は経過） (-1)']);
    // exactly N months later the period is over
    expect(only(twelve, [], at('2025-11-25'), new Date('2026-11-25T00:00:00+09:00'))).toHaveLength(1);
    expect(only(twelve, [], at('2025-11-25'), new Date('2026-11-24T23:59:59+09:00'))).toEqual([]);
    // without a period of its own, the default period applies
    expect(only([measure()], [], at('2026-06-01'))).toEqual([]);
  });

  it('applied-within-exclusion: a draft, submitted or recently adopted application excludes; rejected or withdrawn ones do not', () => {
    const applied = (status: 'DRAFT' | 'SUBMITTED' | 'ADOPTED' | 'REJECTED' | 'WITHDRAWN', at = '2026-10-01T00:00:00+09:00') => company({}, { applications: [{ measureId: 'm-test', status, at }] });
    for (const status of ['DRAFT', 'SUBMITTED', 'ADOPTED'] as const) {
      expect(explainMeasure(prepareCatalogue([measure()], RULES), applied(status), 'm-test', { now: NOW })).toMatchObject({ excluded: true, ruleId: 'applied-within-exclusion' });
    }
    for (const status of ['REJECTED', 'WITHDRAWN'] as const) expect(only([measure()], [], applied(status))).toHaveLength(1);
    expect(only([measure({ exclusionMonths: 10 })], [], applied('ADOPTED', '2025-12-01T00:00:00+09:00'))).toHaveLength(1);
  });

  it('certification-unlock, unlocks-measures, already-certified: 経営力向上計画 opens the tax measure and finance', () => {
    const certification = measure({ id: 'keieiryoku-kojo', title: '経営力向上計画', kind: 'CERTIFICATION', unlocks: ['zei-keiei-kyoka', 'jfc-katsuryoku'] });
    const tax = measure({ id: 'zei-keiei-kyoka', title: '中小企業経営強化税制', kind: 'TAX' });
    const loan = measure({ id: 'jfc-katsuryoku', title: '企業活力強化資金', kind: 'LOAN' });
    const kinds: ScoreKind[] = ['certificationUnlock', 'unlocksMeasures', 'alreadyCertified'];
    const certified = only([certification, tax, loan], kinds, company({ certifications: ['経営力向上計画'] }));
    expect(certified.map((r) => [r.measureId, r.reasons])).toEqual([
      ['jfc-katsuryoku', ['[certification-unlock] 経営力向上計画の認定により利用可能 (+2)']],
      ['zei-keiei-kyoka', ['[certification-unlock] 経営力向上計画の認定により利用可能 (+2)']],
      ['keieiryoku-kojo', ['[already-certified] 経営力向上計画の認定は取得済みです (-3)']],
    ]);
    const uncertified = only([certification, tax, loan], kinds, company({ certifications: [] }));
    expect(uncertified[0]).toMatchObject({ measureId: 'keieiryoku-kojo', reasons: ['[unlocks-measures] 認定を受けると中小企業経営強化税制・企業活力強化資金も利用可能に (+1)'] });
  });

  it('similar-adoption: the adoption rate of the same industry and size, only with enough decided applications', () => {
    const facts = { industryCode: 'E24', smeCategory: 'SMALL' as const };
    const stats = new Map([[adoptionKey('m-test', 'E', 'SMALL'), { decided: 40, adopted: 26 }]]);
    const [recommendation] = recommend(prepareCatalogue([measure()], rulesWith('similarAdoption')), company(facts), { now: NOW, adoption: stats });
    expect(recommendation!.reasons).toEqual(['[similar-adoption] 同業種・同規模の企業の採択率65%（40件中26件） (+1.4)']);
    const few = new Map([[adoptionKey('m-test', 'E', 'SMALL'), { decided: 9, adopted: 9 }]]);
    expect(recommend(prepareCatalogue([measure()], rulesWith('similarAdoption')), company(facts), { now: NOW, adoption: few })[0]!.reasons).toEqual([]);
  });

  it('closed-company: nothing is recommended to a closed business', () => {
    expect(recommend(prepareCatalogue([measure()], RULES), company({ isClosed: true }), { now: NOW })).toEqual([]);
  });

  it('is deterministic whatever the catalogue order', () => {
    const prepared = prepareCatalogue(CATALOGUE.measures, RULES);
    const reversed = prepareCatalogue([...CATALOGUE.measures].reverse(), RULES);
    for (const subject of Object.values(GOLDEN_COMPANIES)) {
      expect(recommend(reversed, subject, { now: NOW })).toEqual(recommend(prepared, subject, { now: NOW }));
    }
  });

  it('changes a measure\'s time state only when its window or deadline bucket changes', () => {
    const prepared = prepareCatalogue(CATALOGUE.measures, RULES);
    const jizokuka = prepared.byId.get('jizokuka-ippan')!;
    expect(measureTimeState(prepared, jizokuka, new Date('2026-11-25T12:00:00+09:00'))).toBe('open:r20:1');
    expect(measureTimeState(prepared, jizokuka, new Date('2026-11-26T12:00:00+09:00'))).toBe('open:r20:1');
    expect(measureTimeState(prepared, jizokuka, new Date('2026-12-05T12:00:00+09:00'))).toBe('open:r20:0');
    expect(measureTimeState(prepared, jizokuka, new Date('2026-12-20T12:00:00+09:00'))).toBe('upcoming:r21');
    expect(measureTimeState(prepared, jizokuka, new Date('2027-06-15T12:00:00+09:00'))).toBe('closed');
  });
});

describe('golden: the committed catalogue and rules for a handful of companies', () => {
  const prepared = prepareCatalogue(CATALOGUE.measures, RULES);
  const top = (name: keyof typeof GOLDEN_COMPANIES, count = 3) => recommend(prepared, GOLDEN_COMPANIES[name]!, { now: GOLDEN_NOW, limit: count });

  it('a small metal works wanting equipment, holding 経営力向上計画: the finance it unlocks, then IT and ものづくり', () => {
    const result = top('smallFactory', 5);
    expect(result.map((r) => [r.measureId, r.score, r.verdict])).toEqual([
      ['jfc-katsuryoku', 12.5, 'ELIGIBLE'],
      ['it-donyu-denshi-torihiki', 11, 'ELIGIBLE'],
      ['hosho-keieiryoku', 10.5, 'ELIGIBLE'],
      ['monodukuri-kokafuka', 10.5, 'ELIGIBLE'],
      ['shinjigyo-shinshutsu', 10.5, 'ELIGIBLE'],
    ]);
    expect(result[0]!.reasons).toEqual([
      '[eligible] 必須要件（1項目）をすべて満たしています (+2)',
      '[soft-criteria] 加点要素: 経営力向上計画の認定等を受けていること（加点・優遇の対象） (+2)',
      '[soft-criteria] 加点要素: 支援ニーズが「設備整備・IT導入をしたい」のいずれかに合致すること (+2)',
      '[need-match] 経営課題「設備整備・IT導入をしたい」に対応 (+3)',
      '[size-fit] 中小企業向けの支援策 (+0.5)',
      '[always-open] 随時申込み・相談が可能 (+1)',
      '[certification-unlock] 経営力向上計画の認定により利用可能 (+2)',
    ]);
    expect(result[3]!.reasons).toContain('[deadline-soon] 締切まで残り10日 (+1)');
    // the tax measure the certification opens is recommended, the certification itself is marked as held
    const all = recommend(prepared, GOLDEN_COMPANIES.smallFactory!, { now: GOLDEN_NOW });
    expect(all.find((r) => r.measureId === 'zei-keiei-kyoka')!.reasons).toContain('[certification-unlock] 経営力向上計画の認定により利用可能 (+2)');
    expect(all.find((r) => r.measureId === 'keieiryoku-kojo')!.reasons).toContain('[already-certified] 経営力向上計画の認定は取得済みです (-3)');
  });

  it('a sole-proprietor shop wanting customers: 持続化補助金 first, for small businesses, closing in 17 days', () => {
    const result = top('soleShop');
    expect(result.map((r) => r.measureId)).toEqual(['jizokuka-ippan', 'monodukuri-global', 'smrj-seicho-fund']);
    expect(result[0]!.reasons).toEqual([
      '[eligible] 必須要件（6項目）をすべて満たしています (+2)',
      '[soft-criteria] 加点要素: 支援ニーズが「販路拡大・海外展開をしたい」「新たな事業を行いたい」のいずれかに合致すること (+2)',
      '[need-match] 経営課題「販路拡大・海外展開をしたい」に対応 (+3)',
      '[size-fit] 小規模事業者向けの支援策 (+1.5)',
      '[open-window] 第20回を受付中（2026年12月11日締切） (+2)',
      '[deadline-soon] 締切まで残り17日 (+1)',
    ]);
  });

  it('a medium software firm planning a new business and a succession: both needs count', () => {
    const result = top('softwareSuccession');
    expect(result.map((r) => r.measureId)).toEqual(['toshi-ikusei', 'monodukuri-kokafuka', 'shinjigyo-shinshutsu']);
    expect(result[0]!.reasons.filter((line) => line.startsWith('[need-match]'))).toEqual([
      '[need-match] 経営課題「事業を引き継ぎたい」に対応 (+3)',
      '[need-match] 経営課題「新たな事業を行いたい」に対応 (+3)',
    ]);
    // 小規模事業者 only: not for a medium firm
    expect(recommend(prepared, GOLDEN_COMPANIES.softwareSuccession!, { now: GOLDEN_NOW }).map((r) => r.measureId)).not.toContain('jizokuka-ippan');
  });

  it('a young company with no headcount on record: certain ones first, then UNKNOWN ones naming the data that would decide them', () => {
    const result = top('unknownSize', 5);
    expect(result.map((r) => [r.measureId, r.verdict])).toEqual([
      ['jfc-startup', 'ELIGIBLE'], ['kakekomi-dera', 'ELIGIBLE'], ['yorozu', 'ELIGIBLE'], ['hosho-sn4', 'UNKNOWN'], ['hosho-sn5', 'UNKNOWN'],
    ]);
    expect(result[3]).toMatchObject({
      missingData: ['industryCode', 'capitalYen', 'employees', 'kind', 'sn4DesignatedArea', 'salesDeclinePercent'],
      reasons: expect.arrayContaining(['[unknown-criteria] 中小企業区分・セーフティネット保証4号の指定地域内での事業・売上高等の減少率が未登録のため一部の要件を判定できません (-1)']),
    });
  });

  it('a salon that received 持続化 this year and is drafting an IT application: neither is recommended again', () => {
    const all = recommend(prepared, GOLDEN_COMPANIES.alreadySupported!, { now: GOLDEN_NOW });
    expect(all.map((r) => r.measureId)).not.toContain('jizokuka-ippan');
    expect(all.map((r) => r.measureId)).not.toContain('it-donyu-tsujo');
    expect(all.slice(0, 3).map((r) => r.measureId)).toEqual(['it-donyu-denshi-torihiki', 'it-donyu-invoice', 'it-donyu-security']);
    expect(all[0]!.reasons).toContain('[certification-unlock] SECURITY ACTIONの認定により利用可能 (+2)');
  });
});

describe('properties over random companies, histories and instants', () => {
  const prepared = prepareCatalogue(CATALOGUE.measures, RULES);
  const byId = new Map<string, MeasureDefinition>(CATALOGUE.measures.map((m) => [m.id, m]));
  const horizonMs = RULES.settings.upcomingHorizonDays * DAY;

  /** The end of an exclusion period, computed independently: N calendar months later in Japan (day clamped). */
  function exclusionEnds(on: string | Date, months: number): number {
    const text = typeof on === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(on) ? `${on}T00:00:00+09:00` : on;
    const start = new Date(text);
    const jst = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Tokyo', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }).formatToParts(start);
    const part = (type: string) => Number(jst.find((p) => p.type === type)!.value);
    const monthIndex = part('year') * 12 + (part('month') - 1) + months;
    const year = Math.floor(monthIndex / 12);
    const month = (monthIndex % 12) + 1;
    const lastDay = new Date(Date.UTC(year, month, 0)).getUTCDate();
    const pad = (n: number) => String(n).padStart(2, '0');
    return Date.parse(`${year}-${pad(month)}-${pad(Math.min(part('day'), lastDay))}T${pad(part('hour'))}:${pad(part('minute'))}:${pad(part('second'))}.${String(start.getTime() % 1000).padStart(3, '0')}+09:00`);
  }

  const arbitrary = fc.tuple(engineCompanyArbitrary([...byId.keys()]), instantArbitrary);

  it('never recommends an INELIGIBLE measure, and reports the verdict evaluateEligibility gives', () => {
    fc.assert(fc.property(arbitrary, ([subject, now]) => {
      for (const r of recommend(prepared, subject, { now })) {
        const reference = evaluateEligibility(byId.get(r.measureId)!.criteria, subject.facts);
        expect(reference.verdict).not.toBe('INELIGIBLE');
        expect(r.verdict).toBe(reference.verdict);
      }
    }), { numRuns: 300 });
  });

  it('never recommends a closed window: open now, or (marked upcoming) opening within the horizon', () => {
    fc.assert(fc.property(arbitrary, ([subject, now]) => {
      for (const r of recommend(prepared, subject, { now })) {
        const definition = byId.get(r.measureId)!;
        const open = isMeasureOpen(definition, now);
        const next = nextRound(definition, now);
        expect(r.upcoming).toBe(!open);
        if (!open) expect(next && Date.parse(next.acceptingFrom) - now.getTime() <= horizonMs).toBe(true);
      }
    }), { numRuns: 300 });
  });

  it('never recommends a measure received (or applied for) within its exclusion period', () => {
    fc.assert(fc.property(arbitrary, ([subject, now]) => {
      for (const r of recommend(prepared, subject, { now })) {
        const months = byId.get(r.measureId)!.exclusionMonths ?? RULES.settings.defaultExclusionMonths;
        for (const receipt of subject.received.filter((x) => x.measureId === r.measureId)) {
          expect(receipt.on).not.toBeNull();
          expect(now.getTime()).toBeGreaterThanOrEqual(exclusionEnds(receipt.on!, months));
        }
        for (const application of subject.applications.filter((x) => x.measureId === r.measureId && ['DRAFT', 'SUBMITTED', 'ADOPTED'].includes(x.status))) {
          expect(now.getTime()).toBeGreaterThanOrEqual(exclusionEnds(application.at, months));
        }
      }
    }), { numRuns: 300 });
  });

  it('orders best first (score, ELIGIBLE before UNKNOWN, id) and gives the same answer twice', () => {
    fc.assert(fc.property(arbitrary, ([subject, now]) => {
      const result = recommend(prepared, subject, { now });
      for (let i = 1; i < result.length; i++) {
        const [a, b] = [result[i - 1]!, result[i]!];
        const key = (r: EngineRecommendation) => [-r.score, r.verdict === 'ELIGIBLE' ? 0 : 1, r.measureId] as const;
        const [ka, kb] = [key(a), key(b)];
        expect(ka[0] < kb[0] || (ka[0] === kb[0] && (ka[1] < kb[1] || (ka[1] === kb[1] && ka[2] < kb[2])))).toBe(true);
      }
      expect(recommend(prepared, subject, { now })).toEqual(result);
    }), { numRuns: 150 });
  });

  it('reuses window states across nearby instants without changing any result', () => {
    const shared = prepareCatalogue(CATALOGUE.measures, RULES);
    const steps = fc.array(fc.integer({ min: 0, max: 3 * DAY }), { minLength: 2, maxLength: 6 });
    fc.assert(fc.property(engineCompanyArbitrary([...byId.keys()]), instantArbitrary, steps, (subject, start, offsets) => {
      let at = start.getTime();
      for (const offset of offsets) {
        at += offset;
        const now = new Date(at);
        const fresh = prepareCatalogue(CATALOGUE.measures, RULES);
        expect(recommend(shared, subject, { now })).toEqual(recommend(fresh, subject, { now }));
      }
    }), { numRuns: 40 });
  });

  it('sees a round close at its (inclusive) end even right after a cached instant', () => {
    const shared = prepareCatalogue(CATALOGUE.measures, RULES);
    const soleShop = GOLDEN_COMPANIES.soleShop!;
    const find = (at: string) => recommend(shared, soleShop, { now: new Date(at) }).find((r) => r.measureId === 'jizokuka-ippan');
    expect(find('2026-12-11T16:59:59.999+09:00')).toMatchObject({ upcoming: false });
    expect(find('2026-12-11T17:00:00.000+09:00')).toMatchObject({ upcoming: false });
    expect(find('2026-12-11T17:00:00.001+09:00')).toMatchObject({ upcoming: true, reasons: expect.arrayContaining(['[upcoming-round] 第21回が2027年3月5日から受付予定 (+0.5)']) });
  });

  it('adds months on the Japanese calendar, clamping to the end of the month', () => {
    expect(new Date(addMonths(Date.parse('2026-01-31T10:00:00+09:00'), 1)).toISOString()).toBe('2026-02-28T01:00:00.000Z');
    expect(new Date(addMonths(Date.parse('2025-12-31T23:30:00+09:00'), 12)).toISOString()).toBe('2026-12-31T14:30:00.000Z');
  });
});
