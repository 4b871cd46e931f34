/**
 * Which source wins when several sources state the same data item (docs/adr/0004-fact-precedence.md).
 *
 * Every version is kept; the current value of an item is chosen in three tiers, and within a tier the newest
 * `asOf` wins (ties: the later recorded version, i.e. the higher id):
 * 1. the item's authoritative sources, in the order listed: the NTA for registry items (name, kana, postal code,
 *    address, prefecture, kind, closure, successor: the 法人番号公表サイト publishes the legal register);
 * 2. the company's own word: OWNER (updateCompanyFacts, recordFinancials) and APPLICATION (answers of submitted
 *    applications). They share a tier, so a later application answer corrects an earlier owner entry and vice versa;
 * 3. everything else: published third-party data (GBIZINFO, JGRANTS, IMPORT), demo data (DEMO) and values the
 *    platform derives from its own company record (PLATFORM).
 */
import { dataItem } from './data-items.js';

/** Sources whose word is the company's own: the newest of them wins for self-declared items. */
export const SELF_DECLARED_SOURCES: readonly string[] = Object.freeze(['OWNER', 'APPLICATION']);

/** The authoritative sources of an item, in order (empty when the company's own word comes first). */
export function authoritativeSources(key: string): readonly string[] {
  return dataItem(key)?.registry ? ['NTA'] : [];
}

export interface FactVersion {
  key: string;
  value: unknown;
  source: string;
  sourceRef: string | null;
  asOf: Date;
  id?: number;
}

/** Rank of a source for an item: lower wins (tier 1 ranks 0..n-1, tier 2 n, tier 3 n+1). */
export function sourceRank(key: string, source: string): number {
  const authoritative = authoritativeSources(key);
  const i = authoritative.indexOf(source);
  if (i >= 0) return i;
  return authoritative.length + (SELF_DECLARED_SOURCES.includes(source) ? 0 : 1);
}

/** True when version `a` should be current rather than `b` (same key). */
export function isBetterVersion(a: FactVersion, b: FactVersion): boolean {
  const ra = sourceRank(a.key, a.source);
  const rb = sourceRank(b.key, b.source);
  if (ra !== rb) return ra < rb;
  const ta = a.asOf.getTime();
  const tb = b.asOf.getTime();
  if (ta !== tb) return ta > tb;
  return (a.id ?? 0) > (b.id ?? 0);
}

/** Picks the current version of each item from all versions (any order in, sorted by key out). */
export function pickCurrent<F extends FactVersion>(versions: readonly F[]): F[] {
  const best = new Map<string, F>();
  for (const v of versions) {
    const cur = best.get(v.key);
    if (!cur || isBetterVersion(v, cur)) best.set(v.key, v);
  }
  return [...best.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
