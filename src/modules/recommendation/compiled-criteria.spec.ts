import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { companyFactsArbitrary } from '../../../tests/fixtures/recommendation/arbitraries.js';
import { loadCatalogue } from '../measure/catalogue.js';
import { evaluateRule, parseRule, type Rule } from '../measure/criteria.js';
import { compileRule, FALSE, TRUE, UNKNOWN } from './compiled-criteria.js';

const asTruth = (value: boolean | null) => (value === null ? UNKNOWN : value ? TRUE : FALSE);

/** Rules beyond the catalogue's: every operator, extension items of each type, nesting with not. */
const EXTRA_RULES: Rule[] = [
  { item: 'ext.exporting', in: ['a', 'b'] },
  { item: 'ext.salesDeclinePercent', gte: 20 },
  { item: 'ext.successorPlanned', ne: true },
  { item: 'ext.acquirer', eq: 'yes' },
  { item: 'ext.blueReturn', lt: '2025-01-01' },
  { item: 'ext.seller', contains: 'b' },
  { item: 'establishedOn', gte: '2019-04-01' },
  { item: 'industryCode', prefixIn: ['E', 'G39'] },
  { item: 'prefectureCode', in: ['13', '27'] },
  { item: 'needs', contains: '新たな事業を行いたい' },
  { not: { any: [{ item: 'employees', gt: 20 }, { all: [{ item: 'capitalYen', lte: 50_000_000 }, { not: { item: 'kind', eq: 'SOLE_PROPRIETOR' } }] }] } },
].map((rule) => parseRule(rule));

const catalogueRules = loadCatalogue().measures.flatMap((measure) => measure.criteria.map((criterion) => criterion.rule));

describe('compiled criteria', () => {
  it('agree with evaluateRule on random facts for every criterion of the catalogue and every operator', () => {
    const rules = [...catalogueRules, ...EXTRA_RULES];
    const compiled = rules.map(compileRule);
    fc.assert(fc.property(companyFactsArbitrary, (facts) => {
      rules.forEach((rule, index) => {
        expect(compiled[index]!(facts), JSON.stringify(rule)).toBe(asTruth(evaluateRule(rule, facts).value));
      });
    }), { numRuns: 400 });
  });

  it('follow Kleene logic: unknown AND false is false, unknown OR true is true', () => {
    const rule = parseRule({ all: [{ item: 'employees', lte: 5 }, { any: [{ item: 'capitalYen', lte: 1 }, { item: 'kind', eq: 'KABUSHIKI_KAISHA' }] }] });
    const test = compileRule(rule);
    expect(test({ employees: 9 })).toBe(FALSE);
    expect(test({ employees: 3, kind: 'KABUSHIKI_KAISHA' })).toBe(TRUE);
    expect(test({ employees: 3 })).toBe(UNKNOWN);
    expect(test({ employees: 3, smeCategory: 'UNKNOWN', kind: 'GODO_KAISHA' })).toBe(UNKNOWN);
  });
});
