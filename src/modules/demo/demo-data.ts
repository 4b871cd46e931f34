import { corporateNumberFromBase } from '../company/corporate-number.js';
import { createRandom, type Random } from './random.js';

/** One generated business with everything the platform stores about it (fictitious). */
export interface DemoCompany {
  corporateNumber: string | null;
  name: string;
  nameKana: string;
  kindCode: string | null;
  kind: string;
  prefectureCode: string;
  prefectureName: string;
  cityCode: string;
  cityName: string;
  street: string;
  postalCode: string;
  industryCode: string;
  capitalYen: number | null;
  employees: number;
  establishedOn: string;
  representativeName: string;
  closeDate: string | null;
  majorShareholders: Array<{ name: string; corporateNumber?: string; ratio: number; isLargeEnterprise: boolean }> | null;
  financials: Array<{
    fiscalYear: number; netSalesYen: number; operatingProfitYen: number; ordinaryProfitYen: number; depreciationYen: number;
    laborCostYen: number; totalAssetsYen: number; netAssetsYen: number; borrowingsYen: number; cashYen: number;
    receivablesYen: number; inventoryYen: number; payablesYen: number; employees: number;
  }>;
  needs: string[];
  certifications: Array<{ title: string; category: string; approvedOn: string; authority: string }>;
}

/** Where businesses are (weights roughly follow the 経済センサス distribution of firms). */
export const PLACES: ReadonlyArray<readonly [readonly [string, string, string, string, string], number]> = [
  [['13', '東京都', '104', '新宿区', '160'], 8], [['13', '東京都', '101', '千代田区', '100'], 5],
  [['27', '大阪府', '128', '大阪市中央区', '540'], 8], [['23', '愛知県', '101', '名古屋市千種区', '464'], 6],
  [['14', '神奈川県', '101', '横浜市鶴見区', '230'], 6], [['11', '埼玉県', '101', 'さいたま市西区', '331'], 5],
  [['12', '千葉県', '101', '千葉市中央区', '260'], 4], [['01', '北海道', '101', '札幌市中央区', '060'], 4],
  [['40', '福岡県', '133', '福岡市中央区', '810'], 4], [['28', '兵庫県', '101', '神戸市東灘区', '658'], 4],
  [['22', '静岡県', '101', '静岡市葵区', '420'], 3], [['04', '宮城県', '101', '仙台市青葉区', '980'], 2],
  [['34', '広島県', '101', '広島市中区', '730'], 2], [['26', '京都府', '101', '京都市北区', '603'], 2],
  [['31', '鳥取県', '201', '鳥取市', '680'], 1], [['47', '沖縄県', '201', '那覇市', '900'], 1],
  [['15', '新潟県', '101', '新潟市北区', '950'], 2], [['20', '長野県', '201', '長野市', '380'], 2],
];

/** JSIC codes with weights (by number of firms) and a word for names. */
export const INDUSTRIES: ReadonlyArray<readonly [readonly [string, string, string], number]> = [
  [['D06', '建設', 'ケンセツ'], 6], [['D07', '工務店', 'コウムテン'], 4], [['D08', '設備工業', 'セツビコウギョウ'], 3],
  [['E09', '食品', 'ショクヒン'], 3], [['E24', '金属工業', 'キンゾクコウギョウ'], 3], [['E26', '精機', 'セイキ'], 3],
  [['E19', 'ゴム工業', 'ゴムコウギョウ'], 1], [['E32', '製作所', 'セイサクショ'], 2],
  [['G391', 'ソフト', 'ソフト'], 2], [['G40', 'ネット', 'ネット'], 1], [['H44', '運輸', 'ウンユ'], 2],
  [['I52', '食品商事', 'ショクヒンショウジ'], 3], [['I53', '建材', 'ケンザイ'], 2], [['I58', '商店', 'ショウテン'], 6], [['I60', '堂', 'ドウ'], 5],
  [['K68', '不動産', 'フドウサン'], 4], [['K69', '管理', 'カンリ'], 4], [['L72', '事務所', 'ジムショ'], 3], [['L74', '技研', 'ギケン'], 2],
  [['M751', '旅館', 'リョカン'], 2], [['M76', '食堂', 'ショクドウ'], 8], [['N78', '美容室', 'ビヨウシツ'], 4], [['N80', 'レジャー', 'レジャー'], 1],
  [['O82', '学院', 'ガクイン'], 2], [['P83', 'クリニック', 'クリニック'], 2], [['P85', 'ケア', 'ケア'], 3],
  [['R92', 'サービス', 'サービス'], 3], [['A01', '農園', 'ノウエン'], 1],
];

export const STEMS: ReadonlyArray<readonly [string, string]> = [
  ['あおば', 'アオバ'], ['さくら', 'サクラ'], ['みどり', 'ミドリ'], ['ひかり', 'ヒカリ'], ['つばさ', 'ツバサ'], ['やまと', 'ヤマト'],
  ['はるか', 'ハルカ'], ['こだま', 'コダマ'], ['あさひ', 'アサヒ'], ['しらかば', 'シラカバ'], ['かえで', 'カエデ'], ['すばる', 'スバル'],
  ['なぎさ', 'ナギサ'], ['いずみ', 'イズミ'], ['ふたば', 'フタバ'], ['わかば', 'ワカバ'], ['たちばな', 'タチバナ'], ['むさし', 'ムサシ'],
];
export const FAMILY = ['山田', '佐藤', '鈴木', '高橋', '田中', '伊藤', '渡辺', '中村', '小林', '加藤', '吉田', '山本'];
export const GIVEN = ['太郎', '花子', '一郎', '美咲', '健', '陽子', '誠', '由美', '翔', '真理'];

/** Jグランツ use_purpose values (経営課題) a company may record as its needs. */
export const USE_PURPOSES = [
  '新たな事業を行いたい', '販路拡大・海外展開をしたい', '事業を引き継ぎたい', '研究開発・実証事業を行いたい', '人材育成を行いたい',
  '資金繰りを改善したい', '設備整備・IT導入をしたい', '雇用・職場環境を改善したい', 'エコ・SDGs活動支援がほしい', '安全・防災対策支援がほしい',
] as const;

/** Size bands of generated firms: SMEs ≈ 99.7 %, 小規模 ≈ 85 % (中小企業白書: 3.36 M SMEs of 3.37 M firms, 2.85 M 小規模). */
export type SizeBand = 'SMALL' | 'MEDIUM' | 'LARGE';
export const SIZE_WEIGHTS: ReadonlyArray<readonly [SizeBand, number]> = [['SMALL', 85], ['MEDIUM', 14.7], ['LARGE', 0.3]];

/** NTA kind codes of generated corporations (株式会社 most, then 合同会社, 特例有限会社, …) with weights. */
export const KIND_WEIGHTS: ReadonlyArray<readonly ['301' | '302' | '303' | '304' | '305', number]> = [['301', 80], ['305', 12], ['302', 6], ['304', 1], ['303', 1]];
/** contract CorporateKind of an NTA kind code */
export const KIND_NAMES: Readonly<Record<string, string>> = { '301': 'KABUSHIKI_KAISHA', '302': 'YUGEN_KAISHA', '303': 'GOMEI_KAISHA', '304': 'GOSHI_KAISHA', '305': 'GODO_KAISHA' };
/** name suffix and its kana per NTA kind code */
export const KIND_SUFFIXES: Readonly<Record<string, readonly [string, string]>> = {
  '301': ['株式会社', 'カブシキガイシャ'], '302': ['有限会社', 'ユウゲンガイシャ'], '303': ['合名会社', 'ゴウメイガイシャ'],
  '304': ['合資会社', 'ゴウシガイシャ'], '305': ['合同会社', 'ゴウドウガイシャ'],
};
/** the 2-digit organisation class inside a 法人番号's base number for an NTA kind code */
export const classCodeOf = (kindCode: string) => (kindCode === '305' ? '03' : kindCode === '302' ? '02' : '01');

/** One fiscal year of generated financial statements. */
export type DemoFinancials = DemoCompany['financials'][number];

/** 常時使用する従業員 of a firm of a size band (commerce and services have lower 小規模 limits). */
export function employeesFor(random: Random, size: SizeBand, commerceOrService: boolean): number {
  if (size === 'SMALL') return commerceOrService ? random.int(0, 5) : random.int(1, 20);
  if (size === 'MEDIUM') return commerceOrService ? random.int(6, 50) : random.int(21, 250);
  return random.int(400, 3000);
}

/** 商業・サービス業 (小規模 up to 5 employees) rather than 製造業その他 (up to 20). */
export const isCommerceOrService = (code: string) => /^(I|K|L|M76|N78|O|P|R|G)/.test(code) && !/^(M75|N80)/.test(code);

/**
 * Builds `count` fictitious businesses deterministically from `seed`: names end in （デモ）,
 * 法人番号 use the non-existent registry office code 9999 (valid check digits), about one in ten
 * is a sole proprietor, sizes follow Japan's mix (SMEs ≈ 99.7 %, 小規模 ≈ 85 % of them).
 */
export function buildDemoCompanies(count: number, seed = 2026): DemoCompany[] {
  const random = createRandom(seed);
  const out: DemoCompany[] = [];
  for (let i = 0; i < count; i++) out.push(buildOne(random, i));
  return out;
}

/** 資本金 of a corporation of a size band. */
export function capitalFor(random: Random, size: SizeBand): number {
  return size === 'LARGE'
    ? random.int(4, 50) * 100_000_000
    : size === 'MEDIUM'
      ? random.pick([10, 20, 30, 50, 80, 100, 150, 300]) * 1_000_000
      : random.pick([1, 3, 5, 10, 10, 20, 30]) * 1_000_000;
}

/** A date YYYY-MM-DD between two years (day 1–28). */
export function randomDate(random: Random, fromYear: number, toYear: number): string {
  const year = random.int(fromYear, toYear);
  return `${year}-${String(random.int(1, 12)).padStart(2, '0')}-${String(random.int(1, 28)).padStart(2, '0')}`;
}

/**
 * Financial statements for consecutive fiscal years: sales per employee (log-normal, median 18 M yen) times the
 * head count, growing 3 % a year with ±10 % noise; margins, labour cost and the balance sheet follow sales.
 * The head count of the last year is `employees`; earlier years may have one person fewer per year.
 */
export function buildFinancials(random: Random, employees: number, salesPerEmployee: number, years: readonly number[]): DemoFinancials[] {
  const last = years.length - 1;
  return years.map((fiscalYear, k) => {
    const heads = Math.max(1, employees + (k - last) * random.int(0, 1));
    const netSalesYen = Math.round(salesPerEmployee * Math.max(heads, 1) * (1 + 0.03 * k) * (0.9 + random.next() * 0.2));
    const operatingProfitYen = Math.round(netSalesYen * (random.next() * 0.12 - 0.03));
    const depreciationYen = Math.round(netSalesYen * 0.03);
    const laborCostYen = Math.round(Math.max(heads, 1) * random.logNormal(4_200_000, 0.15));
    const totalAssetsYen = Math.round(netSalesYen * (0.6 + random.next() * 0.6));
    const netAssetsYen = Math.round(totalAssetsYen * (random.next() * 0.6 - 0.05));
    return {
      fiscalYear, netSalesYen, operatingProfitYen, ordinaryProfitYen: Math.round(operatingProfitYen * 0.95), depreciationYen, laborCostYen,
      totalAssetsYen, netAssetsYen, borrowingsYen: Math.round(totalAssetsYen * random.next() * 0.5), cashYen: Math.round(totalAssetsYen * 0.15),
      receivablesYen: Math.round(netSalesYen / 12 * 1.5), inventoryYen: Math.round(netSalesYen / 12 * 0.8), payablesYen: Math.round(netSalesYen / 12), employees: heads,
    };
  });
}

/** 経営力向上計画 (≈ 15 %) or 事業継続力強化計画 (≈ 8.5 %) certifications. */
export function certificationsFor(random: Random): DemoCompany['certifications'] {
  return random.chance(0.15)
    ? [{ title: '経営力向上計画', category: '認定', approvedOn: `${random.int(2019, 2025)}-0${random.int(1, 9)}-15`, authority: '経済産業省' }]
    : random.chance(0.1) ? [{ title: '事業継続力強化計画', category: '認定', approvedOn: `${random.int(2020, 2025)}-1${random.int(0, 2)}-01`, authority: '経済産業省' }] : [];
}

/** One or two Jグランツ use_purpose values a company states as its needs. */
export function needsFor(random: Random): string[] {
  return [random.pick(USE_PURPOSES), ...(random.chance(0.4) ? [random.pick(USE_PURPOSES)] : [])].filter((v, k, a) => a.indexOf(v) === k);
}

function buildOne(random: Random, i: number): DemoCompany {
  const [[prefectureCode, prefectureName, cityCode, cityName, postalPrefix]] = [random.weighted(PLACES)];
  const [industryCode, word, wordKana] = random.weighted(INDUSTRIES);
  const [stem, stemKana] = random.pick(STEMS);
  const soleProprietor = random.chance(0.1);
  const size = random.weighted<SizeBand>([['SMALL', 85], ['MEDIUM', 14.7], ['LARGE', i % 97 === 5 ? 30 : 0.3]]);
  const commerce = isCommerceOrService(industryCode);
  const employees = soleProprietor ? random.int(0, 4) : employeesFor(random, size, commerce);
  const kindCode = soleProprietor ? null : random.weighted(KIND_WEIGHTS);
  const name = soleProprietor ? `${stem}${word}（デモ）` : `${stem}${word}${KIND_SUFFIXES[kindCode!][0]}（デモ）`;
  const nameKana = soleProprietor ? `${stemKana}${wordKana}` : `${stemKana}${wordKana}`;
  const serial = String(100000 + i).padStart(6, '0');
  const corporateNumber = soleProprietor ? null : corporateNumberFromBase(`9999${classCodeOf(kindCode!)}${serial}`);
  const capitalYen = soleProprietor ? null : capitalFor(random, size);
  const establishedOn = randomDate(random, 1960, 2024);
  const salesPerEmployee = random.logNormal(18_000_000, 0.5);
  const financials = buildFinancials(random, employees, salesPerEmployee, [2023, 2024, 2025]);
  const deemed = !soleProprietor && size !== 'LARGE' && i % 41 === 7;
  const majorShareholders = soleProprietor ? null : deemed
    ? [{ name: 'デモ大手ホールディングス株式会社', corporateNumber: corporateNumberFromBase('999901000001'), ratio: 0.6, isLargeEnterprise: true }, { name: `${FAMILY[i % FAMILY.length]}${GIVEN[i % GIVEN.length]}`, ratio: 0.4, isLargeEnterprise: false }]
    : [{ name: `${FAMILY[i % FAMILY.length]}${GIVEN[(i + 3) % GIVEN.length]}`, ratio: 0.7, isLargeEnterprise: false }];
  const certifications = certificationsFor(random);
  const needs = needsFor(random);
  return {
    corporateNumber, name, nameKana, kindCode, kind: soleProprietor ? 'SOLE_PROPRIETOR' : KIND_NAMES[kindCode!],
    prefectureCode, prefectureName, cityCode, cityName, street: `${random.int(1, 5)}-${random.int(1, 30)}-${random.int(1, 20)}`,
    postalCode: `${postalPrefix}${String(random.int(0, 9999)).padStart(4, '0')}`, industryCode, capitalYen, employees, establishedOn,
    representativeName: `${FAMILY[(i * 7) % FAMILY.length]} ${GIVEN[(i * 3) % GIVEN.length]}`,
    closeDate: !soleProprietor && i % 53 === 11 ? '2025-03-31' : null,
    majorShareholders, financials, needs, certifications,
  };
}
