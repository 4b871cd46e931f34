import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import fc from 'fast-check';
import { PGlite } from '@electric-sql/pglite';
import {
  compileEligibilityToSql,
  compileRuleToSql,
  describeItemValue,
  evaluateCriterion,
  evaluateEligibility,
  evaluateRule,
  formatYen,
  missingDataKeys,
  parseCriterion,
  parseRule,
  RuleParseError,
  ruleItems,
  yearsInBusinessOn,
  type ColumnMap,
  type CompanyFacts,
  type Criterion,
  type Rule,
  type Truth,
} from './criteria.js';

const hardCriterion = (rule: Rule, description = '要件'): Criterion => ({ id: 'test.hard', description, hard: true, rule });

describe('leaf operators', () => {
  const facts: CompanyFacts = {
    employees: 12,
    capitalYen: 100_000_000,
    industryCode: 'E24',
    smeCategory: 'MEDIUM',
    deemedLarge: false,
    establishedOn: '2019-04-01',
    certifications: ['経営力向上計画', '事業継続力強化計画'],
    needs: [],
    extensions: { salesDeclinePercent: 25, blueReturn: true, tags: ['a', 'b'], region: 'north' },
  };
  const cases: [Rule, Truth][] = [
    [{ item: 'employees', eq: 12 }, true],
    [{ item: 'employees', ne: 12 }, false],
    [{ item: 'employees', gt: 12 }, false],
    [{ item: 'employees', gte: 12 }, true],
    [{ item: 'employees', lt: 13 }, true],
    [{ item: 'employees', lte: 11 }, false],
    [{ item: 'employees', in: [5, 12, 20] }, true],
    [{ item: 'capitalYen', lte: 300_000_000 }, true],
    [{ item: 'smeCategory', in: ['SMALL'] }, false],
    [{ item: 'smeCategory', in: ['SMALL', 'MEDIUM'] }, true],
    [{ item: 'industryCode', prefixIn: ['E', 'D'] }, true],
    [{ item: 'industryCode', prefixIn: ['E19', 'I'] }, false],
    [{ item: 'industryCode', eq: 'E24' }, true],
    [{ item: 'deemedLarge', eq: false }, true],
    [{ item: 'deemedLarge', ne: false }, false],
    [{ item: 'establishedOn', lte: '2019-04-01' }, true],
    [{ item: 'establishedOn', gt: '2019-04-01' }, false],
    [{ item: 'certifications', contains: '経営力向上計画' }, true],
    [{ item: 'certifications', contains: '経営革新計画' }, false],
    [{ item: 'certifications', in: ['経営革新計画', '事業継続力強化計画'] }, true],
    [{ item: 'needs', in: ['資金繰りを改善したい'] }, false],
    [{ item: 'ext.salesDeclinePercent', gte: 20 }, true],
    [{ item: 'ext.blueReturn', eq: true }, true],
    [{ item: 'ext.tags', contains: 'b' }, true],
    [{ item: 'ext.tags', in: ['c', 'a'] }, true],
    [{ item: 'ext.region', in: ['south', 'north'] }, true],
    [{ item: 'ext.notThere', eq: 1 }, null],
  ];
  it.each(cases)('%j → %s', (rule, expected) => {
    expect(evaluateRule(parseRule(rule), facts).value).toBe(expected);
  });

  it('treats smeCategory UNKNOWN as missing', () => {
    expect(evaluateRule({ item: 'smeCategory', in: ['SMALL'] }, { smeCategory: 'UNKNOWN' })).toEqual({ value: null, missing: ['smeCategory'] });
  });

  it('treats an extension value of the wrong type as missing', () => {
    expect(evaluateRule({ item: 'ext.salesDeclinePercent', gte: 5 }, { extensions: { salesDeclinePercent: '25' } })).toEqual({
      value: null,
      missing: ['ext.salesDeclinePercent'],
    });
  });

  it('treats an empty array as known (no overlap) and a null array as unknown', () => {
    expect(evaluateRule({ item: 'certifications', contains: 'x' }, { certifications: [] }).value).toBe(false);
    expect(evaluateRule({ item: 'certifications', contains: 'x' }, { certifications: null }).value).toBeNull();
  });
});

describe('Kleene logic', () => {
  // A leaf whose truth is t: true, false, or unknown (its item missing).
  const leaf = (name: string): Rule => ({ item: `ext.${name}`, eq: true });
  const factsFor = (a: Truth, b: Truth): CompanyFacts => ({ extensions: { a, b } });
  const values: Truth[] = [true, false, null];
  const kleeneAnd = (a: Truth, b: Truth): Truth => (a === false || b === false ? false : a === null || b === null ? null : true);
  const kleeneOr = (a: Truth, b: Truth): Truth => (a === true || b === true ? true : a === null || b === null ? null : false);
  const pairs = values.flatMap((a) => values.map((b) => [a, b] as const));

  it.each(pairs)('all(%s, %s)', (a, b) => {
    expect(evaluateRule({ all: [leaf('a'), leaf('b')] }, factsFor(a, b)).value).toBe(kleeneAnd(a, b));
  });
  it.each(pairs)('any(%s, %s)', (a, b) => {
    expect(evaluateRule({ any: [leaf('a'), leaf('b')] }, factsFor(a, b)).value).toBe(kleeneOr(a, b));
  });
  it.each(values)('not(%s)', (a) => {
    expect(evaluateRule({ not: leaf('a') }, factsFor(a, true)).value).toBe(a === null ? null : !a);
  });

  it('reports only the missing items that leave the result open', () => {
    const rule: Rule = { all: [{ item: 'employees', gte: 1 }, { item: 'capitalYen', lte: 300_000_000 }] };
    expect(evaluateRule(rule, {}).missing).toEqual(['employees', 'capitalYen']);
    expect(evaluateRule(rule, { employees: 5 }).missing).toEqual(['capitalYen']);
    // decided false by employees: capital no longer matters
    expect(evaluateRule(rule, { employees: 0 })).toEqual({ value: false, missing: [] });
    const either: Rule = { any: [{ item: 'employees', lte: 300 }, { item: 'capitalYen', lte: 300_000_000 }] };
    expect(evaluateRule(either, { capitalYen: 100_000_000 })).toEqual({ value: true, missing: [] });
    expect(evaluateRule(either, { capitalYen: 500_000_000 })).toEqual({ value: null, missing: ['employees'] });
    expect(evaluateRule({ not: either }, { capitalYen: 500_000_000 })).toEqual({ value: null, missing: ['employees'] });
  });
});

describe('evaluateCriterion details (Japanese)', () => {
  it('shows the value judged on when passed', () => {
    const result = evaluateCriterion(hardCriterion({ item: 'capitalYen', lte: 300_000_000 }, '製造業: 資本金3億円以下'), { capitalYen: 100_000_000 });
    expect(result).toEqual({ passed: true, detail: '製造業: 資本金3億円以下 — 資本金1億円', missing: [] });
  });

  it('says the requirement is not met when a hard criterion fails', () => {
    const result = evaluateCriterion(hardCriterion({ item: 'capitalYen', lte: 300_000_000 }, '資本金3億円以下'), { capitalYen: 500_000_000 });
    expect(result.passed).toBe(false);
    expect(result.detail).toBe('資本金3億円以下 — 資本金5億円のため要件を満たしません');
  });

  it('says "該当しません" for a failed soft criterion', () => {
    const soft: Criterion = { id: 'x.needs', description: '設備投資ニーズ', hard: false, weight: 2, rule: { item: 'needs', in: ['設備整備・IT導入をしたい'] } };
    expect(evaluateCriterion(soft, { needs: ['人材育成を行いたい'] }).detail).toBe('設備投資ニーズ — 支援ニーズ: 人材育成を行いたいのため該当しません');
  });

  it('names the unregistered items when unknown', () => {
    const result = evaluateCriterion(hardCriterion({ item: 'employees', gte: 1 }, '従業員1人以上'), { employees: null });
    expect(result).toEqual({ passed: null, detail: '従業員数が未登録のため判定できません（従業員1人以上）', missing: ['employees'] });
    const two = evaluateCriterion(hardCriterion({ all: [{ item: 'employees', gte: 1 }, { item: 'ext.salesDeclinePercent', gte: 5 }] }), {});
    expect(two.detail).toContain('従業員数・売上高等の減少率が未登録');
    expect(two.missing).toEqual(['employees', 'ext.salesDeclinePercent']);
  });

  it('lists every known value the rule reads', () => {
    const rule: Rule = { all: [{ item: 'prefectureCode', in: ['13'] }, { item: 'smeCategory', in: ['SMALL'] }, { item: 'kind', ne: 'LOCAL_GOVERNMENT' }] };
    const result = evaluateCriterion(hardCriterion(rule, '東京都の小規模企業者'), { prefectureCode: '13', smeCategory: 'SMALL', kind: 'GODO_KAISHA' });
    expect(result.detail).toBe('東京都の小規模企業者 — 所在都道府県: 東京都、中小企業区分: 小規模企業者、法人種別: 合同会社');
  });

  it('formats values by item', () => {
    expect(describeItemValue('employees', 1200)).toBe('従業員数1,200人');
    expect(describeItemValue('deemedLarge', true)).toBe('みなし大企業に該当');
    expect(describeItemValue('yearsInBusiness', 2.5)).toBe('事業年数2.5年');
    expect(describeItemValue('ext.minimumWageGapYen', 30)).toBe('事業場内最低賃金と地域別最低賃金の差額30円');
    expect(describeItemValue('ext.salesDeclinePercent', 25)).toBe('売上高等の減少率: 25%');
    expect(describeItemValue('ext.unlabelled', true)).toBe('unlabelled: あり');
    expect(describeItemValue('certifications', ['a', 'b', 'c', 'd', 'e', 'f', 'g'])).toBe('認定・承認等: a、b、c、d、e ほか2件');
    expect(describeItemValue('needs', [])).toBe('支援ニーズ: なし');
  });
});

describe('formatYen / yearsInBusinessOn / missingDataKeys / ruleItems', () => {
  it.each([
    [0, '0円'],
    [800, '800円'],
    [500_000, '50万円'],
    [50_000_000, '5,000万円'],
    [100_000_000, '1億円'],
    [1_500_000_000, '15億円'],
    [123_456_789, '1億2,345万6,789円'],
    [-2_000_000, '−200万円'],
  ])('formatYen(%d) = %s', (amount, text) => {
    expect(formatYen(amount)).toBe(text);
  });

  it('counts completed years', () => {
    expect(yearsInBusinessOn('2020-04-01', new Date('2026-03-31T12:00:00Z'))).toBe(5);
    expect(yearsInBusinessOn('2020-04-01', new Date('2026-04-01T12:00:00Z'))).toBe(6);
    expect(yearsInBusinessOn('2030-01-01', new Date('2026-04-01T12:00:00Z'))).toBe(0);
    expect(yearsInBusinessOn('2020-02-30', new Date('2026-04-01T12:00:00Z'))).toBeNull();
  });

  it('maps missing items to data item keys a user can fill in', () => {
    expect(missingDataKeys(['smeCategory', 'ext.salesDeclinePercent', 'employees', 'yearsInBusiness'])).toEqual([
      'industryCode',
      'capitalYen',
      'employees',
      'kind',
      'salesDeclinePercent',
      'establishedOn',
    ]);
  });

  it('lists items in order of first appearance', () => {
    expect(ruleItems({ any: [{ item: 'employees', gte: 1 }, { not: { item: 'capitalYen', gt: 1 } }, { item: 'employees', lte: 5 }] })).toEqual(['employees', 'capitalYen']);
  });
});

describe('evaluateEligibility', () => {
  const criteria: Criterion[] = [
    { id: 'm.sme', description: '中小企業者', hard: true, rule: { item: 'smeCategory', in: ['SMALL', 'MEDIUM'] } },
    { id: 'm.not-deemed-large', description: 'みなし大企業でない', hard: true, rule: { item: 'deemedLarge', eq: false } },
    { id: 'm.needs', description: '設備ニーズ', hard: false, weight: 3, rule: { item: 'needs', in: ['設備整備・IT導入をしたい'] } },
    { id: 'm.cert', description: '経営革新計画', hard: false, rule: { item: 'certifications', contains: '経営革新計画' } },
  ];

  it('is ELIGIBLE when every hard criterion passes, whatever the soft ones say', () => {
    const result = evaluateEligibility(criteria, { smeCategory: 'SMALL', deemedLarge: false, needs: [], certifications: ['経営革新計画'] });
    expect(result.verdict).toBe('ELIGIBLE');
    expect(result.checks.map((check) => check.passed)).toEqual([true, true, false, true]);
    expect(result.softScore).toBe(0.25);
    expect(result.missing).toEqual([]);
  });

  it('is INELIGIBLE when a hard criterion fails, even if another is unknown', () => {
    const result = evaluateEligibility(criteria, { smeCategory: 'LARGE' });
    expect(result.verdict).toBe('INELIGIBLE');
    expect(result.missing).toEqual([]);
  });

  it('is UNKNOWN when no hard criterion fails but one is undecided, and says what is missing', () => {
    const result = evaluateEligibility(criteria, { smeCategory: 'MEDIUM', needs: ['設備整備・IT導入をしたい'] });
    expect(result.verdict).toBe('UNKNOWN');
    expect(result.missing).toEqual(['deemedLarge']);
    expect(result.softScore).toBe(0.75);
  });

  it('is ELIGIBLE with no criteria at all', () => {
    expect(evaluateEligibility([], {})).toMatchObject({ verdict: 'ELIGIBLE', checks: [], softScore: 0 });
  });
});

describe('parseRule / parseCriterion errors name the path', () => {
  const cases: [unknown, string, string][] = [
    [null, 'rule', 'must be an object'],
    [[], 'rule', 'must be an object'],
    [{}, 'rule', 'empty rule'],
    [{ all: [] }, 'rule.all', 'non-empty array'],
    [{ all: [{ item: 'employees', gte: 1 }, { item: 'employes', gte: 1 }] }, 'rule.all[1].item', 'unknown item "employes"'],
    [{ item: 'employees', gte: '1' }, 'rule.gte', 'finite number'],
    [{ item: 'employees', gte: 1, lte: 5 }, 'rule', 'more than one operator'],
    [{ item: 'employees' }, 'rule', 'no operator'],
    [{ item: 'employees', gte: 1, foo: 2 }, 'rule', 'unknown key "foo"'],
    [{ item: 'capitalYen', contains: 'x' }, 'rule.contains', 'does not apply to number item'],
    [{ item: 'certifications', eq: 'x' }, 'rule.eq', 'does not apply to stringArray item'],
    [{ item: 'smeCategory', in: ['SMALL', 'TINY'] }, 'rule.in[1]', 'not a value of smeCategory'],
    [{ item: 'smeCategory', eq: 'UNKNOWN' }, 'rule.eq', 'not a value of smeCategory'],
    [{ item: 'industryCode', prefixIn: ['e'] }, 'rule.prefixIn[0]', 'not a valid industryCode'],
    [{ item: 'prefectureCode', in: ['48'] }, 'rule.in[0]', 'not a valid prefectureCode'],
    [{ item: 'establishedOn', gte: '2020-02-30' }, 'rule.gte', 'ISO date'],
    [{ item: 'employees', in: [1, 'a'] }, 'rule.in[1]', 'finite number'],
    [{ not: { any: [{ item: 'x', eq: 1 }] } }, 'rule.not.any[0].item', 'unknown item "x"'],
    [{ all: [{ item: 'employees', gte: 1 }], any: [] }, 'rule', 'exactly one'],
    [{ every: [] }, 'rule', 'unknown key "every"'],
    [{ item: 'ext.bad-key', eq: 1 }, 'rule.item', 'unknown item "ext.bad-key"'],
    [{ item: 'ext.flag', in: [true] }, 'rule.in', 'does not apply to boolean item'],
  ];
  it.each(cases)('%j → %s', (json, path, message) => {
    let error: unknown;
    try {
      parseRule(json);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(RuleParseError);
    expect((error as RuleParseError).path).toBe(path);
    expect((error as RuleParseError).message).toContain(message);
  });

  it('returns the typed rule unchanged when it is valid', () => {
    const json = { all: [{ item: 'smeCategory', in: ['SMALL'] }, { not: { item: 'industryCode', prefixIn: ['J'] } }, { item: 'ext.x', contains: 'y' }] };
    expect(parseRule(JSON.parse(JSON.stringify(json)))).toEqual(json);
  });

  const criterionCases: [unknown, string, string][] = [
    [{ id: 'Bad Id', description: 'x', hard: true, rule: { item: 'employees', gte: 1 } }, 'criterion.id', 'slug'],
    [{ id: 'a.b', description: ' ', hard: true, rule: { item: 'employees', gte: 1 } }, 'criterion.description', 'non-empty'],
    [{ id: 'a.b', description: 'x', hard: 'yes', rule: { item: 'employees', gte: 1 } }, 'criterion.hard', 'true or false'],
    [{ id: 'a.b', description: 'x', hard: true, weight: 2, rule: { item: 'employees', gte: 1 } }, 'criterion.weight', 'only soft'],
    [{ id: 'a.b', description: 'x', hard: false, weight: 0, rule: { item: 'employees', gte: 1 } }, 'criterion.weight', 'positive'],
    [{ id: 'a.b', description: 'x', hard: false, rule: { item: 'employees' } }, 'criterion.rule', 'no operator'],
    [{ id: 'a.b', description: 'x', hard: false, rule: { item: 'employees', gte: 1 }, note: 'x' }, 'criterion', 'unknown key "note"'],
  ];
  it.each(criterionCases)('criterion %j → %s', (json, path, message) => {
    expect(() => parseCriterion(json)).toThrow(RuleParseError);
    try {
      parseCriterion(json);
    } catch (error) {
      expect((error as RuleParseError).path).toBe(path);
      expect((error as RuleParseError).message).toContain(message);
    }
  });
});

describe('compileRuleToSql (string level)', () => {
  const columns: ColumnMap = {
    capitalYen: 'c.capital_yen',
    employees: 'c.employees',
    smeCategory: 'c.sme_category',
    industryCode: 'c.industry_code',
    certifications: 'c.certifications',
    'ext.salesDeclinePercent': `c.facts->>'salesDeclinePercent'`,
    'ext.tags': { column: 'c.tags', type: 'stringArray' },
  };

  it('compiles a comparison to a typed parameter', () => {
    expect(compileRuleToSql({ item: 'capitalYen', lte: 300_000_000 }, columns)).toEqual({
      sql: '((c.capital_yen)::numeric <= $1::numeric)',
      params: [300_000_000],
    });
  });

  it('compiles combinators to AND / OR / NOT and numbers parameters in order', () => {
    const rule: Rule = {
      all: [{ item: 'smeCategory', in: ['SMALL', 'MEDIUM'] }, { not: { any: [{ item: 'industryCode', prefixIn: ['J', 'S'] }, { item: 'employees', eq: 0 }] } }],
    };
    expect(compileRuleToSql(rule, columns, { firstParamIndex: 3 })).toEqual({
      sql:
        "((NULLIF((c.sme_category)::text, 'UNKNOWN') = ANY($3::text[])) AND (NOT ((starts_with((c.industry_code)::text, $4::text) OR " +
        'starts_with((c.industry_code)::text, $5::text)) OR ((c.employees)::numeric = $6::numeric))))',
      params: [['SMALL', 'MEDIUM'], 'J', 'S', 0],
    });
  });

  it('uses && for `in` and @> for `contains` on text[] columns', () => {
    expect(compileRuleToSql({ item: 'certifications', in: ['経営革新計画'] }, columns).sql).toBe('((c.certifications)::text[] && $1::text[])');
    const contains = compileRuleToSql({ item: 'certifications', contains: '経営力向上計画' }, columns);
    expect(contains).toEqual({ sql: '((c.certifications)::text[] @> $1::text[])', params: [['経営力向上計画']] });
    expect(compileRuleToSql({ item: 'ext.tags', in: ['a'] }, columns).sql).toBe('((c.tags)::text[] && $1::text[])');
  });

  it('casts extension expressions by the operand type', () => {
    expect(compileRuleToSql({ item: 'ext.salesDeclinePercent', gte: 20 }, columns).sql).toBe(`((c.facts->>'salesDeclinePercent')::numeric >= $1::numeric)`);
  });

  it('refuses an item with no column', () => {
    expect(() => compileRuleToSql({ item: 'yearsInBusiness', gte: 1 }, columns)).toThrow('no SQL column mapped for item "yearsInBusiness"');
  });

  it('compiles the hard criteria of a measure to a verdict', () => {
    const criteria: Criterion[] = [
      { id: 'a', description: 'a', hard: true, rule: { item: 'employees', gte: 1 } },
      { id: 'b', description: 'b', hard: false, rule: { item: 'capitalYen', lte: 1 } },
    ];
    expect(compileEligibilityToSql(criteria, columns)).toEqual({
      sql: "(CASE (((c.employees)::numeric >= $1::numeric)) WHEN TRUE THEN 'ELIGIBLE' WHEN FALSE THEN 'INELIGIBLE' ELSE 'UNKNOWN' END)",
      params: [1],
    });
    expect(compileEligibilityToSql([], columns)).toEqual({ sql: `'ELIGIBLE'`, params: [] });
  });
});

// ------------------------------------------------------------------------------------------
// Generators shared by the property tests
// ------------------------------------------------------------------------------------------

const INDUSTRY_CODES = ['E', 'E19', 'E24', 'G391', 'I', 'I56', 'M75', 'D'];
const DATES = ['2015-06-30', '2020-01-01', '2023-04-01', '2026-11-25'];
const LABELS = ['経営力向上計画', '経営革新計画', '事業継続力強化計画'];
const NEEDS = ['新たな事業を行いたい', '資金繰りを改善したい', '設備整備・IT導入をしたい'];
const CATEGORIES = ['SMALL', 'MEDIUM', 'LARGE', 'NOT_APPLICABLE'] as const;

/** A leaf built from generated parts. */
const leafOf = (item: string, op: string, operand: unknown): Rule => ({ item, [op]: operand }) as unknown as Rule;

const small = fc.integer({ min: 0, max: 6 });
const capital = fc.constantFrom(0, 10_000_000, 50_000_000, 100_000_000, 300_000_000, 1_000_000_000);
const numberOps = (item: 'employees' | 'capitalYen' | 'ext.salesDeclinePercent', operand: fc.Arbitrary<number>): fc.Arbitrary<Rule> =>
  fc.oneof(
    fc.tuple(fc.constantFrom('eq', 'ne', 'gt', 'gte', 'lt', 'lte'), operand).map(([op, value]) => leafOf(item, op, value)),
    fc.array(operand, { minLength: 1, maxLength: 3 }).map((list) => ({ item, in: list }) as Rule),
  );

const leafArbitrary: fc.Arbitrary<Rule> = fc.oneof(
  numberOps('employees', small),
  numberOps('capitalYen', capital),
  numberOps('ext.salesDeclinePercent', small),
  fc.constantFrom('eq', 'ne').chain((op) => fc.constantFrom(...INDUSTRY_CODES).map((code) => ({ item: 'industryCode', [op]: code }) as Rule)),
  fc.array(fc.constantFrom(...INDUSTRY_CODES), { minLength: 1, maxLength: 3 }).map((list) => ({ item: 'industryCode', prefixIn: list }) as Rule),
  fc.array(fc.constantFrom(...INDUSTRY_CODES), { minLength: 1, maxLength: 3 }).map((list) => ({ item: 'industryCode', in: list }) as Rule),
  fc.array(fc.constantFrom(...CATEGORIES), { minLength: 1, maxLength: 2 }).map((list) => ({ item: 'smeCategory', in: list }) as Rule),
  fc.tuple(fc.constantFrom('eq', 'ne'), fc.boolean()).map(([op, value]) => leafOf('deemedLarge', op, value)),
  fc.tuple(fc.constantFrom('eq', 'ne'), fc.boolean()).map(([op, value]) => leafOf('ext.blueReturn', op, value)),
  fc.tuple(fc.constantFrom('eq', 'ne', 'gt', 'gte', 'lt', 'lte'), fc.constantFrom(...DATES)).map(([op, value]) => leafOf('establishedOn', op, value)),
  fc.constantFrom(...LABELS).map((label) => ({ item: 'certifications', contains: label }) as Rule),
  fc.array(fc.constantFrom(...LABELS), { minLength: 1, maxLength: 2 }).map((list) => ({ item: 'certifications', in: list }) as Rule),
  fc.array(fc.constantFrom(...NEEDS), { minLength: 1, maxLength: 2 }).map((list) => ({ item: 'needs', in: list }) as Rule),
);

const ruleArbitrary: fc.Arbitrary<Rule> = fc.letrec<{ rule: Rule; all: Rule; any: Rule; not: Rule }>((tie) => ({
  rule: fc.oneof({ maxDepth: 4, depthSize: 'small' }, leafArbitrary, tie('all'), tie('any'), tie('not')),
  all: fc.array(tie('rule'), { minLength: 1, maxLength: 3 }).map((rules) => ({ all: rules })),
  any: fc.array(tie('rule'), { minLength: 1, maxLength: 3 }).map((rules) => ({ any: rules })),
  not: tie('rule').map((rule) => ({ not: rule })),
})).rule;

/** Complete facts over the generated items (no item missing). */
interface FullFacts {
  employees: number;
  capitalYen: number;
  salesDeclinePercent: number;
  industryCode: string;
  smeCategory: (typeof CATEGORIES)[number];
  deemedLarge: boolean;
  blueReturn: boolean;
  establishedOn: string;
  certifications: string[];
  needs: string[];
}
const FULL_KEYS = ['employees', 'capitalYen', 'salesDeclinePercent', 'industryCode', 'smeCategory', 'deemedLarge', 'blueReturn', 'establishedOn', 'certifications', 'needs'] as const;

const fullFactsArbitrary: fc.Arbitrary<FullFacts> = fc.record({
  employees: small,
  capitalYen: capital,
  salesDeclinePercent: small,
  industryCode: fc.constantFrom(...INDUSTRY_CODES),
  smeCategory: fc.constantFrom(...CATEGORIES),
  deemedLarge: fc.boolean(),
  blueReturn: fc.boolean(),
  establishedOn: fc.constantFrom(...DATES),
  certifications: fc.subarray(LABELS),
  needs: fc.subarray(NEEDS),
});

/** Builds CompanyFacts from complete facts, leaving out the items in `drop`. */
function toCompanyFacts(full: FullFacts, drop: ReadonlySet<string> = new Set()): CompanyFacts {
  const keep = <T,>(key: string, value: T): T | undefined => (drop.has(key) ? undefined : value);
  return {
    employees: keep('employees', full.employees),
    capitalYen: keep('capitalYen', full.capitalYen),
    industryCode: keep('industryCode', full.industryCode),
    smeCategory: drop.has('smeCategory') ? 'UNKNOWN' : full.smeCategory,
    deemedLarge: keep('deemedLarge', full.deemedLarge),
    establishedOn: keep('establishedOn', full.establishedOn),
    certifications: keep('certifications', full.certifications),
    needs: drop.has('needs') ? null : full.needs,
    extensions: { salesDeclinePercent: keep('salesDeclinePercent', full.salesDeclinePercent), blueReturn: keep('blueReturn', full.blueReturn) },
  };
}

const dropArbitrary = fc.subarray([...FULL_KEYS]).map((keys) => new Set<string>(keys));

describe('properties', () => {
  it('is monotone: filling in missing items only resolves unknowns, never flips true and false', () => {
    fc.assert(
      fc.property(ruleArbitrary, fullFactsArbitrary, dropArbitrary, (rule, full, drop) => {
        const partial = evaluateRule(rule, toCompanyFacts(full, drop));
        const complete = evaluateRule(rule, toCompanyFacts(full));
        expect(complete.value).not.toBeNull();
        if (partial.value !== null) expect(complete.value).toBe(partial.value);
        else {
          // what is reported missing was really dropped, and is read by the rule
          const items = ruleItems(rule);
          for (const item of partial.missing) {
            expect(items).toContain(item);
            expect(drop.has(item.replace(/^ext\./, ''))).toBe(true);
          }
          expect(partial.missing.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('not(not(r)) evaluates like r, and every generated rule survives parseRule', () => {
    fc.assert(
      fc.property(ruleArbitrary, fullFactsArbitrary, dropArbitrary, (rule, full, drop) => {
        expect(parseRule(JSON.parse(JSON.stringify(rule)))).toEqual(rule);
        const facts = toCompanyFacts(full, drop);
        expect(evaluateRule({ not: { not: rule } }, facts)).toEqual(evaluateRule(rule, facts));
      }),
      { numRuns: 200 },
    );
  });
});

describe('compiled SQL agrees with the evaluator on PostgreSQL (PGlite)', () => {
  let db: PGlite;
  const rows: { id: number; facts: CompanyFacts }[] = [];
  const columns: ColumnMap = {
    employees: 't.employees',
    capitalYen: 't.capital_yen',
    industryCode: 't.industry_code',
    smeCategory: 't.sme_category',
    deemedLarge: 't.deemed_large',
    establishedOn: 't.established_on',
    certifications: 't.certifications',
    needs: 't.needs',
    'ext.salesDeclinePercent': `(t.ext->>'salesDeclinePercent')`,
    'ext.blueReturn': `(t.ext->>'blueReturn')`,
  };

  beforeAll(async () => {
    db = new PGlite();
    await db.exec(`CREATE TABLE t (
      id int PRIMARY KEY, employees int, capital_yen bigint, industry_code text, sme_category text,
      deemed_large boolean, established_on date, certifications text[], needs text[], ext jsonb)`);
    const samples = fc.sample(fc.tuple(fullFactsArbitrary, dropArbitrary), { numRuns: 80, seed: 20261125 });
    for (const [index, [full, drop]] of samples.entries()) {
      const facts = toCompanyFacts(full, drop);
      rows.push({ id: index, facts });
      const ext: Record<string, unknown> = {};
      if (facts.extensions?.salesDeclinePercent !== undefined) ext.salesDeclinePercent = facts.extensions.salesDeclinePercent;
      if (facts.extensions?.blueReturn !== undefined) ext.blueReturn = facts.extensions.blueReturn;
      await db.query('INSERT INTO t VALUES ($1, $2, $3, $4, $5, $6, $7, $8::text[], $9::text[], $10::jsonb)', [
        index,
        facts.employees ?? null,
        facts.capitalYen ?? null,
        facts.industryCode ?? null,
        facts.smeCategory,
        facts.deemedLarge ?? null,
        facts.establishedOn ?? null,
        facts.certifications ?? null,
        facts.needs ?? null,
        JSON.stringify(ext),
      ]);
    }
  });

  afterAll(async () => {
    await db?.close();
  });

  it('gives TRUE / FALSE / NULL exactly where evaluateRule gives true / false / unknown', async () => {
    await fc.assert(
      fc.asyncProperty(ruleArbitrary, async (rule) => {
        const { sql, params } = compileRuleToSql(rule, columns);
        const result = await db.query<{ id: number; r: boolean | null }>(`SELECT id, ${sql} AS r FROM t ORDER BY id`, params);
        for (const row of result.rows) {
          expect(row.r, `${sql} on row ${row.id}`).toBe(evaluateRule(rule, rows[row.id]!.facts).value);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('gives the same eligibility verdict as evaluateEligibility', async () => {
    const criteriaArbitrary = fc.array(
      fc.record({ rule: ruleArbitrary, hard: fc.boolean() }).map(({ rule, hard }): Criterion => ({ id: 'c', description: 'c', hard, rule })),
      { maxLength: 4 },
    );
    await fc.assert(
      fc.asyncProperty(criteriaArbitrary, async (criteria) => {
        const { sql, params } = compileEligibilityToSql(criteria, columns, { firstParamIndex: 1 });
        const result = await db.query<{ id: number; verdict: string }>(`SELECT id, ${sql} AS verdict FROM t ORDER BY id`, params);
        for (const row of result.rows) {
          expect(row.verdict).toBe(evaluateEligibility(criteria, rows[row.id]!.facts).verdict);
        }
      }),
      { numRuns: 60 },
    );
  });
});
