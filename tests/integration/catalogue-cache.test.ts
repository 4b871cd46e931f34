import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { statementCounterStorage, type Database } from '../../src/db/client.js';
import { loadCatalogue } from '../../src/modules/measure/catalogue.js';
import { syncCatalogue } from '../../src/modules/measure/measure.service.js';
import { ADOPTION_TTL_MS, cachedAdoptionStats, loadedCatalogue, SIGNATURE_TTL_MS } from '../../src/modules/recommendation/catalogue-cache.js';
import { adoptionKey } from '../../src/modules/recommendation/engine.js';
import { freshDatabase } from '../helpers/database.js';

/**
 * The recommendation catalogue and adoption statistics kept in memory: once read, no request waits for them again.
 * A change made behind the process's back (another process) is found by a re-read in the background, outside the
 * request's statement count, and served from then on.
 */
let database: Database;
beforeAll(async () => {
  database = await freshDatabase('sdp_catalogue_cache');
  await syncCatalogue(database, loadCatalogue());
}, 60_000);
afterAll(async () => {
  await database?.close();
});

/** Runs `work` as a request would, counting its statements. */
async function counted<T>(work: () => Promise<T>): Promise<{ value: T; statements: number }> {
  const counter = { count: 0 };
  const value = await statementCounterStorage.run(counter, work);
  return { value, statements: counter.count };
}

/** Polls `read` until `done` holds for its value (a background re-read takes a round trip or two). */
async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  for (let i = 0; i < 200; i += 1) {
    const value = await read();
    if (done(value)) return value;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('the background re-read never landed');
}

describe('the recommendation catalogue cache', () => {
  it('serves the catalogue at hand while a background signature check finds another process\'s change', async () => {
    const loaded = await loadedCatalogue(database, { fresh: true });
    const title = loaded.rows.get('yorozu')!.title;
    // another process rewrites a measure (the store changes its content hash with it)
    await database.query(`UPDATE measures SET title = title || '（改）', content_hash = md5(content_hash) WHERE id = 'yorozu'`);
    const later = Date.now() + SIGNATURE_TTL_MS;
    const served = await counted(() => loadedCatalogue(database, { now: later }));
    expect(served.value).toBe(loaded); // the catalogue at hand, at once
    expect(served.statements).toBe(0); // the check runs outside the request's statements
    const current = await eventually(() => loadedCatalogue(database, { now: later }), (c) => c !== loaded);
    expect(current.rows.get('yorozu')!.title).toBe(`${title}（改）`);
    // the batch asks for a fresh read and waits for it
    await database.query(`UPDATE measures SET title = $1, content_hash = md5(content_hash) WHERE id = 'yorozu'`, [title]);
    expect((await loadedCatalogue(database, { fresh: true, now: later })).rows.get('yorozu')!.title).toBe(title);
  });

  it('serves the adoption statistics at hand while they are re-read in the background', async () => {
    const [company] = await database.query<{ id: number }>(`INSERT INTO companies (name, kind) VALUES ('採択株式会社', 'KABUSHIKI_KAISHA') RETURNING id`);
    const decide = (status: string, key: string) => database.query(
      `INSERT INTO applications (company_id, measure_id, status, fiscal_year, start_key, start_input_hash, created_by, industry_code, sme_category)
       VALUES ($1, 'yorozu', $2, 2026, $3, 'h', 'test', 'E2911', 'SMALL')`, [company.id, status, key]);
    await decide('ADOPTED', 'a1');
    const key = adoptionKey('yorozu', 'E', 'SMALL');
    const start = Date.now();
    const first = await counted(() => cachedAdoptionStats(database, start));
    expect(first.value.get(key)).toEqual({ decided: 1, adopted: 1 });
    expect(first.statements).toBe(1); // the first read is waited for
    await decide('REJECTED', 'a2'); // decided since
    const later = start + ADOPTION_TTL_MS;
    const served = await counted(() => cachedAdoptionStats(database, later));
    expect(served.value).toBe(first.value); // at once, as they were
    expect(served.statements).toBe(0);
    const current = await eventually(() => cachedAdoptionStats(database, later), (stats) => stats !== first.value);
    expect(current.get(key)).toEqual({ decided: 2, adopted: 1 });
  });
});
