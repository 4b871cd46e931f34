/**
 * Which source wins when several sources state the same data item.
 *
 * Rule: the item's authoritative sources first (in the order listed), then every other source,
 * and within the same rank the newest asOf wins. Registry items are authoritative from the NTA
 * (the 法人番号公表サイト is the legal register's publication); what a company itself declares
 * (employees, financial items, needs) is authoritative from the owner and from its own
 * applications; published third-party data (gBizINFO) fills the gaps.
 */
export const SOURCE_PRECEDENCE: Record<string, string[]> = {
  name: ['NTA'],
  nameKana: ['NTA'],
  postalCode: ['NTA'],
  address: ['NTA'],
  prefectureCode: ['NTA'],
  closeDate: ['NTA'],
};

/** Sources whose word is the company's own: the newest of them wins for self-declared items. */
export const SELF_DECLARED_SOURCES = ['OWNER', 'APPLICATION'];

export interface FactVersion {
  key: string;
  value: unknown;
  source: string;
  sourceRef: string | null;
  asOf: Date;
  id?: number;
}

/** Rank of a source for an item: lower wins. */
export function sourceRank(key: string, source: string): number {
  const authoritative = SOURCE_PRECEDENCE[key];
  if (authoritative) {
    const i = authoritative.indexOf(source);
    return i >= 0 ? i : authoritative.length + (SELF_DECLARED_SOURCES.includes(source) ? 0 : 1);
  }
  return SELF_DECLARED_SOURCES.includes(source) ? 0 : 1;
}

/** Picks the current version of each item from all versions (any order in, sorted by key out). */
export function pickCurrent<F extends FactVersion>(versions: F[]): F[] {
  const best = new Map<string, F>();
  for (const v of versions) {
    const cur = best.get(v.key);
    if (!cur || isBetter(v, cur)) best.set(v.key, v);
  }
  return [...best.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

function isBetter(a: FactVersion, b: FactVersion): boolean {
  const ra = sourceRank(a.key, a.source);
  const rb = sourceRank(b.key, b.source);
  if (ra !== rb) return ra < rb;
  const ta = a.asOf.getTime();
  const tb = b.asOf.getTime();
  if (ta !== tb) return ta > tb;
  return (a.id ?? 0) > (b.id ?? 0);
}
