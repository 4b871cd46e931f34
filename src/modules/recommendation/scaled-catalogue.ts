/**
 * A catalogue scaled up to N measures for benchmarks: deterministic variants of the real measures.
 *
 * Variant k of measure m is `m.id` + `-v<k>` (variant 0 is the measure itself). Variants differ the way regional
 * and successor programmes do: some are limited to a region (a block of prefectures) or to a JSIC major division
 * (each backed by a hard criterion, as the catalogue format requires), rounds are shifted by whole weeks, and
 * `unlocks` point at the same variant of the target. Criteria are the real ones, so evaluation cost is realistic.
 */
import type { MeasureCatalogue, MeasureDefinition, MeasureRound } from '../measure/catalogue.js';
import type { Criterion } from '../measure/criteria.js';

const REGIONS: readonly (readonly string[])[] = [
  ['01'], ['02', '03', '04', '05', '06', '07'], ['08', '09', '10', '11', '12', '13', '14'], ['15', '16', '17', '18'],
  ['19', '20', '21', '22', '23', '24'], ['25', '26', '27', '28', '29', '30'], ['31', '32', '33', '34', '35'],
  ['36', '37', '38', '39'], ['40', '41', '42', '43', '44', '45', '46', '47'],
];
const MAJORS = ['A', 'D', 'E', 'G', 'H', 'I', 'K', 'L', 'M', 'N', 'P', 'R'];
const WEEK_MS = 7 * 86_400_000;

function shiftInstant(value: string, weeks: number): string {
  const time = Date.parse(value) + weeks * WEEK_MS;
  // keep the +09:00 wall-clock form of the catalogue
  const local = new Date(time + 9 * 3_600_000).toISOString().slice(0, 19);
  return `${local}+09:00`;
}

function variantOf(base: MeasureDefinition, k: number, ids: ReadonlySet<string>): MeasureDefinition {
  if (k === 0) return base;
  const id = `${base.id}-v${k}`;
  const criteria: Criterion[] = base.criteria.map((criterion) => ({ ...criterion, id: `${criterion.id}.v${k}` }));
  // every third variant is regional, every fifth is for one industry (unless the measure already is)
  const region = k % 3 === 1 && base.targetPrefectures.length === 0 ? REGIONS[k % REGIONS.length]! : base.targetPrefectures;
  const industries = k % 5 === 2 && base.industries.length === 0 ? [MAJORS[k % MAJORS.length]!] : base.industries;
  if (region !== base.targetPrefectures) {
    criteria.push({ id: `v${k}.region`, description: '対象地域に所在すること', hard: true, rule: { item: 'prefectureCode', in: [...region] } });
  }
  if (industries !== base.industries) {
    criteria.push({ id: `v${k}.industry`, description: '対象業種であること', hard: true, rule: { item: 'industryCode', prefixIn: [...industries] } });
  }
  const weeks = (k * 3) % 26 - 13;
  const rounds: MeasureRound[] = base.rounds.map((round) => ({
    ...round,
    acceptingFrom: shiftInstant(round.acceptingFrom, weeks),
    acceptingUntil: shiftInstant(round.acceptingUntil, weeks),
  }));
  return {
    ...base,
    id,
    title: `${base.title}（地域・分野別 第${k}版）`,
    targetPrefectures: [...region],
    industries: [...industries],
    unlocks: base.unlocks.map((target) => `${target}-v${k}`).filter((target) => ids.has(target)),
    rounds,
    criteria,
  };
}

/**
 * The catalogue with `count` measures: the real ones first, then variants in rounds over the real list
 * (deterministic; the same count always gives the same catalogue).
 */
export function scaleCatalogue(catalogue: MeasureCatalogue, count: number): MeasureCatalogue {
  const base = catalogue.measures;
  if (base.length === 0) throw new Error('cannot scale an empty catalogue');
  const planned = Array.from({ length: count }, (_, index) => ({ base: base[index % base.length]!, k: Math.floor(index / base.length) }));
  const ids = new Set(planned.map(({ base: measure, k }) => (k === 0 ? measure.id : `${measure.id}-v${k}`)));
  return {
    version: `${catalogue.version}+scaled${count}`,
    source: catalogue.source,
    measures: planned.map(({ base: measure, k }) => variantOf(measure, k, ids)),
  };
}
