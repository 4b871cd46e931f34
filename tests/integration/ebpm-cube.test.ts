import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { ApplicationCubeCache, EBPM_DIMENSIONS } from '../../src/modules/ebpm/application-cube.js';
import { EbpmDimension } from '../../src/shared/enums.js';
import { freshDatabase } from '../helpers/database.js';


/**
 * The application cube cache on its own (no HTTP): the worker-thread mode used at scale answers
 * exactly like the in-thread mode, serves the previous cube while it rebuilds, and its background
 * refresh picks up changes without any query.
 */
describe('EBPM application cube cache', () => {
  let database: Database;
  let companyId: number;

  const insertApplications = async (count: number, status: string, measureId = 'CUBE-A', prefecture = '13') => {
    await database.query(
      `INSERT INTO applications (company_id, measure_id, status, fiscal_year, prefecture_code, industry_code, sme_category, start_key, start_input_hash, created_by, submitted_at)
       SELECT $1, $2, $3, 2024 + g % 2, $4, (ARRAY['E29','G39','P85'])[1 + g % 3], (ARRAY['SMALL','MEDIUM'])[1 + g % 2], 'cube-' || $2 || $3 || $4 || g || '-' || random(), 't', 'cube-test', now()
       FROM generate_series(1, $5::int) g`,
      [companyId, measureId, status, prefecture, count],
    );
  };

  beforeAll(async () => {
    database = await freshDatabase('sdp_cube');
    await database.query(`INSERT INTO measures (id, title, kind, agency, source, content_hash) VALUES ('CUBE-A', 'a', 'SUBSIDY', 'x', 'TEST', 'h'), ('CUBE-B', 'b', 'SUBSIDY', 'x', 'TEST', 'h')`);
    companyId = Number((await database.query<{ id: number }>(`INSERT INTO companies (name, kind) VALUES ('cube', 'OTHER') RETURNING id`))[0]!.id);
    await insertApplications(40, 'ADOPTED');
    await insertApplications(25, 'REJECTED');
    await insertApplications(7, 'SUBMITTED', 'CUBE-B', '27');
    await insertApplications(30, 'ADOPTED', 'CUBE-B', '01');
  });
  afterAll(async () => database?.close());

  const groupBys: EbpmDimension[][] = [];
  for (let mask = 0; mask < 1 << EBPM_DIMENSIONS.length; mask++) {
    const dims = EBPM_DIMENSIONS.filter((_, d) => (mask & (1 << d)) !== 0);
    if (dims.length <= 3) groupBys.push(dims);
  }

  it('answers every query shape identically in a worker thread and in this thread', async () => {
    const inline = new ApplicationCubeCache(database, { threshold: 10 });
    const worker = new ApplicationCubeCache(database, { threshold: 10, inlineCellLimit: 0 });
    try {
      const [a, b] = [await inline.snapshot(), await worker.snapshot()];
      expect([a.mode, b.mode]).toEqual(['inline', 'worker']);
      expect(b.summary).toEqual(a.summary);
      for (const groupBy of groupBys) {
        expect(await b.handle.publishedTable(groupBy, {}), groupBy.join('×')).toEqual(await a.handle.publishedTable(groupBy, {}));
      }
      const { MEASURE, PREFECTURE, STATUS, INDUSTRY, SME_CATEGORY } = EbpmDimension;
      const filter = { [MEASURE]: ['CUBE-B'], [PREFECTURE]: ['27', '01'] };
      expect(await b.handle.publishedTable([STATUS], filter)).toEqual(await a.handle.publishedTable([STATUS], filter));
      await expect(b.handle.publishedTable([MEASURE, STATUS, INDUSTRY, SME_CATEGORY], {})).rejects.toBeInstanceOf(RangeError);
    } finally {
      inline.dispose();
      worker.dispose();
    }
  });

  it('rebuilds in this thread on the first query after a change (small data: real time)', async () => {
    const cache = new ApplicationCubeCache(database, { threshold: 10 });
    try {
      const total = async () => (await (await cache.snapshot()).handle.publishedTable([], {}))[0]!.applications;
      const before = await total();
      await insertApplications(1, 'SUBMITTED');
      expect(await total()).toBe(before! + 1);
    } finally {
      cache.dispose();
    }
  });

  it('at scale serves the previous cube while a worker builds the next, and refreshes in the background', async () => {
    const cache = new ApplicationCubeCache(database, { threshold: 10, inlineCellLimit: 0, refreshIntervalMs: 100 });
    try {
      const first = await cache.snapshot();
      const total = async (snapshot = first) => (await snapshot.handle.publishedTable([], {}))[0]!.applications!;
      const before = await total();

      await insertApplications(2, 'SUBMITTED');
      const stale = await cache.snapshot(); // answered at once from the previous cube; a rebuild starts
      expect(stale).toBe(first);
      const fresh = await cache.rebuild();
      expect(fresh.version).toBeGreaterThan(first.version);
      expect(await total(fresh)).toBe(before + 2);
      expect(await cache.snapshot()).toBe(fresh);

      // no query at all: the refresh timer notices the new version and rebuilds
      await insertApplications(3, 'SUBMITTED');
      const deadline = Date.now() + 20_000;
      while (cache.latest() === fresh && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      const refreshed = cache.latest()!;
      expect(refreshed).not.toBe(fresh);
      expect(await total(refreshed)).toBe(before + 5);
    } finally {
      cache.dispose();
    }
  });
});
