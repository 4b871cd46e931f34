import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { migrateDatabase, openDatabase } from '../client.js';
import { companies, facts } from './index.js';

describe('jsonb columns', () => {
  it('return JSON strings that look like numbers or booleans as strings', async () => {
    const database = await openDatabase({ databaseUrl: undefined, dataDir: '', purpose: 'test', inMemory: true });
    try {
      await migrateDatabase(database);
      const [company] = await database.db.insert(companies).values({ name: 'テスト', kind: 'KABUSHIKI_KAISHA' }).returning();
      const values: unknown[] = ['1000001', 'true', 'null', 42, { a: '1' }, ['x'], true];
      await database.db.insert(facts).values(values.map((value, i) => ({ companyId: company.id, key: `k${i}`, value, source: 'OWNER', asOf: new Date(1000 * i) })));
      const rows = await database.db.select().from(facts).where(eq(facts.companyId, company.id)).orderBy(facts.key);
      expect(rows.map((r) => r.value)).toEqual(values);
    } finally {
      await database.close();
    }
  });
});
