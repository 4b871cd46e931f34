import { describe, expect, it } from 'vitest';
import { buildCompanyFacts, canonicalCertificationNames, dataItemLabel, missingDataFor, type CompanyFactsSources } from './company-facts.js';
import { evaluateEligibility, type Criterion } from './criteria.js';

const AS_OF = new Date('2026-11-25T03:00:00Z');

function sources(overrides: Partial<CompanyFactsSources> = {}, facts: Record<string, unknown> = {}): CompanyFactsSources {
  return {
    company: {
      kind: 'KABUSHIKI_KAISHA', industryCode: 'E24', capitalYen: 10_000_000, employees: 8, establishedOn: '2015-06-01',
      prefectureCode: '13', closeDate: null,
    },
    currentFacts: new Map(Object.entries(facts)),
    certificationTitles: [],
    supportReceived: [],
    latestNetSalesYen: null,
    ...overrides,
  };
}

const independentOwnership = {
  majorShareholders: [{ name: '代表者', ratio: 1, isLargeEnterprise: false }],
  officersTotal: 2,
  officersFromLargeEnterprises: 0,
};

describe('buildCompanyFacts', () => {
  it('derives the SME category, みなし大企業 and years in business from the data items', () => {
    const { facts, missingInputs } = buildCompanyFacts(sources({}, independentOwnership), AS_OF);
    expect(facts).toMatchObject({
      smeCategory: 'SMALL', deemedLarge: false, industryCode: 'E24', employees: 8, capitalYen: 10_000_000,
      prefectureCode: '13', kind: 'KABUSHIKI_KAISHA', yearsInBusiness: 11, establishedOn: '2015-06-01', isClosed: false,
      certifications: [], supportReceived: [], averageTaxableIncomeYen: null, netSalesYen: null, needs: null,
    });
    expect(missingInputs).toEqual({});
  });

  it('prefers the current facts over the cached row columns', () => {
    const { facts } = buildCompanyFacts(sources({}, { employees: 250, capitalYen: 400_000_000, industryCode: 'E19' }), AS_OF);
    expect(facts).toMatchObject({ employees: 250, capitalYen: 400_000_000, industryCode: 'E19', smeCategory: 'MEDIUM' });
  });

  it('classifies a large enterprise as LARGE (and not みなし大企業: the tests only apply to SMEs)', () => {
    const { facts } = buildCompanyFacts(sources({}, { employees: 1200, capitalYen: 5_000_000_000 }), AS_OF);
    expect(facts.smeCategory).toBe('LARGE');
    expect(facts.deemedLarge).toBe(false);
  });

  it('leaves smeCategory missing and names the size item it waits for when employees are unknown', () => {
    const base = sources();
    const { facts, missingInputs } = buildCompanyFacts({ ...base, company: { ...base.company, employees: null } }, AS_OF);
    expect(facts.smeCategory).toBeNull();
    expect(missingInputs.smeCategory).toEqual(['employees']);
    expect(missingDataFor({ missingInputs }, ['smeCategory', 'ext.blueReturn', 'capitalYen'])).toEqual(['employees', 'blueReturn', 'capitalYen']);
  });

  it('leaves みなし大企業 undecided without shareholder and officer data, and sets it when a large company owns half', () => {
    const unknown = buildCompanyFacts(sources(), AS_OF);
    expect(unknown.facts.deemedLarge).toBeNull();
    expect(unknown.missingInputs.deemedLarge).toEqual(['majorShareholders', 'officersTotal']);
    const owned = buildCompanyFacts(sources({}, {
      majorShareholders: [{ name: '大手工業株式会社', ratio: 0.5, isLargeEnterprise: true }, { name: '代表者', ratio: 0.5, isLargeEnterprise: false }],
    }), AS_OF);
    expect(owned.facts.deemedLarge).toBe(true);
    expect(owned.sme.deemedLargeTests).toContain('SINGLE_LARGE_OWNER');
  });

  it('sets deemedLarge when the average taxable income exceeds 15億円, but does not wait for that figure', () => {
    expect(buildCompanyFacts(sources({}, { ...independentOwnership, averageTaxableIncomeYen: 1_600_000_000 }), AS_OF).facts.deemedLarge).toBe(true);
    expect(buildCompanyFacts(sources({}, { ...independentOwnership, averageTaxableIncomeYen: 1_500_000_000 }), AS_OF).facts.deemedLarge).toBe(false);
  });

  it('judges a sole proprietor on employees only, without shareholder tests', () => {
    const base = sources();
    const { facts } = buildCompanyFacts({ ...base, company: { ...base.company, kind: 'SOLE_PROPRIETOR', industryCode: 'I58', employees: 3 } }, AS_OF);
    expect(facts).toMatchObject({ smeCategory: 'SMALL', deemedLarge: false, kind: 'SOLE_PROPRIETOR' });
  });

  it('marks closed companies, reads needs, sales and other items as extensions', () => {
    const base = sources({ latestNetSalesYen: 80_000_000 }, { needs: ['販路拡大・海外展開をしたい'], blueReturn: true, salesDeclinePercent: 12, ...independentOwnership });
    const { facts } = buildCompanyFacts({ ...base, company: { ...base.company, closeDate: '2024-03-31' } }, AS_OF);
    expect(facts.isClosed).toBe(true);
    expect(facts.needs).toEqual(['販路拡大・海外展開をしたい']);
    expect(facts.netSalesYen).toBe(80_000_000);
    expect(facts.extensions).toMatchObject({ blueReturn: true, salesDeclinePercent: 12 });
    expect(facts.extensions).not.toHaveProperty('majorShareholders');
    expect(facts.extensions).toHaveProperty('officersTotal', 2);
    expect(buildCompanyFacts(sources({ latestNetSalesYen: 80_000_000 }, { netSalesYen: 90_000_000 }), AS_OF).facts.netSalesYen).toBe(90_000_000);
  });

  it('lists certifications by canonical name and support by measure id', () => {
    const { facts } = buildCompanyFacts(sources({
      certificationTitles: ['経営革新計画の承認', '連携事業継続力強化計画の認定', 'ＳＥＣＵＲＩＴＹ　ＡＣＴＩＯＮ 二つ星', '地域未来牽引企業'],
      supportReceived: [{ measureId: 'jizokuka-ippan', title: '小規模事業者持続化補助金' }, { measureId: null, title: '県の補助金' }],
    }), AS_OF);
    expect(facts.certifications).toEqual(['経営革新計画', '連携事業継続力強化計画', 'SECURITY ACTION', '地域未来牽引企業']);
    expect(facts.supportReceived).toEqual(['jizokuka-ippan', '県の補助金']);
  });

  it('feeds the rule engine: a small firm passes, a missing item makes the verdict UNKNOWN', () => {
    const criteria: Criterion[] = [
      { id: 't.small', description: '小規模事業者であること', hard: true, rule: { item: 'smeCategory', in: ['SMALL'] } },
      { id: 't.not-deemed', description: 'みなし大企業でないこと', hard: true, rule: { item: 'deemedLarge', eq: false } },
    ];
    expect(evaluateEligibility(criteria, buildCompanyFacts(sources({}, independentOwnership), AS_OF).facts).verdict).toBe('ELIGIBLE');
    expect(evaluateEligibility(criteria, buildCompanyFacts(sources(), AS_OF).facts).verdict).toBe('UNKNOWN');
  });
});

describe('canonicalCertificationNames', () => {
  it('keeps only the most specific canonical name and unmatched titles as written', () => {
    expect(canonicalCertificationNames(['事業継続力強化計画認定', '先端設備等導入計画', 'ISO9001'])).toEqual(['事業継続力強化計画', '先端設備等導入計画', 'ISO9001']);
  });
});

describe('dataItemLabel', () => {
  it('labels canonical keys in Japanese and falls back to the key', () => {
    expect(dataItemLabel('employees')).toBe('従業員数');
    expect(dataItemLabel('blueReturn')).toBe('青色申告');
    expect(dataItemLabel('somethingElse')).toBe('somethingElse');
  });
});
