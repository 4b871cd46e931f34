import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../../shared/paths.js';
import { parseCatalogue } from '../../measure/catalogue.js';
import { evaluateEligibility, parseCriterion, type Criterion } from '../../measure/criteria.js';
import { measureContentHash } from '../../measure/measure-store.js';
import { jgrantsAgency, jgrantsCriteria, jgrantsMeasureRecord, JGRANTS_FORM_FIELDS } from './jgrants-import.js';
import { parseJgrantsDocument, type JgrantsMeasure } from './jgrants-parse.js';

const fixtureDir = join(projectRoot(), 'tests', 'fixtures', 'jgrants');
function fixtureMeasures(name: string): JgrantsMeasure[] {
  return parseJgrantsDocument(JSON.parse(readFileSync(join(fixtureDir, name), 'utf8')), name).measures;
}

describe('jgrantsMeasureRecord', () => {
  const hostile = fixtureMeasures('detail-v1-malicious.json')[0]!;
  const record = jgrantsMeasureRecord(hostile);

  it('stores a Jグランツ detail as a SUBSIDY measure keyed jgrants-<id>, with sanitised HTML', () => {
    expect(record.measure).toMatchObject({
      id: 'jgrants-a0W5h00000AbCdEFGH', jgrantsId: 'a0W5h00000AbCdEFGH', kind: 'SUBSIDY', source: 'JGRANTS',
      sourceRef: 'detail:S-00001234', maxAmountYen: 1_000_000, subsidyRate: '1/2以内', alwaysOpen: false,
      usePurposes: ['設備整備・IT導入をしたい', '新たな事業を行いたい'],
    });
    expect(record.measure.detailHtml).not.toMatch(/<script|onerror|onclick|javascript:|style=/i);
    expect(record.measure.industries).toEqual(['E', 'G', 'I', 'M']);
  });

  it('turns the employee band, areas and industries into hard criteria and use purposes into a soft one', () => {
    const byId = new Map(jgrantsCriteria(hostile).map((c) => [c.id, c]));
    expect(byId.get('jgrants.employees')).toMatchObject({ hard: true, rule: { item: 'employees', lte: 300 } });
    expect(byId.get('jgrants.employees')!.description).toContain('300人以下');
    expect(byId.get('jgrants.area')).toMatchObject({ hard: true, rule: { item: 'prefectureCode', in: hostile.targetPrefectures } });
    expect(hostile.targetPrefectures).toContain('27');
    expect(byId.get('jgrants.industry')).toMatchObject({ hard: true, rule: { item: 'industryCode', prefixIn: ['E', 'G', 'I', 'M'] } });
    expect(byId.get('jgrants.needs')).toMatchObject({ hard: false, rule: { item: 'needs', in: ['設備整備・IT導入をしたい', '新たな事業を行いたい'] } });
    // every generated criterion is valid rule language
    for (const criterion of byId.values()) expect(parseCriterion(JSON.parse(JSON.stringify(criterion)))).toEqual(criterion);
  });

  it('judges companies with those criteria', () => {
    const criteria = jgrantsCriteria(hostile);
    const base = { employees: 12, prefectureCode: '13', industryCode: 'E24', isClosed: false };
    expect(evaluateEligibility(criteria, base).verdict).toBe('ELIGIBLE');
    expect(evaluateEligibility(criteria, { ...base, employees: 301 }).verdict).toBe('INELIGIBLE');
    expect(evaluateEligibility(criteria, { ...base, prefectureCode: '40' }).verdict).toBe('INELIGIBLE');
    expect(evaluateEligibility(criteria, { ...base, industryCode: 'K68' }).verdict).toBe('INELIGIBLE');
    expect(evaluateEligibility(criteria, { ...base, employees: null }).missing).toEqual(['employees']);
  });

  it('keeps nationwide, every-industry, unbounded measures free of those criteria, and maps windows to rounds', () => {
    const [regional, keyed] = fixtureMeasures('detail-v2-keyed.json');
    const regionalRecord = jgrantsMeasureRecord(regional!);
    expect((regionalRecord.measure.criteria as Criterion[]).map((c) => c.id)).toEqual(['jgrants.area', 'jgrants.industry', 'jgrants.in-business', 'jgrants.needs']);
    expect(regionalRecord.rounds).toHaveLength(2);
    expect(regionalRecord.rounds[0]).toMatchObject({
      id: 'jgrants-a0W5h00000AbCdK001:a0X5h00000WfLoW001', label: '北海道', targetPrefectures: ['01'],
      acceptingFrom: new Date('2026-07-27T01:00:00Z'), acceptingUntil: new Date('2026-08-17T03:00:00Z'),
    });
    const keyedRecord = jgrantsMeasureRecord(keyed!);
    expect(keyedRecord.measure.targetPrefectures).toEqual([]);
    expect((keyedRecord.measure.criteria as Criterion[]).map((c) => c.id)).toEqual(['jgrants.in-business']);
    expect(keyedRecord.rounds.map((r) => r.label)).toEqual(['令和８年度第１回', '令和８年度第２回']);
  });

  it('reads 0 as an unknown cap and hashes the same content the same way', () => {
    const [zeroCap] = fixtureMeasures('envelope-list.json');
    expect(zeroCap!.maxAmountYen).toBeNull();
    expect(jgrantsMeasureRecord(zeroCap!).measure.maxAmountYen).toBeNull();
    expect(measureContentHash(jgrantsMeasureRecord(hostile))).toBe(measureContentHash(record));
    expect(measureContentHash({ ...record, measure: { ...record.measure, title: 'changed' } })).not.toBe(measureContentHash(record));
  });

  it('has a form whose fields satisfy the catalogue format', () => {
    const catalogue = {
      version: '2026-01-01.1', source: ['test'],
      measures: [{
        id: 'form-check', title: 't', kind: 'SUBSIDY', agency: 'a', summary: 's', maxAmountYen: null, subsidyRate: null, url: 'https://example.go.jp/',
        targetPrefectures: [], industries: [], exclusionMonths: null, usePurposes: [], unlocks: [], alwaysOpen: true, rounds: [],
        criteria: [{ id: 'c', description: 'd', hard: true, rule: { item: 'isClosed', eq: false } }], formFields: JGRANTS_FORM_FIELDS, notes: [],
      }],
    };
    expect(() => parseCatalogue(catalogue)).not.toThrow();
  });
});

describe('jgrantsAgency', () => {
  it('takes a body or municipality in brackets, and nothing else', () => {
    expect(jgrantsAgency({ title: '【飯塚市】令和8年度海外展開支援事業費補助金', institutionName: null })).toBe('飯塚市');
    expect(jgrantsAgency({ title: '【長野県茅野市】受注及び販路開拓支援事業補助金', institutionName: null })).toBe('長野県茅野市');
    expect(jgrantsAgency({ title: '【第２回】原材料価格高騰対策事業', institutionName: null })).toMatch(/^Jグランツ掲載/);
    expect(jgrantsAgency({ title: 'ものづくり補助金', institutionName: '【秋田県】外国出願補助金' })).toBe('秋田県');
  });
});
