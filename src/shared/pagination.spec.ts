import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor, toLazyPage, toPage } from './pagination.js';

describe('toPage', () => {
  it('takes first rows of first+1 and says whether more follow', () => {
    const page = toPage([{ id: 1 }, { id: 2 }, { id: 3 }], 2, 7, (r) => [r.id]);
    expect(page.edges.map((e) => e.node.id)).toEqual([1, 2]);
    expect(page.pageInfo).toEqual({ hasNextPage: true, endCursor: encodeCursor([2]) });
    expect(page.totalCount).toBe(7);
    expect(decodeCursor(page.pageInfo.endCursor, 1)).toEqual([2]);
  });
});

describe('toLazyPage', () => {
  it('counts only when totalCount is read, and once however often it is read', async () => {
    let counted = 0;
    const page = toLazyPage([{ id: 5 }], 20, async () => {
      counted += 1;
      return 42;
    }, (r) => [r.id]);
    expect(page.edges).toHaveLength(1);
    expect(page.pageInfo.hasNextPage).toBe(false);
    expect(counted).toBe(0);
    expect(await page.totalCount).toBe(42);
    expect(await page.totalCount).toBe(42);
    expect(counted).toBe(1);
  });
});
