/**
 * ローカルベンチマーク (ロカベン, METI): the six financial indicators of one fiscal year (domain.md §6), as pure
 * functions. An indicator that cannot be computed is null, with one note line saying why (no statements for the
 * previous year, zero sales, no employees, EBITDA ≤ 0, …).
 *
 * | indicator | formula |
 * |---|---|
 * | 売上高増加率 salesGrowthRate | 売上高 ÷ 前年度売上高 − 1 |
 * | 営業利益率 operatingMargin | 営業利益 ÷ 売上高 |
 * | 労働生産性 laborProductivityYen | 営業利益 ÷ 従業員数 (yen per employee; the METI sheet shows 千円) |
 * | EBITDA有利子負債倍率 ebitdaDebtRatio | (借入金 − 現預金) ÷ (営業利益 + 減価償却費), times |
 * | 営業運転資本回転期間 workingCapitalTurnoverMonths | (売上債権 + 棚卸資産 − 買入債務) ÷ (売上高 ÷ 12), months |
 * | 自己資本比率 equityRatio | 純資産 ÷ 総資産 |
 *
 * A negative EBITDA有利子負債倍率 (cash above borrowings) is kept: it means the company holds net cash. A
 * non-positive EBITDA makes the ratio meaningless, so it is not computed.
 */

/** One fiscal year's statements (the financials table's columns). */
export interface StatementsForBenchmark {
  fiscalYear: number;
  netSalesYen: number | null;
  operatingProfitYen: number | null;
  depreciationYen: number | null;
  totalAssetsYen: number | null;
  netAssetsYen: number | null;
  borrowingsYen: number | null;
  cashYen: number | null;
  receivablesYen: number | null;
  inventoryYen: number | null;
  payablesYen: number | null;
  employees: number | null;
}

/** The six indicators of one fiscal year. */
export interface LocalBenchmarkResult {
  fiscalYear: number;
  salesGrowthRate: number | null;
  operatingMargin: number | null;
  laborProductivityYen: number | null;
  ebitdaDebtRatio: number | null;
  workingCapitalTurnoverMonths: number | null;
  equityRatio: number | null;
  /** one line per indicator that could not be computed, and why */
  notes: string[];
}

const LABEL: Record<string, string> = {
  netSalesYen: '売上高',
  operatingProfitYen: '営業利益',
  depreciationYen: '減価償却費',
  totalAssetsYen: '総資産',
  netAssetsYen: '純資産',
  borrowingsYen: '借入金',
  cashYen: '現預金',
  receivablesYen: '売上債権',
  inventoryYen: '棚卸資産',
  payablesYen: '買入債務',
  employees: '従業員数',
};

const yen = (n: number): string => `${n.toLocaleString('ja-JP')}円`;

type Key = keyof Omit<StatementsForBenchmark, 'fiscalYear'>;

function missingOf(s: StatementsForBenchmark, keys: Key[]): string[] {
  return keys.filter((k) => s[k] === null || s[k] === undefined).map((k) => LABEL[k]!);
}

const missingNote = (indicator: string, fiscalYear: number, missing: string[]) =>
  `${indicator}: ${fiscalYear}年度の${missing.join('・')}が未登録のため計算できない`;

/**
 * Computes the six indicators for `fiscalYear` (the latest year with statements when omitted) from a company's
 * statements of any years. Null when there are no statements for that year.
 */
export function computeLocalBenchmark(statements: readonly StatementsForBenchmark[], fiscalYear?: number | null): LocalBenchmarkResult | null {
  if (statements.length === 0) return null;
  const year = fiscalYear ?? Math.max(...statements.map((s) => s.fiscalYear));
  const s = statements.find((r) => r.fiscalYear === year);
  if (!s) return null;
  const previous = statements.find((r) => r.fiscalYear === year - 1) ?? null;
  const notes: string[] = [];
  const result: LocalBenchmarkResult = {
    fiscalYear: year, salesGrowthRate: null, operatingMargin: null, laborProductivityYen: null, ebitdaDebtRatio: null,
    workingCapitalTurnoverMonths: null, equityRatio: null, notes,
  };
  const sales = s.netSalesYen;
  const op = s.operatingProfitYen;

  // 1 売上高増加率
  const growth = '売上高増加率';
  if (!previous) notes.push(`${growth}: 前年度（${year - 1}年度）の決算が未登録のため計算できない`);
  else if (previous.netSalesYen === null) notes.push(`${growth}: 前年度（${year - 1}年度）の売上高が未登録のため計算できない`);
  else if (previous.netSalesYen === 0) notes.push(`${growth}: 前年度（${year - 1}年度）の売上高が0円のため計算できない`);
  else if (sales === null) notes.push(missingNote(growth, year, ['売上高']));
  else result.salesGrowthRate = sales / previous.netSalesYen - 1;

  // 2 営業利益率
  const margin = '営業利益率';
  const marginMissing = missingOf(s, ['netSalesYen', 'operatingProfitYen']);
  if (marginMissing.length) notes.push(missingNote(margin, year, marginMissing));
  else if (sales === 0) notes.push(`${margin}: ${year}年度の売上高が0円のため計算できない`);
  else result.operatingMargin = op! / sales!;

  // 3 労働生産性
  const productivity = '労働生産性';
  const productivityMissing = missingOf(s, ['operatingProfitYen', 'employees']);
  if (productivityMissing.length) notes.push(missingNote(productivity, year, productivityMissing));
  else if (s.employees === 0) notes.push(`${productivity}: ${year}年度の従業員数が0人のため計算できない`);
  else result.laborProductivityYen = op! / s.employees!;

  // 4 EBITDA有利子負債倍率
  const ebitdaRatio = 'EBITDA有利子負債倍率';
  const ebitdaMissing = missingOf(s, ['borrowingsYen', 'cashYen', 'operatingProfitYen', 'depreciationYen']);
  if (ebitdaMissing.length) notes.push(missingNote(ebitdaRatio, year, ebitdaMissing));
  else {
    const ebitda = op! + s.depreciationYen!;
    if (ebitda <= 0) notes.push(`${ebitdaRatio}: EBITDA（営業利益＋減価償却費）が${yen(ebitda)}で0以下のため、倍率は意味を持たない`);
    else result.ebitdaDebtRatio = (s.borrowingsYen! - s.cashYen!) / ebitda;
  }

  // 5 営業運転資本回転期間
  const turnover = '営業運転資本回転期間';
  const turnoverMissing = missingOf(s, ['receivablesYen', 'inventoryYen', 'payablesYen', 'netSalesYen']);
  if (turnoverMissing.length) notes.push(missingNote(turnover, year, turnoverMissing));
  else if (sales === 0) notes.push(`${turnover}: ${year}年度の売上高が0円のため計算できない`);
  else result.workingCapitalTurnoverMonths = (s.receivablesYen! + s.inventoryYen! - s.payablesYen!) / (sales! / 12);

  // 6 自己資本比率
  const equity = '自己資本比率';
  const equityMissing = missingOf(s, ['netAssetsYen', 'totalAssetsYen']);
  if (equityMissing.length) notes.push(missingNote(equity, year, equityMissing));
  else if (s.totalAssetsYen! <= 0) notes.push(`${equity}: ${year}年度の総資産が0円のため計算できない`);
  else result.equityRatio = s.netAssetsYen! / s.totalAssetsYen!;

  return result;
}
