import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq, inArray, like, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { freshDatabase } from '../helpers/database.js';
import { applications, companies, measureRounds, measures } from '../../src/db/schema/index.js';
import { importJgrantsFiles } from '../../src/modules/importers/jgrants/jgrants-import.js';
import { loadCatalogue, type MeasureCatalogue } from '../../src/modules/measure/catalogue.js';
import { loadConfig } from '../../src/config.js';
import { ANONYMOUS } from '../../src/shared/auth/viewer.js';
import { createContext } from '../../src/context.js';
import { measureByIdLoader, syncCatalogue } from '../../src/modules/measure/measure.service.js';
import { projectRoot } from '../../src/shared/paths.js';

const fixtureDir = join(projectRoot(), 'tests', 'fixtures', 'jgrants');
const realDir = join(projectRoot(), '..', 'shared', 'data', 'real', 'jgrants');
const REAL_DETAILS = join(realDir, 'detail_v2_result_objects.82.ojkbc-cache.json');
const REAL_LIST = join(realDir, 'list_v1_items.first28.rooom-latest.json');

/**
 * One database for the whole file (the blocks run in order and look at their own rows): in-memory PGlite, or a new
 * database on the PostgreSQL server of SDP_TEST_DATABASE_URL (so concurrent syncs run on real connections).
 */
let database: Database;
beforeAll(async () => {
  database = await freshDatabase('sdp_measures');
}, 60_000);
afterAll(async () => {
  await database?.close();
});

async function snapshot(database: Database, prefix: string): Promise<string> {
  const rows = await database.db.select({ id: measures.id, hash: measures.contentHash, updatedAt: measures.updatedAt }).from(measures)
    .where(like(measures.id, `${prefix}%`)).orderBy(measures.id);
  const rounds = await database.db.select().from(measureRounds).where(like(measureRounds.measureId, `${prefix}%`)).orderBy(measureRounds.id);
  return JSON.stringify({ rows, rounds });
}

describe('syncCatalogue', () => {
  const catalogue = loadCatalogue();

  it('loads every measure and round, then a rerun touches nothing', async () => {
    const first = await syncCatalogue(database, catalogue);
    expect(first.created).toHaveLength(catalogue.measures.length);
    const [{ n }] = await database.query<{ n: number }>('SELECT count(*)::int AS n FROM measure_rounds');
    expect(Number(n)).toBe(catalogue.measures.reduce((sum, m) => sum + m.rounds.length, 0));
    const before = await snapshot(database, '');
    const second = await syncCatalogue(database, catalogue);
    expect(second).toMatchObject({ created: [], changed: [], removed: [], retained: [] });
    expect(second.unchanged).toHaveLength(catalogue.measures.length);
    expect(await snapshot(database, '')).toBe(before);
  });

  it('rewrites a changed measure, deletes a removed one, and keeps a removed one that applications reference', async () => {
    const [company] = await database.db.insert(companies).values({ name: 'テスト株式会社', kind: 'KABUSHIKI_KAISHA' }).returning({ id: companies.id });
    await database.db.insert(applications).values({
      companyId: company!.id, measureId: 'yorozu', status: 'DRAFT', fiscalYear: 2026, startKey: 'k1', startInputHash: 'h', createdBy: 'test',
    });
    const edited: MeasureCatalogue = {
      ...catalogue,
      version: '2099-01-01.1',
      measures: catalogue.measures
        .filter((m) => m.id !== 'webee-campus' && m.id !== 'yorozu')
        .map((m) => (m.id === 'jizokuka-ippan' ? { ...m, maxAmountYen: 3_000_000, rounds: m.rounds.slice(0, 2) } : m)),
    };
    // measures by id come from the process's catalogue cache: a sync in this process must be seen at once
    const byId = (id: string) => measureByIdLoader(createContext(loadConfig({}), database, ANONYMOUS)).load(id);
    expect(await byId('webee-campus')).not.toBeNull();
    const cachedBefore = await byId('jizokuka-ippan');
    const result = await syncCatalogue(database, edited);
    expect(cachedBefore!.maxAmountYen).not.toBe(3_000_000);
    expect(await byId('jizokuka-ippan')).toMatchObject({ maxAmountYen: 3_000_000, catalogueVersion: '2099-01-01.1' });
    expect(await byId('webee-campus')).toBeNull();
    expect(result).toMatchObject({ created: [], changed: ['jizokuka-ippan'], removed: ['webee-campus'], retained: ['yorozu'] });
    const [jizokuka] = await database.db.select().from(measures).where(eq(measures.id, 'jizokuka-ippan'));
    expect(jizokuka).toMatchObject({ maxAmountYen: 3_000_000, catalogueVersion: '2099-01-01.1' });
    expect(await database.db.select().from(measureRounds).where(eq(measureRounds.measureId, 'jizokuka-ippan'))).toHaveLength(2);
    const left = await database.db.select({ id: measures.id }).from(measures).where(inArray(measures.id, ['webee-campus', 'yorozu']));
    expect(left.map((r) => r.id)).toEqual(['yorozu']);
    // back to the committed catalogue
    const restored = await syncCatalogue(database, catalogue);
    expect(restored.created).toEqual(['webee-campus']);
    expect(restored.changed).toEqual(expect.arrayContaining(['jizokuka-ippan']));
  });

  it('is safe when several processes sync at once', async () => {
    const results = await Promise.all([syncCatalogue(database, catalogue), syncCatalogue(database, catalogue), syncCatalogue(database, catalogue)]);
    for (const result of results) expect(result.unchanged).toHaveLength(catalogue.measures.length);
  });
});

describe('sdp import jgrants (fixtures)', () => {
  let scratch: string;
  const fixtures = ['envelope-list.json', 'detail-v2-keyed.json', 'detail-v1-malicious.json'].map((f) => join(fixtureDir, f));
  beforeAll(() => {
    scratch = mkdtempSync(join(tmpdir(), 'sdp-jgrants-'));
  });
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('imports the measures, lists the rejects with reasons, and a rerun changes nothing', async () => {
    const progress: string[] = [];
    const first = await importJgrantsFiles(database, fixtures, { onProgress: (p) => progress.push(`${p.stage} ${p.done}/${p.total}`) });
    expect(first).toMatchObject({ files: 3, measures: 6, windows: 7, new: 6, changed: 0, unchanged: 0, rejected: 3 });
    expect(first.rejects.map((r) => r.reason)).toEqual(expect.arrayContaining(['missing id', expect.stringMatching(/not 18/), 'missing title']));
    expect(first.rejects.every((r) => r.file === 'envelope-list.json')).toBe(true);
    expect(progress).toEqual(['read 1/3', 'read 2/3', 'read 3/3', 'write 6/6']);
    const rows = await database.db.select().from(measures).where(eq(measures.source, 'JGRANTS'));
    expect(rows).toHaveLength(6);
    const zeroCap = rows.find((r) => r.id === 'jgrants-a0W5h00000AbCdE001')!;
    expect(zeroCap).toMatchObject({ maxAmountYen: null, kind: 'SUBSIDY', jgrantsId: 'a0W5h00000AbCdE001', sourceRef: 'list:S-00000001' });

    const before = await snapshot(database, 'jgrants-');
    const second = await importJgrantsFiles(database, fixtures);
    expect(second).toMatchObject({ new: 0, changed: 0, unchanged: 6, rejected: 3 });
    expect(await snapshot(database, 'jgrants-')).toBe(before);
  });

  it('updates a changed record and never lets a list item replace a stored detail', async () => {
    const detail = JSON.parse(readFileSync(join(fixtureDir, 'detail-v1-malicious.json'), 'utf8')) as Record<string, unknown>;
    const changedFile = join(scratch, 'changed.json');
    writeFileSync(changedFile, JSON.stringify({ ...detail, subsidy_max_limit: 2_000_000 }));
    expect(await importJgrantsFiles(database, [changedFile])).toMatchObject({ new: 0, changed: 1, unchanged: 0 });
    const [row] = await database.db.select().from(measures).where(eq(measures.id, 'jgrants-a0W5h00000AbCdEFGH'));
    expect(row!.maxAmountYen).toBe(2_000_000);

    const listFile = join(scratch, 'list.json');
    writeFileSync(listFile, JSON.stringify({ result: [{ id: 'a0W5h00000AbCdEFGH', name: 'S-00001234', title: '一覧の表記', subsidy_max_limit: 0 }] }));
    const listed = await importJgrantsFiles(database, [listFile]);
    expect(listed).toMatchObject({ new: 0, changed: 0, unchanged: 1, keptDetail: 1 });
    const [kept] = await database.db.select().from(measures).where(eq(measures.id, 'jgrants-a0W5h00000AbCdEFGH'));
    expect(kept).toMatchObject({ title: row!.title, maxAmountYen: 2_000_000, sourceRef: 'detail:S-00001234' });
  });

  it('rejects a file that is not JSON or not a Jグランツ document and still loads the others', async () => {
    const broken = join(scratch, 'broken.json');
    writeFileSync(broken, '{ not json');
    const other = join(scratch, 'other.json');
    writeFileSync(other, JSON.stringify('just a string'));
    const result = await importJgrantsFiles(database, [broken, other, fixtures[1]!]);
    expect(result.rejects.map((r) => [r.file, r.path])).toEqual([['broken.json', '$'], ['other.json', '$']]);
    expect(result.rejects[0]!.reason).toMatch(/cannot read the file as JSON/);
    expect(result).toMatchObject({ files: 3, measures: 2, unchanged: 2 });
  });
});

describe.skipIf(!existsSync(REAL_DETAILS))('sdp import jgrants (real samples in ../shared/data/real/jgrants)', () => {
  const realIds = (): string[] => Object.keys(JSON.parse(readFileSync(REAL_DETAILS, 'utf8')) as Record<string, unknown>).map((id) => `jgrants-${id}`);

  it('imports 82 details with 115 windows; a rerun changes nothing', async () => {
    const first = await importJgrantsFiles(database, [REAL_DETAILS]);
    expect(first).toMatchObject({ measures: 82, windows: 115, new: 82, changed: 0, unchanged: 0, rejected: 0 });
    const [{ n }] = await database.db.select({ n: sql<number>`count(*)::int` }).from(measureRounds).where(inArray(measureRounds.measureId, realIds()));
    expect(Number(n)).toBe(115);
    const before = await snapshot(database, 'jgrants-');
    const second = await importJgrantsFiles(database, [REAL_DETAILS]);
    expect(second).toMatchObject({ new: 0, changed: 0, unchanged: 82 });
    expect(await snapshot(database, 'jgrants-')).toBe(before);
  });

  it('stores sanitised HTML, JSIC industries, prefecture targets and valid criteria for every measure', async () => {
    const rows = await database.db.select().from(measures).where(inArray(measures.id, realIds()));
    expect(rows).toHaveLength(82);
    for (const row of rows) {
      expect(row.detailHtml ?? '', row.id).not.toMatch(/<script|<style|<iframe|\son\w+=|javascript:/i);
      for (const code of row.industries) expect(code).toMatch(/^[A-T]$/);
      for (const code of row.targetPrefectures) expect(code).toMatch(/^(0[1-9]|[1-3][0-9]|4[0-7])$/);
      expect(row.maxAmountYen === null || row.maxAmountYen > 0, row.id).toBe(true);
    }
    const bands = rows.filter((row) => (row.criteria as Array<{ id: string }>).some((c) => c.id === 'jgrants.employees'));
    expect(bands.length).toBeGreaterThan(0);
  });

  it.skipIf(!existsSync(REAL_LIST))('adds the list items without downgrading details of the same id', async () => {
    const count = async (): Promise<number> => Number((await database.db.select({ n: sql<number>`count(*)::int` }).from(measures).where(eq(measures.source, 'JGRANTS')))[0]!.n);
    const before = await count();
    const result = await importJgrantsFiles(database, [REAL_LIST]);
    expect(result.measures).toBe(28);
    expect(result.new + result.unchanged + result.changed).toBe(28);
    expect(await count()).toBe(before + result.new);
    const details = await database.db.select({ id: measures.id, sourceRef: measures.sourceRef }).from(measures).where(inArray(measures.id, realIds()));
    expect(details.every((row) => row.sourceRef?.startsWith('detail:'))).toBe(true);
    expect(await importJgrantsFiles(database, [REAL_LIST])).toMatchObject({ new: 0, changed: 0, unchanged: 28 });
  });
});
