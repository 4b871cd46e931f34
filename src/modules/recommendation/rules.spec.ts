import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadCatalogue } from '../measure/catalogue.js';
import { defaultRulesPath, EXCLUDE_KINDS, formatPoints, loadRecommendationRules, parseRecommendationRules, reasonLine, renderTemplate, RulesError } from './rules.js';

const committed = JSON.parse(readFileSync(defaultRulesPath(), 'utf8')) as { rules: Array<Record<string, unknown>>; settings: Record<string, unknown> };

function problemsOf(mutate: (doc: typeof committed) => void): string[] {
  const doc = structuredClone(committed);
  mutate(doc);
  try {
    parseRecommendationRules(doc);
  } catch (error) {
    if (error instanceof RulesError) return [...error.problems];
    throw error;
  }
  return [];
}

describe('recommendation rules (seeds/recommendation-rules.json)', () => {
  it('loads, with every exclusion kind and a stable hash', () => {
    const rules = loadRecommendationRules();
    const kinds = rules.rules.map((rule) => rule.kind);
    for (const kind of EXCLUDE_KINDS) expect(kinds).toContain(kind);
    expect(rules.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(loadRecommendationRules().hash).toBe(rules.hash);
  });

  it('names only catalogue measures as certifications, each unlocking or certifying something', () => {
    const catalogue = loadCatalogue();
    const ids = new Set(catalogue.measures.map((measure) => measure.id));
    for (const measureId of Object.keys(loadRecommendationRules().settings.certificationNames)) expect(ids, measureId).toContain(measureId);
  });

  it('rejects a missing exclusion rule, an unknown kind, a duplicate id and an unknown placeholder, naming each', () => {
    expect(problemsOf((doc) => { doc.rules = doc.rules.filter((rule) => rule.kind !== 'hardCriteria'); }))
      .toContain('rules: the exclusion rule of kind hardCriteria is mandatory');
    expect(problemsOf((doc) => { doc.rules[5]!.kind = 'magic'; })[0]).toMatch(/rules\[5\]\(eligible\)\.kind: must be one of/);
    expect(problemsOf((doc) => { doc.rules[6]!.id = 'eligible'; })).toContain('rules: duplicate id "eligible"');
    expect(problemsOf((doc) => { doc.rules.find((rule) => rule.kind === 'needMatch')!.template = '課題{purpose}'; }))
      .toContain('rules[8](need-match).template: unknown placeholder {purpose} (kind needMatch has {need})');
    expect(problemsOf((doc) => { doc.rules.find((rule) => rule.kind === 'deadline')!.buckets = [{ withinDays: 30, weight: 1 }, { withinDays: 7, weight: 2 }]; }))
      .toContain('rules[15](deadline-soon).buckets[1].withinDays: buckets must be in increasing order');
    expect(problemsOf((doc) => { (doc.settings.push as Record<string, unknown>).topN = 0; })).toContain('settings.push.topN: must be a positive integer');
  });

  it('renders reason lines with the rule id and signed points', () => {
    expect(reasonLine('need-match', renderTemplate('経営課題「{need}」に対応', { need: '設備整備・IT導入をしたい' }), 3))
      .toBe('[need-match] 経営課題「設備整備・IT導入をしたい」に対応 (+3)');
    expect(formatPoints(-1)).toBe('-1');
    expect(formatPoints(0.5)).toBe('+0.5');
    expect(formatPoints(1.234)).toBe('+1.23');
  });
});
