import { describe, expect, it } from 'vitest';
import { loadCatalogue } from '../measure/catalogue.js';
import { contentHashOf } from './batch-chunk.js';
import { measureStates } from './batch.js';
import { prepareCatalogue, type EngineRecommendation } from './engine.js';
import { loadRecommendationRules } from './rules.js';

const prepared = prepareCatalogue(loadCatalogue().measures, loadRecommendationRules());
const at = (iso: string) => new Date(iso);

describe('measure states (what a rerun compares)', () => {
  it('stay the same within a deadline bucket and change when a window or bucket changes', () => {
    const a = measureStates(prepared, at('2026-11-25T12:00:00+09:00'), new Map());
    const b = measureStates(prepared, at('2026-11-26T12:00:00+09:00'), new Map());
    expect(b['jizokuka-ippan']).toBe(a['jizokuka-ippan']);
    const c = measureStates(prepared, at('2026-12-05T12:00:00+09:00'), new Map());
    expect(c['jizokuka-ippan']).not.toBe(a['jizokuka-ippan']);
    // always-open measures never change with time
    expect(c['yorozu']).toBe(a['yorozu']);
  });

  it('change when a measure\'s adoption rate among similar companies moves by a 10 % step', () => {
    const now = at('2026-11-25T12:00:00+09:00');
    const base = measureStates(prepared, now, new Map([['jizokuka-ippan|E|SMALL', { decided: 40, adopted: 20 }]]));
    const same = measureStates(prepared, now, new Map([['jizokuka-ippan|E|SMALL', { decided: 41, adopted: 21 }]]));
    const moved = measureStates(prepared, now, new Map([['jizokuka-ippan|E|SMALL', { decided: 40, adopted: 30 }]]));
    expect(same['jizokuka-ippan']).toBe(base['jizokuka-ippan']);
    expect(moved['jizokuka-ippan']).not.toBe(base['jizokuka-ippan']);
    expect(moved['monodukuri-kokafuka']).toBe(base['monodukuri-kokafuka']);
  });
});

describe('stored row digest', () => {
  const recommendation: EngineRecommendation = {
    measureId: 'jizokuka-ippan', score: 11.5, verdict: 'ELIGIBLE', upcoming: false,
    reasons: ['[need-match] 経営課題「販路拡大・海外展開をしたい」に対応 (+3)', '[open-window] 第20回を受付中（2026年12月11日締切） (+2)'],
    ruleIds: ['need-match', 'open-window'], missingData: [],
  };

  it('is stable for the same content and changes with score, rank, reasons, order or missing data', () => {
    const digest = contentHashOf(recommendation, 1);
    expect(contentHashOf({ ...recommendation, reasons: [...recommendation.reasons] }, 1)).toBe(digest);
    expect(contentHashOf(recommendation, 2)).not.toBe(digest);
    expect(contentHashOf({ ...recommendation, score: 11 }, 1)).not.toBe(digest);
    expect(contentHashOf({ ...recommendation, reasons: [...recommendation.reasons].reverse() }, 1)).not.toBe(digest);
    expect(contentHashOf({ ...recommendation, reasons: [recommendation.reasons[0]!] }, 1)).not.toBe(digest);
    expect(contentHashOf({ ...recommendation, verdict: 'UNKNOWN', missingData: ['employees'] }, 1)).not.toBe(digest);
  });
});
