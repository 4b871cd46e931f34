/**
 * What the generator calibrates to: where firms are (prefectures), which measures they apply to and how
 * often, how often each measure adopts (the published figures of seeds/subsidy-frames-fy2022.json), and
 * the treatment effects it injects into the financials of adopted applicants (so that EBPM estimates can
 * be checked against a known truth).
 */
import { adoptionRateFor, findSubsidyFrame, type SubsidyFrameKey } from '../ebpm/subsidy-frames.js';

/**
 * Firms (企業数, thousands) per prefecture, rounded from 中小企業白書 (平成28年経済センサス‐活動調査: 3.59 M
 * enterprises), with the prefectural capital used as the address of firms of prefectures the demo places do
 * not cover: [JIS code, weight, city code, city name, postal code prefix]. Approximate by design: the generator
 * needs the shape of the distribution (Tokyo ≈ 11.5 %, Osaka ≈ 7.4 %, Tottori ≈ 0.4 %), not the census.
 */
export const PREFECTURE_FIRMS: ReadonlyArray<readonly [string, number, string, string, string]> = [
  ['01', 146, '101', '札幌市中央区', '060'], ['02', 40, '201', '青森市', '030'], ['03', 39, '201', '盛岡市', '020'],
  ['04', 60, '101', '仙台市青葉区', '980'], ['05', 33, '201', '秋田市', '010'], ['06', 39, '201', '山形市', '990'],
  ['07', 60, '201', '福島市', '960'], ['08', 83, '201', '水戸市', '310'], ['09', 62, '201', '宇都宮市', '320'],
  ['10', 65, '201', '前橋市', '371'], ['11', 165, '101', 'さいたま市西区', '331'], ['12', 127, '101', '千葉市中央区', '260'],
  ['13', 414, '104', '新宿区', '160'], ['14', 194, '101', '横浜市鶴見区', '230'], ['15', 79, '101', '新潟市北区', '950'],
  ['16', 36, '201', '富山市', '930'], ['17', 42, '201', '金沢市', '920'], ['18', 31, '201', '福井市', '910'],
  ['19', 32, '201', '甲府市', '400'], ['20', 75, '201', '長野市', '380'], ['21', 70, '201', '岐阜市', '500'],
  ['22', 119, '101', '静岡市葵区', '420'], ['23', 195, '101', '名古屋市千種区', '464'], ['24', 50, '201', '津市', '514'],
  ['25', 35, '201', '大津市', '520'], ['26', 80, '101', '京都市北区', '603'], ['27', 266, '128', '大阪市中央区', '540'],
  ['28', 146, '101', '神戸市東灘区', '658'], ['29', 30, '201', '奈良市', '630'], ['30', 35, '201', '和歌山市', '640'],
  ['31', 15, '201', '鳥取市', '680'], ['32', 21, '201', '松江市', '690'], ['33', 51, '101', '岡山市北区', '700'],
  ['34', 80, '101', '広島市中区', '730'], ['35', 36, '203', '山口市', '753'], ['36', 25, '201', '徳島市', '770'],
  ['37', 32, '201', '高松市', '760'], ['38', 45, '201', '松山市', '790'], ['39', 25, '201', '高知市', '780'],
  ['40', 133, '133', '福岡市中央区', '810'], ['41', 23, '201', '佐賀市', '840'], ['42', 40, '201', '長崎市', '850'],
  ['43', 49, '101', '熊本市中央区', '860'], ['44', 33, '201', '大分市', '870'], ['45', 33, '201', '宮崎市', '880'],
  ['46', 51, '201', '鹿児島市', '890'], ['47', 44, '201', '那覇市', '900'],
];

/** How the generator treats one measure's applications. */
export interface MeasureCalibration {
  readonly measureId: string;
  /**
   * Published frames whose cumulative figures (to the end of FY2022) give the adoption rate. Several frames are
   * pooled (Σ adopted / Σ applications) when a measure stands for a whole programme.
   */
  readonly rateFrames: readonly SubsidyFrameKey[];
  /** When true the same frames also give the application volume (Σ cumulative applications). */
  readonly volumeFromFrames: boolean;
  /** Applications weight when no published frame matches the measure (an assumption, see `assumption`). */
  readonly assumedApplications?: number;
  /** Adoption rate when no published frame matches the measure (an assumption). */
  readonly assumedAdoptionRate?: number;
  /** Fiscal years (年度) in which the measure accepted applications, within the generated window. */
  readonly fiscalYears: readonly number[];
  /** Why an assumed value was chosen, or which published frame stands in for the measure. */
  readonly note: string;
}

const years = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, k) => from + k);
const MONO = 'ものづくり補助金';
const JIZOKUKA = '小規模事業者持続化補助金';
const IT = 'IT導入補助金';
const SAIKOCHIKU = '事業再構築補助金';
const SHOKEI = '事業承継・引継ぎ補助金';
const frame = (program: string, name: string): SubsidyFrameKey => ({ program, frame: name });
const allFrames = (program: string, names: readonly string[]) => names.map((name) => frame(program, name));
const MONO_ALL = allFrames(MONO, ['通常枠', '特別枠', '新特別枠', 'デジタル枠・グリーン枠']);
const JIZOKUKA_ALL = allFrames(JIZOKUKA, ['通常枠', '特別枠', '新特別枠', '賃金引上げ枠', '卒業枠', '後継者支援枠', '創業枠', 'インボイス枠']);
const IT_ALL = allFrames(IT, ['通常枠', '特別枠', '新特別枠', 'デジタル化基盤導入類型', '複数社連携IT導入類型']);
const SHOKEI_ALL = allFrames(SHOKEI, ['経営革新事業', '専門家活用事業', '廃業・再チャレンジ事業']);

/** The generated applications window: fiscal years 2021–2025 (令和3–7年度). */
export const APPLICATION_FISCAL_YEARS = years(2021, 2025);

/**
 * The subsidies the generator files applications to, with the published frame each is calibrated to.
 * Measures of the catalogue that are not listed here (loans, tax measures, certifications, consulting…)
 * get no generated applications.
 */
export const MEASURE_CALIBRATIONS: readonly MeasureCalibration[] = [
  { measureId: 'jizokuka-ippan', rateFrames: [frame(JIZOKUKA, '通常枠')], volumeFromFrames: true, fiscalYears: years(2021, 2025), note: '持続化補助金 通常枠' },
  { measureId: 'jizokuka-sogyo', rateFrames: [frame(JIZOKUKA, '創業枠')], volumeFromFrames: true, fiscalYears: years(2022, 2025), note: '持続化補助金 創業枠 (from FY2022)' },
  { measureId: 'jizokuka-saigai', rateFrames: JIZOKUKA_ALL, volumeFromFrames: false, assumedApplications: 2_000, fiscalYears: years(2024, 2025), note: 'no published frame: the rate of all 持続化 frames; volume assumed (能登 2024)' },
  { measureId: 'monodukuri-kokafuka', rateFrames: [frame(MONO, '通常枠')], volumeFromFrames: true, fiscalYears: years(2021, 2025), note: 'ものづくり補助金 通常枠' },
  { measureId: 'monodukuri-global', rateFrames: MONO_ALL, volumeFromFrames: false, assumedApplications: 2_000, fiscalYears: years(2023, 2025), note: 'no published frame: the rate of all ものづくり frames; volume assumed' },
  { measureId: 'it-donyu-tsujo', rateFrames: [frame(IT, '通常枠')], volumeFromFrames: true, fiscalYears: years(2021, 2025), note: 'IT導入補助金 通常枠' },
  { measureId: 'it-donyu-invoice', rateFrames: [frame(IT, 'デジタル化基盤導入類型')], volumeFromFrames: true, fiscalYears: years(2022, 2025), note: 'デジタル化基盤導入類型, the frame the インボイス枠 succeeded' },
  { measureId: 'it-donyu-denshi-torihiki', rateFrames: [frame(IT, 'デジタル化基盤導入類型')], volumeFromFrames: false, assumedApplications: 3_000, fiscalYears: years(2023, 2025), note: 'the rate of デジタル化基盤導入類型; volume assumed' },
  { measureId: 'it-donyu-security', rateFrames: IT_ALL, volumeFromFrames: false, assumedApplications: 3_000, fiscalYears: years(2024, 2025), note: 'no published frame: the rate of all IT導入 frames; volume assumed' },
  { measureId: 'it-donyu-fukusu-renkei', rateFrames: [frame(IT, '複数社連携IT導入類型')], volumeFromFrames: true, fiscalYears: years(2022, 2025), note: '複数社連携IT導入類型 (7 applications: very rare)' },
  { measureId: 'jigyo-saikochiku', rateFrames: [frame(SAIKOCHIKU, '通常枠')], volumeFromFrames: true, fiscalYears: years(2021, 2024), note: '事業再構築補助金 通常枠 (last round closed 2025-03)' },
  { measureId: 'shokei-ma-shokei-sokushin', rateFrames: [frame(SHOKEI, '経営革新事業')], volumeFromFrames: true, fiscalYears: years(2022, 2025), note: '事業承継・引継ぎ補助金 経営革新事業' },
  { measureId: 'shokei-ma-senmonka', rateFrames: [frame(SHOKEI, '専門家活用事業')], volumeFromFrames: true, fiscalYears: years(2022, 2025), note: '事業承継・引継ぎ補助金 専門家活用事業' },
  { measureId: 'shokei-ma-haigyo', rateFrames: [frame(SHOKEI, '廃業・再チャレンジ事業')], volumeFromFrames: true, fiscalYears: years(2022, 2025), note: '事業承継・引継ぎ補助金 廃業・再チャレンジ事業' },
  { measureId: 'shokei-ma-pmi', rateFrames: SHOKEI_ALL, volumeFromFrames: false, assumedApplications: 300, fiscalYears: [2025], note: 'no published frame: the rate of all 事業承継・引継ぎ frames; volume assumed' },
  { measureId: 'shoryokuka-catalog', rateFrames: [], volumeFromFrames: false, assumedApplications: 5_000, assumedAdoptionRate: 0.5, fiscalYears: years(2024, 2025), note: 'no published figures: rate 50 % and volume assumed' },
  { measureId: 'shoryokuka-ippan', rateFrames: [], volumeFromFrames: false, assumedApplications: 5_000, assumedAdoptionRate: 0.5, fiscalYears: years(2024, 2025), note: 'no published figures: rate 50 % and volume assumed' },
  { measureId: 'shinjigyo-shinshutsu', rateFrames: [], volumeFromFrames: false, assumedApplications: 5_000, assumedAdoptionRate: 0.5, fiscalYears: [2025], note: 'no published figures: rate 50 % and volume assumed' },
  { measureId: 'seicho-kasoku', rateFrames: [], volumeFromFrames: false, assumedApplications: 1_000, assumedAdoptionRate: 0.5, fiscalYears: [2025], note: 'no published figures: rate 50 % and volume assumed' },
  { measureId: 'gyomu-kaizen', rateFrames: [], volumeFromFrames: false, assumedApplications: 10_000, assumedAdoptionRate: 0.5, fiscalYears: years(2021, 2025), note: 'no published figures: rate 50 % and volume assumed' },
];

/** No company applies to a measure twice, so it has at most one application per calibrated measure. */
export const MAX_APPLICATIONS_PER_COMPANY = MEASURE_CALIBRATIONS.length;

/** A calibration with its figures worked out. */
export interface ResolvedCalibration extends MeasureCalibration {
  /** share of decided applications that are adopted */
  readonly adoptionRate: number;
  /** relative number of applications (published cumulative applications, or the assumption) */
  readonly volume: number;
}

/**
 * Works out adoption rate and volume of every calibrated measure from the published figures.
 * @throws Error when a frame is missing from the seed or a measure has neither figures nor an assumption.
 */
export function resolveCalibrations(list: readonly MeasureCalibration[] = MEASURE_CALIBRATIONS): ResolvedCalibration[] {
  return list.map((calibration) => {
    let adopted = 0;
    let applications = 0;
    for (const key of calibration.rateFrames) {
      const figures = findSubsidyFrame(key);
      if (!figures) throw new Error(`generator calibration of ${calibration.measureId}: no published frame ${key.program} ${key.frame}`);
      adopted += figures.adoptedCumulative;
      applications += figures.applicationsCumulative;
    }
    const adoptionRate = applications > 0 ? adopted / applications : calibration.assumedAdoptionRate;
    const volume = calibration.volumeFromFrames ? applications : calibration.assumedApplications;
    if (adoptionRate === undefined || volume === undefined) throw new Error(`generator calibration of ${calibration.measureId}: neither published figures nor an assumption`);
    return { ...calibration, adoptionRate, volume };
  });
}

/** The published cumulative adoption rate of one frame (for tests and reports). */
export const publishedAdoptionRate = (key: SubsidyFrameKey) => adoptionRateFor(key, 'CUMULATIVE');

/** A financial item the generator can shift for adopted applicants. */
export type EffectMetric = 'netSalesYen' | 'operatingProfitYen';

/**
 * A treatment effect injected into the financials of adopted applicants of one measure.
 *
 * For an application adopted with fiscal year Y, the company's `metric` in fiscal year Y + k (k ≥ 1) is raised by
 * `byYearsAfter[min(k, length) − 1] × netSales(Y − 1)`, where netSales(Y − 1) is the company's net sales in the
 * fiscal year before the application, before any injected effect. Rejected, withdrawn and pending applicants get
 * nothing, and adoption is drawn independently of every company attribute, so the difference in differences
 * (adopted − rejected) of `metric` between Y − 1 and Y + k has the expectation
 * `byYearsAfter[k − 1] × mean(netSales(Y − 1) of the adopted)`; divided by that mean it estimates the rate itself.
 * Ordinary profit moves with operating profit (× 0.95); nothing else changes.
 */
export interface InjectedEffect {
  readonly measureId: string;
  readonly metric: EffectMetric;
  /** effect 1, 2, … fiscal years after the application year, as a share of the baseline net sales */
  readonly byYearsAfter: readonly number[];
  readonly description: string;
}

/** The effects the generator injects. Every other measure has no effect at all (a true zero). */
export const INJECTED_EFFECTS: readonly InjectedEffect[] = [
  { measureId: 'monodukuri-kokafuka', metric: 'netSalesYen', byYearsAfter: [0.025, 0.05], description: 'ものづくり: net sales +2.5 % of the baseline 1 year after adoption, +5 % from 2 years after' },
  { measureId: 'jigyo-saikochiku', metric: 'netSalesYen', byYearsAfter: [0.04, 0.08], description: '事業再構築: net sales +4 % 1 year after adoption, +8 % from 2 years after' },
  { measureId: 'jizokuka-ippan', metric: 'netSalesYen', byYearsAfter: [0.03], description: '持続化 一般型: net sales +3 % from 1 year after adoption' },
  { measureId: 'it-donyu-tsujo', metric: 'operatingProfitYen', byYearsAfter: [0.01], description: 'IT導入 通常枠: operating profit +1 % of the baseline net sales (one margin point) from 1 year after adoption' },
];

/** The injected effect of a measure `yearsAfter` fiscal years after the application year (0 when none). */
export function injectedEffectRate(measureId: string, metric: EffectMetric, yearsAfter: number): number {
  const effect = INJECTED_EFFECTS.find((e) => e.measureId === measureId && e.metric === metric);
  if (!effect || yearsAfter < 1) return 0;
  return effect.byYearsAfter[Math.min(yearsAfter, effect.byYearsAfter.length) - 1];
}
