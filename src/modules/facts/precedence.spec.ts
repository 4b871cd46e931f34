import { describe, expect, it } from 'vitest';
import { pickCurrent, sourceRank, type FactVersion } from './precedence.js';

const v = (key: string, source: string, asOf: string, value: unknown, id?: number): FactVersion => ({
  key, source, value, sourceRef: null, asOf: new Date(asOf), ...(id !== undefined ? { id } : {}),
});

describe('source precedence', () => {
  it('registry items: the NTA wins over newer statements of any other source', () => {
    const current = pickCurrent([
      v('address', 'NTA', '2020-01-01T00:00:00Z', '東京都千代田区1'),
      v('address', 'OWNER', '2025-01-01T00:00:00Z', '東京都港区2'),
      v('address', 'GBIZINFO', '2026-01-01T00:00:00Z', '東京都港区3'),
    ]);
    expect(current).toHaveLength(1);
    expect(current[0]).toMatchObject({ source: 'NTA', value: '東京都千代田区1' });
  });

  it('registry items without an NTA value: the company’s own word, then third parties', () => {
    const current = pickCurrent([
      v('postalCode', 'GBIZINFO', '2026-01-01T00:00:00Z', '1000001'),
      v('postalCode', 'APPLICATION', '2024-01-01T00:00:00Z', '1000002'),
    ]);
    expect(current[0]).toMatchObject({ source: 'APPLICATION', value: '1000002' });
  });

  it('other items: OWNER and APPLICATION share a tier and the newest wins; gBizINFO only fills gaps', () => {
    const versions = [
      v('employees', 'GBIZINFO', '2026-03-01T00:00:00Z', 40),
      v('employees', 'OWNER', '2025-01-01T00:00:00Z', 12),
      v('employees', 'APPLICATION', '2025-06-01T00:00:00Z', 14),
      v('url', 'GBIZINFO', '2020-01-01T00:00:00Z', 'https://a.example'),
    ];
    const current = pickCurrent(versions);
    expect(current.map((f) => [f.key, f.source, f.value])).toEqual([
      ['employees', 'APPLICATION', 14],
      ['url', 'GBIZINFO', 'https://a.example'],
    ]);
    // a later owner correction supersedes the application answer
    const corrected = pickCurrent([...versions, v('employees', 'OWNER', '2025-09-01T00:00:00Z', 15)]);
    expect(corrected[0]).toMatchObject({ source: 'OWNER', value: 15 });
  });

  it('same source and instant: the later recorded version (higher id) wins, whatever the input order', () => {
    const a = v('phone', 'OWNER', '2025-01-01T00:00:00Z', '03-1111-1111', 7);
    const b = v('phone', 'OWNER', '2025-01-01T00:00:00Z', '03-2222-2222', 9);
    expect(pickCurrent([a, b])[0].value).toBe('03-2222-2222');
    expect(pickCurrent([b, a])[0].value).toBe('03-2222-2222');
  });

  it('ranks: authoritative < self-declared < others', () => {
    expect(sourceRank('name', 'NTA')).toBeLessThan(sourceRank('name', 'OWNER'));
    expect(sourceRank('name', 'OWNER')).toBeLessThan(sourceRank('name', 'GBIZINFO'));
    expect(sourceRank('capitalYen', 'OWNER')).toBe(sourceRank('capitalYen', 'APPLICATION'));
    expect(sourceRank('capitalYen', 'APPLICATION')).toBeLessThan(sourceRank('capitalYen', 'GBIZINFO'));
    expect(sourceRank('capitalYen', 'NTA')).toBe(sourceRank('capitalYen', 'GBIZINFO'));
  });
});
