/** Japanese wording shared by the rule engines (kind labels, yen amounts). Pure; no GraphQL. */

/** Japanese label of each CorporateKind. */
export const CORPORATE_KIND_LABELS: Readonly<Record<
  'NATIONAL_AGENCY' | 'LOCAL_GOVERNMENT' | 'KABUSHIKI_KAISHA' | 'YUGEN_KAISHA' | 'GOMEI_KAISHA' | 'GOSHI_KAISHA' | 'GODO_KAISHA' |
  'OTHER_REGISTERED' | 'FOREIGN_COMPANY' | 'OTHER' | 'SOLE_PROPRIETOR',
  string
>> = {
  NATIONAL_AGENCY: '国の機関',
  LOCAL_GOVERNMENT: '地方公共団体',
  KABUSHIKI_KAISHA: '株式会社',
  YUGEN_KAISHA: '有限会社',
  GOMEI_KAISHA: '合名会社',
  GOSHI_KAISHA: '合資会社',
  GODO_KAISHA: '合同会社',
  OTHER_REGISTERED: 'その他の設立登記法人',
  FOREIGN_COMPANY: '外国会社等',
  OTHER: 'その他',
  SOLE_PROPRIETOR: '個人事業主',
};

/** 300000000 → "3億円", 50000000 → "5,000万円", 123456789 → "1億2,345万6,789円", 0 → "0円". */
export function formatYen(amount: number): string {
  if (!Number.isFinite(amount)) return `${amount}円`;
  const sign = amount < 0 ? '−' : '';
  let rest = Math.round(Math.abs(amount));
  const oku = Math.floor(rest / 100_000_000);
  rest -= oku * 100_000_000;
  const man = Math.floor(rest / 10_000);
  const yen = rest - man * 10_000;
  const group = (n: number): string => n.toLocaleString('ja-JP');
  const parts = [oku > 0 ? `${group(oku)}億` : '', man > 0 ? `${group(man)}万` : '', yen > 0 || (oku === 0 && man === 0) ? group(yen) : ''];
  return `${sign}${parts.join('')}円`;
}
