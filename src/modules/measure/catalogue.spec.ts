import { describe, it, expect } from 'vitest';
import { existsSync } from 'node:fs';
import {
  CatalogueError,
  defaultCataloguePath,
  displayRound,
  isMeasureOpen,
  loadCatalogue,
  MEASURE_KINDS,
  maxAmountAt,
  nextRound,
  parseCatalogue,
  roundOpenAt,
  USE_PURPOSES,
  type MeasureDefinition,
} from './catalogue.js';
import {
  compileRuleToSql,
  evaluateCriterion,
  evaluateEligibility,
  KNOWN_ITEMS,
  missingDataKeys,
  ruleItems,
  type ColumnMap,
  type CompanyFacts,
  type Rule,
} from './criteria.js';

const TODAY = '2026-11-25T12:00:00+09:00';
const catalogue = loadCatalogue();
const byId = new Map(catalogue.measures.map((measure) => [measure.id, measure]));
const measure = (id: string): MeasureDefinition => {
  const found = byId.get(id);
  if (!found) throw new Error(`measure ${id} is not in the catalogue`);
  return found;
};

describe('the committed catalogue (seeds/measures/catalogue.json)', () => {
  it('is found from the project root', () => {
    expect(defaultCataloguePath()).toMatch(/seeds[/\\]measures[/\\]catalogue\.json$/);
    expect(existsSync(defaultCataloguePath())).toBe(true);
  });

  it('has a version, sources and at least 40 measures with unique ids', () => {
    expect(catalogue.version).toMatch(/^\d{4}-\d{2}-\d{2}\.\d+$/);
    expect(catalogue.source.length).toBeGreaterThan(0);
    expect(catalogue.measures.length).toBeGreaterThanOrEqual(40);
    expect(byId.size).toBe(catalogue.measures.length);
  });

  it('covers every measure kind', () => {
    const kinds = new Set(catalogue.measures.map((m) => m.kind));
    for (const kind of MEASURE_KINDS) expect(kinds, kind).toContain(kind);
  });

  it('contains the programmes the platform must know', () => {
    for (const id of [
      'jizokuka-ippan', 'jizokuka-sogyo', 'monodukuri-kokafuka', 'monodukuri-global', 'it-donyu-tsujo', 'it-donyu-invoice',
      'it-donyu-denshi-torihiki', 'it-donyu-security', 'it-donyu-fukusu-renkei', 'jigyo-saikochiku', 'shinjigyo-shinshutsu',
      'shokei-ma-shokei-sokushin', 'shoryokuka-catalog', 'shoryokuka-ippan', 'shokibo-kyosai', 'safety-kyosai', 'keieiryoku-kojo',
      'keiei-kakushin', 'jigyo-keizokuryoku', 'sentan-setsubi', 'jfc-startup', 'jfc-safetynet', 'hosho-sn4', 'hosho-sn5',
      'zei-keiei-kyoka', 'zei-toshi-sokushin', 'zei-chinage', 'zei-shokei-tokurei', 'shokei-center', 'kasseika-kyogikai', 'yorozu',
      'daigakko-kokeisha', 'smrj-kigyo-fund', 'kakekomi-dera', 'chizai-madoguchi', 'jetro-kaigai',
    ]) {
      expect(byId.has(id), id).toBe(true);
    }
  });

  it('has criteria that evaluate on empty facts and compile to SQL', () => {
    const columns: ColumnMap = Object.fromEntries(Object.keys(KNOWN_ITEMS).map((item) => [item, `c.${item}`]));
    for (const m of catalogue.measures) {
      expect(m.criteria.length, m.id).toBeGreaterThan(0);
      for (const criterion of m.criteria) {
        const result = evaluateCriterion(criterion, {});
        expect(result.passed, `${criterion.id} on no data`).toBeNull();
        expect(result.missing.length).toBeGreaterThan(0);
        const extensionColumns = Object.fromEntries(ruleItems(criterion.rule).filter((item) => item.startsWith('ext.')).map((item) => [item, `c.ext_${item.slice(4)}`]));
        expect(compileRuleToSql(criterion.rule, { ...columns, ...extensionColumns }).sql).toMatch(/\$1::/);
      }
    }
  });

  it('collects every extension item its criteria read through a form field of the same key', () => {
    for (const m of catalogue.measures) {
      const fieldKeys = new Set(m.formFields.map((field) => field.key));
      for (const criterion of m.criteria) {
        for (const item of ruleItems(criterion.rule).filter((name) => name.startsWith('ext.'))) {
          expect(fieldKeys.has(item.slice(4)), `${m.id}: ${criterion.id} reads ${item}`).toBe(true);
        }
      }
    }
  });

  it('keeps needs criteria within the measure’s usePurposes, and those within the Jグランツ values', () => {
    for (const m of catalogue.measures) {
      expect(m.usePurposes.length, m.id).toBeGreaterThan(0);
      for (const purpose of m.usePurposes) expect(USE_PURPOSES, m.id).toContain(purpose);
      for (const criterion of m.criteria) {
        const rule = criterion.rule as Rule & { item?: string; in?: string[] };
        if (rule.item === 'needs') {
          expect(criterion.hard).toBe(false);
          for (const purpose of rule.in ?? []) expect(m.usePurposes, `${m.id}: ${criterion.id}`).toContain(purpose);
        }
      }
    }
  });

  it('backs regional and industry restrictions with hard criteria', () => {
    for (const m of catalogue.measures) {
      const hardItems = m.criteria.filter((criterion) => criterion.hard).flatMap((criterion) => ruleItems(criterion.rule));
      if (m.targetPrefectures.length > 0) expect(hardItems, m.id).toContain('prefectureCode');
      if (m.industries.length > 0) expect(hardItems, m.id).toContain('industryCode');
    }
  });

  it('has rounds open on 2026-11-25 for several subsidies, and upcoming rounds in 2027', () => {
    const openSubsidies = catalogue.measures.filter((m) => m.kind === 'SUBSIDY' && roundOpenAt(m, TODAY) !== null).map((m) => m.id);
    expect(openSubsidies.length).toBeGreaterThanOrEqual(5);
    expect(openSubsidies).toEqual(expect.arrayContaining(['jizokuka-ippan', 'monodukuri-kokafuka', 'it-donyu-tsujo', 'shinjigyo-shinshutsu']));
    const upcoming2027 = catalogue.measures.filter((m) => m.rounds.some((round) => round.acceptingFrom.startsWith('2027-')));
    expect(upcoming2027.length).toBeGreaterThanOrEqual(5);
    expect(nextRound(measure('jizokuka-ippan'), TODAY)?.acceptingFrom).toMatch(/^2027-/);
  });

  it('has rounds in the past for the long-running subsidies', () => {
    for (const id of ['jizokuka-ippan', 'monodukuri-kokafuka', 'it-donyu-tsujo', 'shinjigyo-shinshutsu']) {
      expect(measure(id).rounds.some((round) => Date.parse(round.acceptingUntil) < Date.parse(TODAY)), id).toBe(true);
    }
  });

  it('marks 事業再構築補助金 closed, its last round being round 13 (2025-01-10 to 2025-03-26)', () => {
    const saikochiku = measure('jigyo-saikochiku');
    expect(isMeasureOpen(saikochiku, TODAY)).toBe(false);
    expect(nextRound(saikochiku, TODAY)).toBeNull();
    const last = saikochiku.rounds.at(-1)!;
    expect(last.label).toBe('第13回');
    expect(last.acceptingFrom.startsWith('2025-01-10')).toBe(true);
    expect(last.acceptingUntil.startsWith('2025-03-26')).toBe(true);
    expect(displayRound(saikochiku, TODAY)).toBe(last);
  });

  it('keeps 共済, loans and consulting always open without rounds', () => {
    for (const m of catalogue.measures.filter((x) => ['MUTUAL_AID', 'LOAN', 'CONSULTING', 'GUARANTEE'].includes(x.kind))) {
      expect(m.alwaysOpen, m.id).toBe(true);
      expect(m.rounds).toEqual([]);
      expect(isMeasureOpen(m, TODAY)).toBe(true);
    }
  });

  it('links certifications to what they unlock', () => {
    expect(measure('keieiryoku-kojo').unlocks).toEqual(expect.arrayContaining(['zei-keiei-kyoka', 'hosho-keieiryoku']));
    expect(measure('jigyo-keizokuryoku').unlocks).toContain('zei-bosai');
    expect(measure('sentan-setsubi').unlocks).toContain('zei-sentan-kotei');
    // the unlocked tax measure requires the certification as a hard criterion
    const kyoka = measure('zei-keiei-kyoka').criteria.find((criterion) => criterion.hard && JSON.stringify(criterion.rule).includes('経営力向上計画'));
    expect(kyoka).toBeDefined();
  });

  it('notes its estimates', () => {
    for (const m of catalogue.measures) {
      const estimatedRounds = m.rounds.filter((round) => round.note?.includes('推定'));
      if (estimatedRounds.length > 0) expect(m.notes.join(' '), m.id).toMatch(/推定/);
    }
  });
});

describe('eligibility against the real catalogue', () => {
  const smallManufacturer: CompanyFacts = {
    smeCategory: 'SMALL',
    deemedLarge: false,
    kind: 'KABUSHIKI_KAISHA',
    industryCode: 'E24',
    employees: 8,
    capitalYen: 10_000_000,
    averageTaxableIncomeYen: 5_000_000,
    yearsInBusiness: 12,
    isClosed: false,
    prefectureCode: '13',
    certifications: [],
    needs: ['販路拡大・海外展開をしたい'],
    extensions: { ownedByLargeCapitalParent: false },
  };

  it('finds a small manufacturer eligible for 持続化補助金 and the needs criterion met', () => {
    const result = evaluateEligibility(measure('jizokuka-ippan').criteria, smallManufacturer);
    expect(result.verdict).toBe('ELIGIBLE');
    expect(result.softScore).toBe(1);
    expect(result.checks[0]!.detail).toContain('中小企業区分: 小規模企業者');
  });

  it('finds a large company ineligible', () => {
    const result = evaluateEligibility(measure('jizokuka-ippan').criteria, { ...smallManufacturer, smeCategory: 'LARGE' });
    expect(result.verdict).toBe('INELIGIBLE');
  });

  it('says what is missing for 経営セーフティ共済 when the founding date is unknown', () => {
    const result = evaluateEligibility(measure('safety-kyosai').criteria, { ...smallManufacturer, yearsInBusiness: null });
    expect(result.verdict).toBe('UNKNOWN');
    expect(missingDataKeys(result.missing)).toEqual(['establishedOn']);
  });

  it('refuses the region-limited 災害支援枠 outside its region', () => {
    expect(evaluateEligibility(measure('jizokuka-saigai').criteria, smallManufacturer).verdict).toBe('INELIGIBLE');
    expect(evaluateEligibility(measure('jizokuka-saigai').criteria, { ...smallManufacturer, prefectureCode: '17' }).verdict).toBe('ELIGIBLE');
  });

  it('lets a large company apply for the 電子取引類型 (発注側)', () => {
    const result = evaluateEligibility(measure('it-donyu-denshi-torihiki').criteria, { ...smallManufacturer, smeCategory: 'LARGE', employees: 5000 });
    expect(result.verdict).toBe('ELIGIBLE');
  });
});

describe('parseCatalogue validation', () => {
  const validMeasure = {
    id: 'example',
    title: '例',
    kind: 'SUBSIDY',
    agency: '中小企業庁',
    summary: '例の施策。',
    maxAmountYen: 1_000_000,
    subsidyRate: '1/2',
    url: 'https://example.go.jp/',
    targetPrefectures: [],
    industries: [],
    exclusionMonths: null,
    usePurposes: ['新たな事業を行いたい'],
    unlocks: [],
    alwaysOpen: false,
    rounds: [
      { id: 'r1', label: '第1回', acceptingFrom: '2026-01-01T00:00:00+09:00', acceptingUntil: '2026-02-01T17:00:00+09:00' },
      { id: 'r2', label: '第2回', acceptingFrom: '2026-04-01T00:00:00+09:00', acceptingUntil: '2026-05-01T17:00:00+09:00', maxAmountYen: 2_000_000 },
    ],
    criteria: [{ id: 'example.sme', description: '中小企業者', hard: true, rule: { item: 'smeCategory', in: ['SMALL', 'MEDIUM'] } }],
    formFields: [{ key: 'employees', label: '従業員数', required: true, type: 'integer' }],
    notes: [],
  };
  const document = (...measures: unknown[]) => ({ version: 'test.1', source: ['test'], measures });

  it('accepts a valid document', () => {
    const parsed = parseCatalogue(document(validMeasure));
    expect(parsed.measures[0]!.criteria[0]!.id).toBe('example.sme');
  });

  it('lists every problem with its path', () => {
    const broken = {
      ...validMeasure,
      kind: 'GRANT',
      url: 'http://insecure.example/',
      targetPrefectures: ['48'],
      usePurposes: ['お金がほしい'],
      unlocks: ['nowhere'],
      rounds: [validMeasure.rounds[1], validMeasure.rounds[0], { id: 'r3', label: 'x', acceptingFrom: '2026-06-01', acceptingUntil: '2026-07-01T00:00:00+09:00' }],
      criteria: [{ id: 'example.bad', description: '壊れた規則', hard: true, rule: { item: 'employees', between: [1, 5] } }],
      formFields: [
        { key: 'employees', label: '従業員数', required: true, type: 'number' },
        { key: 'employees', label: '重複', required: true, type: 'integer' },
        { key: 'color', label: '色', required: false, type: 'enum' },
      ],
      extra: true,
    };
    let error: CatalogueError | undefined;
    try {
      parseCatalogue(document(broken, validMeasure));
    } catch (caught) {
      error = caught as CatalogueError;
    }
    expect(error).toBeInstanceOf(CatalogueError);
    const problems = error!.problems.join('\n');
    for (const expected of [
      'measures[0](example).extra: unknown field',
      'measures[0](example).kind: must be one of',
      'measures[0](example).url: must be an https URL',
      'measures[0](example).targetPrefectures[0]: "48" is not a prefecture code',
      'measures[0](example).usePurposes[0]',
      'measures[0](example).rounds[1]: rounds must be in chronological order',
      'measures[0](example).rounds[2].acceptingFrom: must be an ISO-8601 date-time with an offset',
      'measures[0](example).criteria[0].rule: unknown key "between"',
      'measures[0](example).formFields[0].type: must be one of',
      'measures[0](example).formFields[1].key: duplicate form field "employees"',
      'measures[0](example).formFields[2].options: an enum field needs',
      'measures[1].id: duplicate measure id "example"',
      'measures[0](example).unlocks: unknown measure "nowhere"',
    ]) {
      expect(problems).toContain(expected);
    }
  });

  it('requires rounds unless always open, and none when always open', () => {
    expect(() => parseCatalogue(document({ ...validMeasure, rounds: [] }))).toThrow(/needs at least one round unless alwaysOpen/);
    expect(() => parseCatalogue(document({ ...validMeasure, alwaysOpen: true }))).toThrow(/must be empty when alwaysOpen is true/);
  });

  it('rejects a document without measures', () => {
    expect(() => parseCatalogue({ version: 'x', source: ['y'] })).toThrow(CatalogueError);
    expect(() => parseCatalogue(null)).toThrow(CatalogueError);
  });

  it('reports an unreadable file as a catalogue error', () => {
    expect(() => loadCatalogue('/nonexistent/catalogue.json')).toThrow(CatalogueError);
  });

  describe('round helpers', () => {
    const parsed = parseCatalogue(document(validMeasure)).measures[0]!;
    it('finds the open round with inclusive bounds', () => {
      expect(roundOpenAt(parsed, '2026-01-15T12:00:00+09:00')?.id).toBe('r1');
      expect(roundOpenAt(parsed, '2026-02-01T17:00:00+09:00')?.id).toBe('r1');
      expect(roundOpenAt(parsed, '2026-02-01T17:00:01+09:00')).toBeNull();
      expect(isMeasureOpen(parsed, new Date('2026-04-10T00:00:00Z'))).toBe(true);
    });
    it('shows the open, else next, else last round, and its cap', () => {
      expect(displayRound(parsed, '2026-03-01T00:00:00+09:00')?.id).toBe('r2');
      expect(displayRound(parsed, '2027-01-01T00:00:00+09:00')?.id).toBe('r2');
      expect(maxAmountAt(parsed, '2026-01-15T00:00:00+09:00')).toBe(1_000_000);
      expect(maxAmountAt(parsed, '2026-03-01T00:00:00+09:00')).toBe(2_000_000);
    });
    it('rejects an invalid instant', () => {
      expect(() => roundOpenAt(parsed, 'yesterday')).toThrow('invalid instant');
    });
  });
});
