import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { corporateNumberFromBase } from '../../src/modules/company/corporate-number.js';
import { importNtaFile } from '../../src/modules/importers/nta/nta-import.js';
import { freshDatabase } from '../helpers/database.js';

const REAL = join(process.cwd(), '..', 'shared', 'data', 'real', 'nta');
const TOTTORI = join(REAL, 'bulk', '31_tottori_all_20260731.sjis.csv');
const DIFF = join(REAL, 'diff', 'diff_20210714.csv');


/** A row in the NTA column order (30 fields, every field quoted). */
function ntaRow(seq: number, n: string, over: Partial<Record<string, string>> = {}): string {
  const f: Record<string, string> = {
    seq: String(seq), n, process: '01', correct: '0', updateDate: '2024-04-01', changeDate: '2015-10-05', name: 'テスト商事株式会社', nameImageId: '',
    kind: '301', pref: '鳥取県', city: '鳥取市', street: '東町１丁目２２０', addressImageId: '', prefCode: '31', cityCode: '201', post: '6808570',
    outside: '', outsideImageId: '', closeDate: '', closeCause: '', successor: '', changeCause: '', assignmentDate: '2015-10-05', latest: '1',
    enName: '', enPref: '', enCity: '', enOutside: '', furigana: 'テストショウジ', hihyoji: '0', ...over,
  };
  return Object.values(f).map((v) => `"${v}"`).join(',');
}

async function count(db: Database, sql: string): Promise<number> {
  const [row] = await db.query<{ n: number }>(sql);
  return Number(row.n);
}

async function snapshot(db: Database) {
  return {
    companies: await db.query(`SELECT corporate_number, name, close_date::text, successor_corporate_number, nta_process, nta_update_date::text FROM companies ORDER BY corporate_number`),
    history: await count(db, 'SELECT count(*)::int AS n FROM company_registry_history'),
  };
}

describe('sdp import nta', () => {
  let db: Database;
  let dir: string;
  beforeEach(async () => {
    db = await freshDatabase('sdp_nta');
    dir = mkdtempSync(join(tmpdir(), 'sdp-nta-'));
  });
  afterEach(async () => db?.close());

  const a = corporateNumberFromBase('700001010001');
  const b = corporateNumberFromBase('700001010002');
  const c = corporateNumberFromBase('700001010003');

  it('imports a Shift_JIS CRLF file, rejects malformed rows with their line numbers, and is idempotent', async () => {
    const lines = [
      ntaRow(1, a),
      ntaRow(2, b, { name: '株式会社ｻﾝﾌﾟﾙ髙橋', kind: '305' }),
      ntaRow(3, '1234567890123'),
      ntaRow(4, c, { process: '21', closeDate: '2024-03-31', closeCause: '01' }),
      '"5","bad row with too few fields"',
    ];
    const file = join(dir, 'sample.csv');
    writeFileSync(file, iconv.encode(lines.join('\r\n') + '\r\n', 'cp932'));
    const first = await importNtaFile(db, file, { rejectsDir: join(dir, 'rejects') });
    expect(first).toMatchObject({ rows: 5, new: 3, rejected: 2 });
    const rejects = readFileSync(first.rejectsFile!, 'utf8').split('\n');
    expect(rejects[1]).toMatch(/^3\t.*check digit/i);
    expect(rejects[2]).toMatch(/^5\t/);
    const [row] = await db.query<{ name: string; kind: string }>(`SELECT name, kind FROM companies WHERE corporate_number = '${b}'`);
    expect(row).toEqual({ name: '株式会社ｻﾝﾌﾟﾙ髙橋', kind: 'GODO_KAISHA' });
    expect(await count(db, 'SELECT count(*)::int AS n FROM companies WHERE close_date IS NOT NULL')).toBe(1);
    const before = await snapshot(db);
    const second = await importNtaFile(db, file, { rejectsDir: join(dir, 'rejects') });
    expect(second).toMatchObject({ new: 0, changed: 0, unchanged: 3, rejected: 2 });
    expect(await snapshot(db)).toEqual(before);
  });

  it('applies a diff on top: changes, closure with successor, history rows kept, older rows never overwrite newer state', async () => {
    const bulk = join(dir, 'bulk.csv');
    writeFileSync(bulk, [ntaRow(1, a), ntaRow(2, b)].join('\n'));
    await importNtaFile(db, bulk, { rejectsDir: dir });
    const diff = join(dir, 'diff.csv');
    writeFileSync(diff, '\ufeff' + [
      ntaRow(1, a, { latest: '0' }),
      ntaRow(2, a, { process: '11', updateDate: '2024-05-01', changeDate: '2024-04-20', name: 'テスト新商事株式会社' }),
      ntaRow(3, b, { process: '71', updateDate: '2024-05-01', closeDate: '2024-04-30', closeCause: '11', successor: a }),
    ].join('\n'));
    const s = await importNtaFile(db, diff, { rejectsDir: dir });
    // the latest=0 row restates the bulk state as history: stored as a history row of its own
    expect(s).toMatchObject({ rows: 3, unchanged: 0, closed: 1, changed: 2 });
    const rows = await db.query<{ corporate_number: string; name: string; close_date: string | null; successor_corporate_number: string | null }>(
      'SELECT corporate_number, name, close_date::text, successor_corporate_number FROM companies ORDER BY corporate_number');
    expect(rows.find((r) => r.corporate_number === a)!.name).toBe('テスト新商事株式会社');
    expect(rows.find((r) => r.corporate_number === b)).toMatchObject({ close_date: '2024-04-30', successor_corporate_number: a });
    expect(await count(db, `SELECT count(*)::int AS n FROM company_registry_history WHERE corporate_number = '${a}'`)).toBe(3);
    // re-importing the older bulk file does not roll the name back
    await importNtaFile(db, bulk, { rejectsDir: dir });
    const [after] = await db.query<{ name: string }>(`SELECT name FROM companies WHERE corporate_number = '${a}'`);
    expect(after.name).toBe('テスト新商事株式会社');
  });

  it('an import killed mid-file and rerun ends in exactly the state of one clean run', async () => {
    const file = join(dir, 'many.csv');
    const rows = Array.from({ length: 250 }, (_, i) => ntaRow(i + 1, corporateNumberFromBase(String(710000000000 + i)), { name: `会社${i}` }));
    writeFileSync(file, rows.join('\n'));
    let batches = 0;
    await expect(importNtaFile(db, file, {
      rejectsDir: dir, batchSize: 40,
      onProgress: () => {
        batches += 1;
        if (batches === 3) throw new Error('killed');
      },
    })).rejects.toThrow('killed');
    const partial = await count(db, 'SELECT count(*)::int AS n FROM companies');
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThan(250);
    const resumed = await importNtaFile(db, file, { rejectsDir: dir, batchSize: 40 });
    expect(resumed.resumedFrom).toBe(partial);
    const clean = await freshDatabase('sdp_nta');
    try {
      await importNtaFile(clean, file, { rejectsDir: dir, batchSize: 40 });
      expect(await snapshot(db)).toEqual(await snapshot(clean));
    } finally {
      await clean.close();
    }
  });

  it.skipIf(!existsSync(TOTTORI))('imports the real Tottori bulk file: 20,214 companies, 2,764 closed; a rerun changes nothing; the real diff applies on top', async () => {
    const first = await importNtaFile(db, TOTTORI, { rejectsDir: dir });
    expect(first).toMatchObject({ rows: 20214, new: 20214, rejected: 0 });
    expect(await count(db, 'SELECT count(*)::int AS n FROM companies')).toBe(20214);
    expect(await count(db, 'SELECT count(*)::int AS n FROM companies WHERE close_date IS NOT NULL')).toBe(2764);
    const again = await importNtaFile(db, TOTTORI, { rejectsDir: dir });
    expect(again).toMatchObject({ new: 0, changed: 0, closed: 0, unchanged: 20214 });
    const diff = await importNtaFile(db, DIFF, { rejectsDir: dir });
    expect(diff.rejected).toBe(0);
    expect(diff.rows).toBe(2772);
    expect(await count(db, 'SELECT count(*)::int AS n FROM company_registry_history WHERE NOT latest')).toBeGreaterThan(0);
  }, 300_000);
});
