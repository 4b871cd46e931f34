import { createWriteStream, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import iconv from 'iconv-lite';
import { afterAll, describe, expect, it } from 'vitest';
import { corporateNumberFromBase } from '../../company/corporate-number.js';
import { NTA_COLUMNS } from './nta-record.js';
import type { NtaRecord } from './nta-record.js';
import { NtaFileReader, detectNtaEncoding, parseNtaApiHeader, readNtaFile } from './nta-source.js';
import type { NtaLine, NtaRejectedLine, ReadNtaFileOptions } from './nta-source.js';

const FIXTURES = join(import.meta.dirname, '../../../../tests/fixtures/nta');
const REAL = '/work/shared/data/real/nta';

const scratch = mkdtempSync(join(tmpdir(), 'sdp-nta-source-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

async function readAll(path: string, options?: ReadNtaFileOptions): Promise<{ reader: NtaFileReader; lines: NtaLine[] }> {
  const reader = readNtaFile(path, options);
  const lines: NtaLine[] = [];
  for await (const line of reader) lines.push(line);
  return { reader, lines };
}

function recordsOf(lines: NtaLine[]): NtaRecord[] {
  return lines.flatMap((line) => (line.ok ? [line.record] : []));
}

function rejectsOf(lines: NtaLine[]): NtaRejectedLine[] {
  return lines.flatMap((line) => (line.ok ? [] : [line]));
}

function scratchFile(name: string, content: string | Buffer): string {
  const path = join(scratch, name);
  writeFileSync(path, content);
  return path;
}

/** One CSV row as the NTA writes it: text fields quoted, codes, numbers and dates bare. */
function csvRow(sequence: number, base12: string, name: string, overrides: Partial<Record<string, string>> = {}): string {
  const row: Record<string, string> = {
    sequenceNumber: String(sequence), corporateNumber: corporateNumberFromBase(base12), process: '01', correct: '0',
    updateDate: '2024-03-29', changeDate: '2015-10-05', name, nameImageId: '', kind: '301', prefectureName: '東京都',
    cityName: '港区', streetNumber: '芝公園１丁目１番１号', addressImageId: '', prefectureCode: '13', cityCode: '103',
    postCode: '1050011', addressOutside: '', addressOutsideImageId: '', closeDate: '', closeCause: '',
    successorCorporateNumber: '', changeCause: '', assignmentDate: '2015-10-05', latest: '1', enName: '',
    enPrefectureName: '', enCityName: '', enAddressOutside: '', furigana: 'テスト', hihyoji: '0', ...overrides,
  };
  const quoted = new Set(['name', 'prefectureName', 'cityName', 'streetNumber', 'addressOutside', 'changeCause', 'enName', 'enPrefectureName', 'enCityName', 'enAddressOutside', 'furigana']);
  return NTA_COLUMNS.map((column) => {
    const value = row[column]!;
    return quoted.has(column) && value !== '' ? `"${value.replaceAll('"', '""')}"` : value;
  }).join(',');
}

/** Rows of fictitious companies with valid check digits: 株式会社テスト000001, … */
function manyRows(count: number, from = 1): string[] {
  return Array.from({ length: count }, (_, i) => {
    const serial = String(from + i).padStart(6, '0');
    return csvRow(from + i, `010001${serial}`, `株式会社テスト${serial}`);
  });
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = CRC_TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** A zip with stored (uncompressed) entries, enough to test entry selection without a zip tool. */
function storedZip(entries: { name: string; data: Buffer }[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const { name, data } of entries) {
    const nameBytes = Buffer.from(name);
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x21, 12); // 1980-01-01
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x21, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, data);
    centrals.push(central, nameBytes);
    offset += local.length + nameBytes.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

describe('readNtaFile on the project fixtures', () => {
  it('reads a Shift_JIS (CP932) CRLF bulk file, 全角 and CP932-only characters included', async () => {
    const { reader, lines } = await readAll(join(FIXTURES, 'sjis-crlf.csv'));
    expect(rejectsOf(lines)).toEqual([]);
    const records = recordsOf(lines);
    expect(lines.map((line) => line.lineNumber)).toEqual([1, 2, 3, 4, 5]);
    expect(records.map((record) => record.name)).toEqual([
      '株式会社テスト商事',
      '有限会社髙橋製作所', // 髙 is an IBM extension of CP932, not plain Shift_JIS
      '合同会社サンプル～ワークス①', // ～ decodes to U+FF5E and ① is an NEC special character
      '合資会社テスト物産',
      'テスト町',
    ]);
    // CP932 0x817C is U+FF0D, the same hyphen the NTA's Unicode files use
    expect(records[1]!.streetNumber).toBe('両三柳８６８番地１\uFF0D２');
    expect(records[0]!.enCityName).toBe('1-234, Higashimachi, Tottori shi');
    expect(records[1]!.nameImageId).toBe('00990001');
    expect(records[3]).toMatchObject({
      process: '21',
      closeDate: '2024-04-01',
      closeCause: '11',
      successorCorporateNumber: records[0]!.corporateNumber,
    });
    expect(records[4]!.kind).toBe('201');
    expect(reader.info).toEqual({ container: 'plain', entryName: null, format: 'csv', encoding: 'cp932', hadBom: false });
    expect(reader.header).toBeNull();
    expect(reader.stats).toEqual({ lines: 5, records: 5, rejects: 0, blankLines: 0 });
    const size = statSync(join(FIXTURES, 'sjis-crlf.csv')).size;
    expect(reader.progress).toEqual({ bytesRead: size, totalBytes: size });
  });

  it('reads a UTF-8 file with BOM, LF and no final newline, JIS level 3/4 characters included', async () => {
    const { reader, lines } = await readAll(join(FIXTURES, 'utf8-bom-lf.csv'));
    expect(rejectsOf(lines)).toEqual([]);
    const [history, current, overseas] = recordsOf(lines);
    expect(reader.info).toMatchObject({ encoding: 'utf-8', hadBom: true, format: 'csv' });
    expect(history).toMatchObject({ sequenceNumber: 1, name: '株式会社吉野テスト', latest: false, correct: true });
    expect(current).toMatchObject({ process: '11', name: '株式会社𠮷野テスト', latest: true });
    expect(current!.enName).toBe('Yoshino "Test" Co., Ltd.');
    expect(overseas).toMatchObject({
      kind: '401',
      prefectureCode: null,
      cityCode: null,
      postCode: null,
      addressOutside: 'アメリカ合衆国カリフォルニア州テスト市１２３',
    });
    expect(lines.at(-1)!.lineNumber).toBe(3);
  });

  it('reads the CSV entry of an NTA-style zip and skips the .asc signature', async () => {
    const zipPath = join(FIXTURES, '99_test_all_20240329.zip');
    const { reader, lines } = await readAll(zipPath);
    const plain = await readAll(join(FIXTURES, 'sjis-crlf.csv'));
    expect(lines).toEqual(plain.lines);
    expect(reader.info).toEqual({
      container: 'zip',
      entryName: '99_test_all_20240329.csv',
      format: 'csv',
      encoding: 'cp932',
      hadBom: false,
    });
    // progress counts the uncompressed entry
    expect(reader.progress).toEqual({ bytesRead: 1096, totalBytes: 1096 });
  });

  it('turns each malformed row into a reject with its physical line number and keeps the good rows', async () => {
    const path = join(FIXTURES, 'malformed.csv');
    const { reader, lines } = await readAll(path);
    const physical = readFileSync(path, 'utf8').split('\n');
    expect(lines.filter((line) => line.ok).map((line) => line.lineNumber)).toEqual([1, 5, 8, 11]);
    expect(recordsOf(lines).map((record) => record.name)).toEqual([
      '株式会社正常一',
      '株式会社正常二',
      '株式会社正常三',
      '株式会社正常四',
    ]);
    const rejects = rejectsOf(lines);
    expect(rejects.map((reject) => [reject.lineNumber, reject.reason])).toEqual([
      [2, 'corporateNumber "4010001990012": 法人番号 check digit is wrong: "4010001990012" (expected first digit 3)'],
      [3, 'expected 30 fields, got 29'],
      [4, 'broken CSV quoting in field 7 (name): a quote closes the field but a comma does not follow it (stray or unclosed quote) [CSV_INVALID_CLOSING_QUOTE]'],
      [6, 'process "02": unknown 処理区分 code (expected one of 01, 11, 12, 13, 21, 22, 71, 72, 81, 99)'],
      [7, 'broken CSV quoting in field 7 (name): a quote closes the field but a comma does not follow it (stray or unclosed quote) [CSV_INVALID_CLOSING_QUOTE]'],
      [10, 'changeDate "2023-02-29": is not a real calendar date; postCode "105-0011": expected 7 digits without hyphen'],
    ]);
    for (const reject of rejects) expect(reject.raw).toBe(physical[reject.lineNumber - 1]);
    expect(rejects[1]!.fields).toHaveLength(29);
    expect(rejects[2]!.fields).toBeUndefined();
    expect(lines.map((line) => line.rowIndex)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(reader.stats).toEqual({ lines: 11, records: 4, rejects: 6, blankLines: 1 });
  });

  it('skips and exposes the 4-field header line of a Web-API v4 CSV response', async () => {
    const { reader, lines } = await readAll(join(FIXTURES, 'webapi-header-utf8.csv'));
    expect(reader.header).toEqual({ lastUpdateDate: '2024-04-01', count: 2, divideNumber: 1, divideSize: 1 });
    expect(lines.map((line) => [line.ok, line.lineNumber, line.rowIndex])).toEqual([
      [true, 2, 1],
      [true, 3, 2],
    ]);
  });

  it('reads a Web-API v4 XML response: header, entities, a reject, and the line of each <corporation>', async () => {
    const { reader, lines } = await readAll(join(FIXTURES, 'webapi.xml'));
    expect(reader.info).toMatchObject({ format: 'xml', encoding: 'utf-8' });
    expect(reader.header).toEqual({ lastUpdateDate: '2024-04-01', count: 3, divideNumber: 1, divideSize: 1 });
    expect(lines.map((line) => [line.ok, line.lineNumber])).toEqual([
      [true, 7],
      [false, 39],
      [true, 71],
    ]);
    expect(recordsOf(lines).map((record) => [record.name, record.kind])).toEqual([
      ['株式会社エックス & ワイ', '301'],
      ['有限会社髙橋', '302'],
    ]);
    const reject = rejectsOf(lines)[0]!;
    expect(reject.reason).toContain('corporateNumber "4010001990012": 法人番号 check digit is wrong');
    expect(reject.raw).toMatch(/^<corporation>[\s\S]*<\/corporation>$/);
  });

  it('gives the same records whatever the chunk size, so characters and CRLF split across chunks decode right', async () => {
    for (const name of ['sjis-crlf.csv', 'utf8-bom-lf.csv', 'malformed.csv', 'webapi.xml', '99_test_all_20240329.zip']) {
      const whole = await readAll(join(FIXTURES, name));
      for (const chunkBytes of [1, 3, 7]) {
        const chunked = await readAll(join(FIXTURES, name), { chunkBytes });
        expect(chunked.lines, `${name} in ${chunkBytes}-byte chunks`).toEqual(whole.lines);
      }
    }
  });
});

describe('readNtaFile edge cases', () => {
  it('detects UTF-8 when the 64 KiB sniffing window ends inside a multibyte character', async () => {
    const rows = manyRows(450);
    // shift the text until byte 65536 (the first byte after the window) continues a character
    let text = '';
    for (let pad = 0; pad < 64; pad++) {
      text = `${rows.join('\n').replace('株式会社テスト000001', `株式会社テスト000001${'A'.repeat(pad)}`)}\n`;
      const byte = Buffer.from(text)[64 * 1024]!;
      if ((byte & 0xc0) === 0x80) break;
    }
    expect(Buffer.from(text)[64 * 1024]! & 0xc0).toBe(0x80);
    const { reader, lines } = await readAll(scratchFile('cut-window.csv', text));
    expect(reader.info!.encoding).toBe('utf-8');
    expect(rejectsOf(lines)).toEqual([]);
    expect(lines).toHaveLength(450);
  });

  it('detects CP932 for a Shift_JIS file larger than the window and reads all of it', async () => {
    const path = scratchFile('big.sjis.csv', iconv.encode(`${manyRows(450).join('\r\n')}\r\n`, 'cp932'));
    const { reader, lines } = await readAll(path);
    expect(reader.info!.encoding).toBe('cp932');
    expect(recordsOf(lines).at(-1)!.name).toBe('株式会社テスト000450');
  });

  it('rejects the row with bytes invalid in the detected encoding, after the sniffing window', async () => {
    const rows = manyRows(450);
    const bad = Buffer.concat([Buffer.from(`${rows.slice(0, 449).join('\n')}\n`), Buffer.from(rows[449]!.replace('テスト000450', 'テスト\u0000')), Buffer.from('\n')]);
    const badIndex = bad.indexOf(0x00, bad.length - 300);
    bad[badIndex] = 0xff; // never valid in UTF-8
    const { lines } = await readAll(scratchFile('bad-byte.csv', bad));
    const rejects = rejectsOf(lines);
    expect(rejects.map((reject) => reject.lineNumber)).toEqual([450]);
    expect(rejects[0]!.reason).toContain('name "株式会社テスト\uFFFD": holds U+FFFD');
  });

  it('honours a forced encoding (reading CP932 bytes as UTF-8 rejects the rows with Japanese text)', async () => {
    const { lines } = await readAll(join(FIXTURES, 'sjis-crlf.csv'), { encoding: 'utf-8' });
    expect(recordsOf(lines)).toEqual([]);
    expect(rejectsOf(lines).every((reject) => reject.reason.includes('U+FFFD'))).toBe(true);
  });

  it('reads CRLF without a final line break and skips blank lines', async () => {
    const rows = manyRows(3);
    const { reader, lines } = await readAll(scratchFile('crlf-no-final.csv', `${rows[0]}\r\n\r\n${rows[1]}\r\n${rows[2]}`));
    expect(lines.map((line) => [line.ok, line.lineNumber])).toEqual([
      [true, 1],
      [true, 3],
      [true, 4],
    ]);
    expect(reader.stats.blankLines).toBe(1);
  });

  it('rejects an overlong line without holding it, and goes on', async () => {
    const rows = manyRows(2);
    const path = scratchFile('overlong.csv', `${rows[0]}\n${'x'.repeat(5000)}\n${rows[1]}\n`);
    const { lines } = await readAll(path, { maxRecordChars: 1000, chunkBytes: 256 });
    expect(lines.map((line) => [line.ok, line.lineNumber])).toEqual([
      [true, 1],
      [false, 2],
      [true, 3],
    ]);
    const reject = rejectsOf(lines)[0]!;
    expect(reject.reason).toBe('line is longer than 1000 characters');
    expect(reject.raw.length).toBeLessThanOrEqual(1001);
  });

  it('recovers after an unclosed quote at the end of the file without losing earlier rows', async () => {
    const rows = manyRows(3);
    const { lines } = await readAll(scratchFile('unclosed-last.csv', `${rows[0]}\n${rows[1]}\n1,"unclosed,2\n`));
    expect(lines.map((line) => [line.ok, line.lineNumber])).toEqual([
      [true, 1],
      [true, 2],
      [false, 3],
    ]);
    expect(rejectsOf(lines)[0]!.reason).toContain('[CSV_QUOTE_NOT_CLOSED]');
  });

  it('rejects an unclosed or malformed <corporation> element and reads the next one', async () => {
    const good = readFileSync(join(FIXTURES, 'webapi.xml'), 'utf8');
    const first = good.indexOf('<corporation>');
    const firstEnd = good.indexOf('</corporation>') + '</corporation>'.length;
    const element = good.slice(first, firstEnd);
    const unclosed = element.replace('</corporation>', '');
    const mismatched = element.replace('</name>', '</nmae>');
    const xml = `<?xml version="1.0" encoding="UTF-8"?><corporations><count>3</count>${unclosed}\n${mismatched}\n${element}</corporations>`;
    const { reader, lines } = await readAll(scratchFile('broken.xml', xml));
    expect(lines.map((line) => [line.ok, line.lineNumber])).toEqual([
      [false, 1],
      [false, 33],
      [true, 65],
    ]);
    const rejects = rejectsOf(lines);
    expect(rejects[0]!.reason).toBe('unclosed <corporation> element');
    expect(rejects[1]!.reason).toMatch(/^malformed XML: /);
    expect(reader.header).toBeNull(); // lastUpdateDate is missing, so there is no usable header
  });

  it('exposes the header of a Web-API response that matched nothing (CSV and XML)', async () => {
    const csv = await readAll(scratchFile('empty-response.csv', '2024-04-01,0,1,0\r\n'));
    expect(csv.lines).toEqual([]);
    expect(csv.reader.header).toEqual({ lastUpdateDate: '2024-04-01', count: 0, divideNumber: 1, divideSize: 0 });
    const xml = await readAll(
      scratchFile(
        'empty-response.xml',
        '<?xml version="1.0" encoding="UTF-8"?><corporations><lastUpdateDate>2024-04-01</lastUpdateDate><count>0</count><divideNumber>1</divideNumber><divideSize>0</divideSize></corporations>',
      ),
    );
    expect(xml.lines).toEqual([]);
    expect(xml.reader.header).toEqual({ lastUpdateDate: '2024-04-01', count: 0, divideNumber: 1, divideSize: 0 });
  });

  it('reads a zip holding an XML entry; refuses a zip without exactly one data entry', async () => {
    const xml = readFileSync(join(FIXTURES, 'webapi.xml'));
    const { reader, lines } = await readAll(scratchFile('xml.zip', storedZip([{ name: 'data/response.xml', data: xml }])));
    expect(reader.info).toMatchObject({ container: 'zip', entryName: 'data/response.xml', format: 'xml' });
    expect(lines).toHaveLength(3);

    const none = scratchFile('none.zip', storedZip([{ name: 'a.asc', data: Buffer.from('sig') }]));
    await expect(readAll(none)).rejects.toThrow('expected exactly one .csv or .xml entry in the zip, found none');
    const csv = Buffer.from(`${manyRows(1)[0]}\n`);
    const two = scratchFile('two.zip', storedZip([{ name: 'a.csv', data: csv }, { name: 'b.csv', data: csv }]));
    await expect(readAll(two)).rejects.toThrow('found a.csv, b.csv');
  });

  it('reads lazily: breaking off early leaves the rest of the file unread', async () => {
    const path = scratchFile('lazy.csv', `${manyRows(10_000).join('\n')}\n`);
    const reader = readNtaFile(path);
    for await (const line of reader) {
      expect(line.ok).toBe(true);
      break;
    }
    // read-ahead is bounded by one batch of lines handed to csv-parse (512 lines) plus one chunk
    const { bytesRead, totalBytes } = reader.progress;
    expect(totalBytes).toBe(statSync(path).size);
    expect(bytesRead).toBeLessThanOrEqual(256 * 1024);
    expect(bytesRead).toBeLessThan(totalBytes! / 5);
  });

  it('can be iterated only once', async () => {
    const reader = readNtaFile(join(FIXTURES, 'sjis-crlf.csv'));
    for await (const _line of reader) void _line;
    expect(() => reader[Symbol.asyncIterator]()).toThrow('can be iterated only once');
  });

  it('fails the whole read, not a row, when the file does not exist', async () => {
    await expect(readAll(join(scratch, 'missing.csv'))).rejects.toThrow(/ENOENT/);
  });
});

describe('detectNtaEncoding and parseNtaApiHeader', () => {
  it('tells UTF-8 from CP932, allowing a character cut at the end of an incomplete head', () => {
    const utf8 = Buffer.from('1,"株式会社"');
    const cut = utf8.subarray(0, utf8.length - 2);
    expect(detectNtaEncoding(cut, false)).toBe('utf-8');
    expect(detectNtaEncoding(cut, true)).toBe('cp932');
    expect(detectNtaEncoding(iconv.encode('1,"株式会社"', 'cp932'), true)).toBe('cp932');
    expect(detectNtaEncoding(Buffer.from([0xef, 0xbb, 0xbf, 0x31]), true)).toBe('utf-8');
    expect(detectNtaEncoding(Buffer.from('1,2,3'), true)).toBe('utf-8');
  });

  it('reads only a well-formed header', () => {
    expect(parseNtaApiHeader(['2019-04-04', '1', '1', '1'])).toEqual({
      lastUpdateDate: '2019-04-04',
      count: 1,
      divideNumber: 1,
      divideSize: 1,
    });
    expect(parseNtaApiHeader(['2019-04-04', '1', '1'])).toBeNull();
    expect(parseNtaApiHeader(['2019-02-30', '1', '1', '1'])).toBeNull();
    expect(parseNtaApiHeader(['2019-04-04', 'x', '1', '1'])).toBeNull();
  });
});

describe.skipIf(!existsSync(REAL))('readNtaFile on the real NTA data in /work/shared/data/real/nta', () => {
  it('reads the Tottori 全件 file (Shift_JIS, CRLF): 20,214 records, 0 rejects', async () => {
    const path = join(REAL, 'bulk/31_tottori_all_20260731.sjis.csv');
    const started = performance.now();
    const { reader, lines } = await readAll(path);
    const seconds = (performance.now() - started) / 1000;
    const records = recordsOf(lines);
    expect(rejectsOf(lines)).toEqual([]);
    expect(records).toHaveLength(20_214);
    expect(reader.info).toMatchObject({ encoding: 'cp932', format: 'csv', container: 'plain' });
    expect(new Set(records.map((record) => record.corporateNumber)).size).toBe(20_214);
    expect(records.every((record) => record.latest && record.prefectureCode === '31')).toBe(true);
    const closed = new Set(records.filter((record) => record.latest && record.closeDate !== null).map((r) => r.corporateNumber));
    expect(closed.size).toBe(2_764);
    // every closed row is a process 21 row, and every process 21 row is closed
    expect(records.filter((record) => record.process === '21')).toHaveLength(2_764);
    expect(countBy(records, (record) => record.process)).toEqual({ '01': 14_880, '11': 402, '12': 2_037, '21': 2_764, '22': 20, '71': 111 });
    expect(countBy(records, (record) => record.closeCause ?? '-')).toEqual({ '-': 17_450, '01': 1_853, '11': 216, '21': 688, '31': 7 });
    expect(records.filter((record) => record.hihyoji)).toHaveLength(32);
    expect(records.filter((record) => record.postCode === null)).toHaveLength(11);
    expect(records.filter((record) => record.successorCorporateNumber !== null)).toHaveLength(217);
    expect(records[0]).toMatchObject({ corporateNumber: '1000013050238', name: '鳥取簡易裁判所', enName: 'Tottori Summary Court' });
    console.info(`Tottori: ${records.length} rows in ${seconds.toFixed(2)} s = ${Math.round(records.length / seconds)} rows/s`);
  });

  it('reads only the first chunks of the Tottori file when the consumer stops after one record', async () => {
    const reader = readNtaFile(join(REAL, 'bulk/31_tottori_all_20260731.sjis.csv'));
    for await (const line of reader) {
      expect(line.ok).toBe(true);
      break;
    }
    expect(reader.progress.bytesRead).toBeLessThanOrEqual(256 * 1024);
    expect(reader.progress.totalBytes).toBe(3_490_457);
  });

  it('reads the cnparser test rows (UTF-8, LF, no final newline)', async () => {
    const { lines } = await readAll(join(REAL, 'bulk/cnparser_31_tottori_test_20240329.csv'));
    expect(rejectsOf(lines)).toEqual([]);
    expect(lines).toHaveLength(14);
  });

  it('reads the daily diff file: 2,772 rows with history rows (latest=0) and successors', async () => {
    const { reader, lines } = await readAll(join(REAL, 'diff/diff_20210714.csv'));
    const records = recordsOf(lines);
    expect(rejectsOf(lines)).toEqual([]);
    expect(records).toHaveLength(2_772);
    expect(reader.info!.encoding).toBe('utf-8');
    expect(records.filter((record) => !record.latest)).toHaveLength(376);
    expect(new Set(records.map((record) => record.corporateNumber)).size).toBe(2_396);
    expect(records.filter((record) => record.successorCorporateNumber !== null)).toHaveLength(30);
    expect(records.filter((record) => record.addressOutside !== null)).toHaveLength(2);
    expect(records.some((record) => record.streetNumber?.includes('𣗄'))).toBe(true);
  });

  it('reads every Web-API v4 sample (c2 Shift_JIS CSV, c4 UTF-8 CSV, x4 XML) with the header count matching', async () => {
    const dir = join(REAL, 'webapi-v4');
    const files = readdirSync(dir).sort();
    expect(files.length).toBeGreaterThanOrEqual(9);
    const byName: Record<string, NtaRecord[]> = {};
    for (const file of files) {
      const { reader, lines } = await readAll(join(dir, file));
      expect(rejectsOf(lines), file).toEqual([]);
      expect(reader.header, file).not.toBeNull();
      expect(lines.length, file).toBe(reader.header!.count);
      const expectedEncoding = file.endsWith('_c2.csv') ? 'cp932' : 'utf-8';
      expect(reader.info, file).toMatchObject({ encoding: expectedEncoding, format: file.endsWith('.xml') ? 'xml' : 'csv' });
      byName[file] = recordsOf(lines);
    }
    // the same response in each format gives the same records
    expect(byName['num_0_ver4_c2.csv']).toEqual(byName['num_0_ver4_x4.xml']);
    expect(byName['num_0_ver4_c4.csv']).toEqual(byName['num_0_ver4_x4.xml']);
    expect(byName['diff_20190404_ver4_c2.csv']).toEqual(byName['diff_20190404_ver4_x4.xml']);
    expect(byName['name_ver4_c4.csv']).toEqual(byName['name_ver4_x4.xml']);
    expect(byName['num.7010001008844.2026-07-10.xml']![0]).toMatchObject({
      corporateNumber: '7010001008844',
      name: '株式会社日立製作所',
      enName: 'Hitachi, Ltd.',
      furigana: 'ヒタチセイサクショ',
    });
  });
});
if (!existsSync(REAL)) console.warn(`skipping real NTA data tests: ${REAL} is absent`);

const BIG_FILE_MB = Number(process.env.SDP_NTA_BIG_FILE_MB ?? 0);

describe.skipIf(!(BIG_FILE_MB > 0))('readNtaFile on a generated big file (set SDP_NTA_BIG_FILE_MB)', () => {
  it(`streams ${BIG_FILE_MB} MB in flat memory`, { timeout: 30 * 60_000 }, async () => {
    const path = join(scratch, 'big.csv');
    const block = Buffer.from(iconv.encode(`${manyRows(1000).join('\r\n')}\r\n`, 'cp932'));
    const blocks = Math.ceil((BIG_FILE_MB * 2 ** 20) / block.length);
    const out = createWriteStream(path);
    for (let i = 0; i < blocks; i++) if (!out.write(block)) await once(out, 'drain');
    out.end();
    await once(out, 'finish');

    const baseline = process.memoryUsage().heapUsed;
    let peak = 0;
    let count = 0;
    const started = performance.now();
    const reader = readNtaFile(path);
    for await (const line of reader) {
      if (!line.ok) throw new Error(`unexpected reject at line ${line.lineNumber}: ${line.reason}`);
      if (++count % 50_000 === 0) peak = Math.max(peak, process.memoryUsage().heapUsed - baseline);
    }
    const seconds = (performance.now() - started) / 1000;
    expect(count).toBe(blocks * 1000);
    console.info(`${BIG_FILE_MB} MB: ${count} rows in ${seconds.toFixed(1)} s = ${Math.round(count / seconds)} rows/s; peak heap growth ${(peak / 2 ** 20).toFixed(1)} MB`);
    expect(peak).toBeLessThan(64 * 2 ** 20);
    rmSync(path);
  });
});

function countBy<T>(items: T[], key: (item: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return counts;
}
