import { describe, expect, it } from 'vitest';
import { canTransition, type ApplicationStatusName } from '../application/lifecycle.js';
import { isValidCorporateNumber } from '../company/corporate-number.js';
import { loadCatalogue } from '../measure/catalogue.js';
import { INJECTED_EFFECTS, MEASURE_CALIBRATIONS, PREFECTURE_FIRMS, resolveCalibrations } from './calibration.js';
import { BASE_FISCAL_YEARS, createGeneratorModel, GENERATED_HOLDINGS, GENERATED_NAME_MARK, generatedCorporateNumber, WORLD_NOW, type GeneratedCompany } from './generator-model.js';
import { chunkCopyText, copyTextRecords, GENERATED_TABLES } from './generator-rows.js';

const catalogue = loadCatalogue();
const N = 20_000;
const model = createGeneratorModel({ seed: 7, applicationsPerCompany: 3 }, catalogue);
const world: GeneratedCompany[] = Array.from({ length: N }, (_, i) => model.company(i));
const share = (predicate: (c: GeneratedCompany) => boolean, among: GeneratedCompany[] = world) => among.filter(predicate).length / among.length;

describe('generator: determinism', () => {
  it('builds the same company from the same seed and index, whatever was built before or in which order', () => {
    const again = createGeneratorModel({ seed: 7, applicationsPerCompany: 3 }, catalogue);
    for (const index of [19_999, 5, 0, 12_345, 5]) expect(again.company(index)).toEqual(world[index]);
  });

  it('builds a different world from another seed, and the same rows from the same companies', () => {
    const other = createGeneratorModel({ seed: 8, applicationsPerCompany: 3 }, catalogue);
    expect(other.company(0).name === world[0].name && other.company(1).name === world[1].name && other.company(2).name === world[2].name).toBe(false);
    const a = chunkCopyText(world.slice(0, 50), 1, 1, 'x');
    const b = chunkCopyText(Array.from({ length: 50 }, (_, i) => createGeneratorModel({ seed: 7, applicationsPerCompany: 3 }, catalogue).company(i)), 1, 1, 'x');
    expect(b.texts).toEqual(a.texts);
  });
});

describe('generator: distributions (20,000 companies)', () => {
  const decided = world.filter((c) => c.smeCategory === 'SMALL' || c.smeCategory === 'MEDIUM' || c.smeCategory === 'LARGE');
  const smes = world.filter((c) => c.smeCategory === 'SMALL' || c.smeCategory === 'MEDIUM');

  it('has about 10 % sole proprietors, without 法人番号 or capital', () => {
    const sole = world.filter((c) => c.kind === 'SOLE_PROPRIETOR');
    expect(sole.length / N).toBeGreaterThan(0.09);
    expect(sole.length / N).toBeLessThan(0.11);
    for (const c of sole) {
      expect(c.corporateNumber).toBeNull();
      expect(c.capitalYen).toBeNull();
      expect(c.kindCode).toBeNull();
    }
  });

  it('is almost all SMEs (≈ 99.7 %), about 85 % of them 小規模, a few みなし大企業', () => {
    expect(decided.length / N).toBeGreaterThan(0.99);
    expect(smes.length / decided.length).toBeGreaterThan(0.994);
    expect(smes.length / decided.length).toBeLessThan(0.999);
    const small = share((c) => c.smeCategory === 'SMALL', smes);
    expect(small).toBeGreaterThan(0.84);
    expect(small).toBeLessThan(0.9);
    const deemed = share((c) => c.deemedLarge);
    expect(deemed).toBeGreaterThan(0.01);
    expect(deemed).toBeLessThan(0.03);
    for (const c of world.filter((x) => x.deemedLarge)) expect(c.majorShareholders![0]).toMatchObject({ isLargeEnterprise: true });
  });

  it('spreads firms over all 47 prefectures like the census (Tokyo ≈ 11.5 %, Osaka ≈ 7.4 %, Tottori ≈ 0.4 %)', () => {
    const byPrefecture = new Map<string, number>();
    for (const c of world) byPrefecture.set(c.prefectureCode, (byPrefecture.get(c.prefectureCode) ?? 0) + 1);
    expect(byPrefecture.size).toBe(47);
    const total = PREFECTURE_FIRMS.reduce((s, [, w]) => s + w, 0);
    for (const [code, weight] of PREFECTURE_FIRMS) {
      const expected = (weight / total) * N;
      expect(Math.abs((byPrefecture.get(code) ?? 0) - expected), code).toBeLessThan(5 * Math.sqrt(expected) + 5);
    }
  });

  it('gives capital and employees consistent with the size band', () => {
    const problems: string[] = [];
    for (const c of world) {
      if (c.kind === 'SOLE_PROPRIETOR') {
        if (c.employees > 4) problems.push(`${c.index}: sole proprietor with ${c.employees} employees`);
        continue;
      }
      const capital = c.capitalYen!;
      if (c.size === 'SMALL' && capital > 30_000_000) problems.push(`${c.index}: small with capital ${capital}`);
      if (c.size === 'MEDIUM' && capital > 300_000_000) problems.push(`${c.index}: medium with capital ${capital}`);
      if (c.size === 'LARGE' && (capital < 400_000_000 || c.employees < 400)) problems.push(`${c.index}: large with capital ${capital}, ${c.employees} employees`);
      if (c.smeCategory === 'SMALL' && c.employees > 20) problems.push(`${c.index}: 小規模 with ${c.employees} employees`);
    }
    expect(problems).toEqual([]);
  });

  it('hands out valid, unique 法人番号 in the reserved registry-office range 9000–9899 (never the demo 9999)', () => {
    const numbers = world.map((c) => c.corporateNumber).filter((n): n is string => n !== null);
    expect(new Set(numbers).size).toBe(numbers.length);
    const bad = numbers.filter((n) => !isValidCorporateNumber(n) || Number(n.slice(1, 5)) < 9000 || Number(n.slice(1, 5)) > 9899);
    expect(bad).toEqual([]);
    expect(generatedCorporateNumber(123_456_789, '301').slice(1, 5)).toBe('9123');
    expect(() => generatedCorporateNumber(900_000_000, '301')).toThrow(RangeError);
    for (const h of GENERATED_HOLDINGS) expect(isValidCorporateNumber(h.corporateNumber)).toBe(true);
    expect(world.filter((c) => !c.name.endsWith(GENERATED_NAME_MARK))).toEqual([]);
  });

  it('keeps three fiscal years of financials (more for applicants, fewer after a closure)', () => {
    const problems: string[] = [];
    for (const c of world) {
      const years = c.financials.map((f) => f.fiscalYear);
      if (years.some((y, k) => k > 0 && y !== years[k - 1] + 1)) problems.push(`${c.index}: years ${years.join(',')}`);
      if (!c.closeDate && years.slice(-3).join() !== BASE_FISCAL_YEARS.join()) problems.push(`${c.index}: ends with ${years.slice(-3).join(',')}`);
      const submitted = c.applications.filter((a) => a.submittedAt);
      if (!c.closeDate && submitted.length && years[0] !== Math.min(2023, ...submitted.map((a) => a.fiscalYear - 1))) problems.push(`${c.index}: starts in ${years[0]}`);
    }
    expect(problems).toEqual([]);
    expect(share((c) => c.closeDate !== null)).toBeGreaterThan(0.01);
  });
});

describe('generator: applications', () => {
  const applications = world.flatMap((c) => c.applications.map((a) => ({ company: c, application: a })));

  it('files about the requested number of applications per company, to catalogue measures only, once per measure', () => {
    expect(applications.length / N).toBeGreaterThan(2.6);
    expect(applications.length / N).toBeLessThan(3.1);
    const ids = new Set(catalogue.measures.map((m) => m.id));
    for (const c of world) {
      const measures = c.applications.map((a) => a.measureId);
      expect(new Set(measures).size).toBe(measures.length);
      for (const m of measures) expect(ids.has(m)).toBe(true);
    }
  });

  it('never applies to a measure a company is clearly ineligible for (小規模 only, 能登 prefectures only; an undecided size may apply)', () => {
    for (const { company, application } of applications) {
      if (application.measureId === 'jizokuka-ippan') expect(['SMALL', 'UNKNOWN']).toContain(company.smeCategory);
      if (application.measureId === 'jizokuka-saigai') expect(['15', '16', '17', '18']).toContain(company.prefectureCode);
    }
  });

  it('adopts decided applications at the published rates', () => {
    const rates = new Map(resolveCalibrations().map((c) => [c.measureId, c.adoptionRate]));
    for (const measureId of ['jizokuka-ippan', 'monodukuri-kokafuka', 'it-donyu-tsujo', 'it-donyu-invoice', 'jigyo-saikochiku']) {
      const decidedOnes = applications.filter(({ application: a }) => a.measureId === measureId && (a.status === 'ADOPTED' || a.status === 'REJECTED'));
      expect(decidedOnes.length, measureId).toBeGreaterThan(1000);
      const adopted = decidedOnes.filter(({ application: a }) => a.status === 'ADOPTED').length / decidedOnes.length;
      const expected = rates.get(measureId)!;
      expect(Math.abs(adopted - expected), `${measureId}: ${adopted} vs ${expected}`).toBeLessThan(4 * Math.sqrt((expected * (1 - expected)) / decidedOnes.length));
    }
    expect(rates.get('jizokuka-ippan')).toBeCloseTo(66_531 / 107_781, 6);
    expect(rates.get('jigyo-saikochiku')).toBeCloseTo(38_045 / 99_416, 6);
    expect(MEASURE_CALIBRATIONS.every((c) => catalogue.measures.some((m) => m.id === c.measureId))).toBe(true);
  });

  it('records every transition as an event the lifecycle allows, decisions after submissions, all before the world\'s now', () => {
    const problems: string[] = [];
    for (const { company, application: a } of applications) {
      const where = `company ${company.index} ${a.measureId}`;
      if (a.events[0].fromStatus !== null || a.events[0].toStatus !== 'DRAFT') problems.push(`${where}: does not start as DRAFT`);
      for (let k = 1; k < a.events.length; k++) {
        if (!canTransition(a.events[k].fromStatus as ApplicationStatusName, a.events[k].toStatus as ApplicationStatusName)) problems.push(`${where}: ${a.events[k].fromStatus} → ${a.events[k].toStatus}`);
        if (a.events[k].at < a.events[k - 1].at) problems.push(`${where}: events out of order`);
      }
      if (a.events.at(-1)!.toStatus !== a.status) problems.push(`${where}: last event is not the status`);
      if (a.updatedAt >= WORLD_NOW) problems.push(`${where}: after the world's now`);
      if ((a.support !== null) !== (a.status === 'ADOPTED')) problems.push(`${where}: support record without adoption or the reverse`);
      if (a.status === 'ADOPTED' && a.grantedAmountYen! > a.requestedAmountYen) problems.push(`${where}: granted more than requested`);
      if (a.status === 'DRAFT' && a.submittedAt !== null) problems.push(`${where}: a submitted draft`);
    }
    expect(problems).toEqual([]);
    const statuses = new Set(applications.map(({ application }) => application.status));
    expect([...statuses].sort()).toEqual(['ADOPTED', 'DRAFT', 'REJECTED', 'SUBMITTED', 'WITHDRAWN']);
  });
});

describe('generator: injected treatment effects', () => {
  const untreated = createGeneratorModel({ seed: 7, applicationsPerCompany: 3 }, catalogue, { effects: [] });

  it('raises the metric of adopted applicants by exactly rate × baseline net sales, and nothing else', () => {
    let checked = 0;
    for (const c of world.slice(0, 5000)) {
      const base = untreated.company(c.index);
      const adoptedWithEffect = c.applications.filter((a) => a.status === 'ADOPTED' && INJECTED_EFFECTS.some((e) => e.measureId === a.measureId));
      if (!adoptedWithEffect.length) {
        expect(c.financials).toEqual(base.financials);
        continue;
      }
      for (const f of c.financials) {
        const before = base.financials.find((x) => x.fiscalYear === f.fiscalYear)!;
        let sales = 0;
        let profit = 0;
        for (const a of adoptedWithEffect) {
          const effect = INJECTED_EFFECTS.find((e) => e.measureId === a.measureId)!;
          const baseline = base.financials.find((x) => x.fiscalYear === a.fiscalYear - 1)?.netSalesYen;
          const k = f.fiscalYear - a.fiscalYear;
          if (baseline === undefined || k < 1) continue;
          const delta = Math.round(effect.byYearsAfter[Math.min(k, effect.byYearsAfter.length) - 1] * baseline);
          if (effect.metric === 'netSalesYen') sales += delta;
          else profit += delta;
        }
        expect(f.netSalesYen - before.netSalesYen).toBe(sales);
        expect(f.operatingProfitYen - before.operatingProfitYen).toBe(profit);
        expect(f.employees).toBe(before.employees);
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThan(500);
  });

  it('is recovered by a difference in differences of adopted vs rejected applicants (ものづくり, 2 years after)', () => {
    const treated: number[] = [];
    const control: number[] = [];
    const baselines: number[] = [];
    for (const c of world) {
      for (const a of c.applications) {
        if (a.measureId !== 'monodukuri-kokafuka' || (a.status !== 'ADOPTED' && a.status !== 'REJECTED')) continue;
        const before = c.financials.find((f) => f.fiscalYear === a.fiscalYear - 1);
        const after = c.financials.find((f) => f.fiscalYear === a.fiscalYear + 2);
        if (!before || !after) continue;
        (a.status === 'ADOPTED' ? treated : control).push(after.netSalesYen - before.netSalesYen);
        if (a.status === 'ADOPTED') baselines.push(before.netSalesYen);
      }
    }
    const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
    const relative = (mean(treated) - mean(control)) / mean(baselines);
    expect(treated.length).toBeGreaterThan(300);
    expect(relative).toBeGreaterThan(0.05 - 0.04);
    expect(relative).toBeLessThan(0.05 + 0.04);
  });
});

describe('generator: COPY text', () => {
  it('writes one line per row in the column order of its table, and reads back the same values', () => {
    const chunk = chunkCopyText(world.slice(0, 200), 1000, 5000, 'sdp generate --seed 7');
    expect(chunk.counts.companies).toBe(200);
    expect(chunk.applications).toBe(world.slice(0, 200).reduce((n, c) => n + c.applications.length, 0));
    for (const [name, spec] of Object.entries(GENERATED_TABLES)) {
      const records = copyTextRecords(spec, chunk.texts[name as keyof typeof GENERATED_TABLES]);
      expect(records.length, name).toBe(chunk.counts[name as keyof typeof GENERATED_TABLES]);
      for (const line of chunk.texts[name as keyof typeof GENERATED_TABLES].split('\n').filter(Boolean)) expect(line.split('\t').length, name).toBe(spec.columns.length);
    }
    const companies = copyTextRecords(GENERATED_TABLES.companies, chunk.texts.companies);
    expect(companies[0]).toMatchObject({ id: '1000', corporate_number: world[0].corporateNumber, name: world[0].name, sme_category: world[0].smeCategory });
    const facts = copyTextRecords(GENERATED_TABLES.facts, chunk.texts.facts);
    expect(facts.find((f) => f.company_id === '1000' && f.key === 'needs')!.value).toEqual(world[0].needs);
    const applicationIds = copyTextRecords(GENERATED_TABLES.applications, chunk.texts.applications).map((a) => Number(a.id));
    expect(applicationIds).toEqual(applicationIds.map((_, k) => 5000 + k));
  });
});
