import { PGlite } from '@electric-sql/pglite';
import { describe, expect, it } from 'vitest';
import { arrayParameter } from './prepared.js';

describe('arrayParameter', () => {
  it('writes numbers bare and strings quoted', () => {
    expect(arrayParameter([1, 22, 333])).toBe('{1,22,333}');
    expect(arrayParameter(['1234567890123'])).toBe('{"1234567890123"}');
    expect(arrayParameter([])).toBe('{}');
    expect(arrayParameter([1, null])).toBe('{1,NULL}');
  });

  it('escapes quotes and backslashes, so PostgreSQL reads back exactly the strings given', async () => {
    const tricky = ['a"b', 'c\\d', 'e,f', '{g}', ' h ', 'NULL', '', null];
    const pg = await PGlite.create();
    try {
      const { rows } = await pg.query<{ values: Array<string | null> }>('SELECT $1::text[] AS values', [arrayParameter(tricky)]);
      expect(rows[0]!.values).toEqual(tricky);
    } finally {
      await pg.close();
    }
  });
});
