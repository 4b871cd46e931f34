/**
 * Streaming reader for 国税庁 法人番号 data files: bulk 全件/差分 CSV (Shift_JIS/CP932 or UTF-8, plain or
 * zipped as the NTA distributes them) and Web-API v4 responses (CSV with a 4-field header line, or XML).
 * It yields one item per row, either a validated {@link NtaRecord} or a reject with the physical line
 * number, the reason and the raw text; a bad row never stops the stream. Memory stays flat whatever the
 * file size. No database code here: the apply step consumes these items.
 *
 * Why lines are split before csv-parse sees them: NTA rows never hold a line break (checked on the real
 * Tottori and daily diff files), and csv-parse's own error recovery (`skip_records_with_error`) loses
 * sync after a broken quote: it swallows the good rows that follow and reports wrong line numbers. So
 * this reader cuts the decoded text into physical lines, hands csv-parse batches of whole lines, and
 * when a batch does not come back as exactly one record per line it re-parses that batch line by line.
 * A broken quote therefore costs exactly its own line, and every line number is the physical one.
 */
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import iconv from 'iconv-lite';
import { parse as parseCsv } from 'csv-parse/sync';
import type { CsvError } from 'csv-parse/sync';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import yauzl from 'yauzl';
import { NTA_COLUMNS, isRealIsoDate, parseNtaFields } from './nta-record.js';
import type { NtaRecord } from './nta-record.js';

/** Text encodings the NTA publishes: CSV Shift-JIS (read as CP932, its Windows superset) and Unicode (UTF-8). */
export type NtaEncoding = 'utf-8' | 'cp932';

/** A row that passed validation. */
export interface NtaAcceptedLine {
  ok: true;
  /** Physical line (1-based) where the row starts; for XML, the line of its `<corporation>` tag. */
  lineNumber: number;
  /** 1-based position of the row among the data rows of the file (Web-API header line excluded). */
  rowIndex: number;
  record: NtaRecord;
}

/** A row that could not be read or did not validate. */
export interface NtaRejectedLine {
  ok: false;
  lineNumber: number;
  rowIndex: number;
  /** What is wrong: names each bad field and its value. */
  reason: string;
  /** The decoded text of the line (CSV) or element (XML), cut to 1,000 characters for overlong ones. */
  raw: string;
  /** The split fields when the CSV syntax itself was fine (e.g. a wrong field count or a bad value). */
  fields?: string[];
}

export type NtaLine = NtaAcceptedLine | NtaRejectedLine;

/** The header of a Web-API v4 response (first CSV line, or the first elements of the XML). */
export interface NtaApiHeader {
  lastUpdateDate: string;
  /** Total number of rows the query matched (over all pages). */
  count: number;
  /** Page number of this response (1-based). */
  divideNumber: number;
  /** Number of pages. */
  divideSize: number;
}

/** How the file turned out to be stored; known once the first bytes were read. */
export interface NtaFileInfo {
  container: 'plain' | 'zip';
  /** Name of the data entry inside a zip; null for a plain file. */
  entryName: string | null;
  format: 'csv' | 'xml';
  encoding: NtaEncoding;
  /** The text started with a UTF-8 byte order mark (it is stripped). */
  hadBom: boolean;
}

/** Byte progress for a progress bar. For a zip, both counts are of the uncompressed data entry. */
export interface NtaReadProgress {
  bytesRead: number;
  /** Null until the file was opened. */
  totalBytes: number | null;
}

export interface NtaReadStats {
  /** Physical lines seen (CSV), header and blank lines included. */
  lines: number;
  records: number;
  rejects: number;
  /** Empty lines, skipped without a reject. */
  blankLines: number;
}

export interface ReadNtaFileOptions {
  /** 'auto' (default) detects from the first 64 KiB: UTF-8 when they decode strictly as UTF-8, else CP932. */
  encoding?: NtaEncoding | 'auto';
  /**
   * Longest CSV line or XML element accepted, in characters (default 65,536; real rows are under 1,000).
   * A longer one becomes a reject and is not kept in memory, so a file without line breaks cannot
   * exhaust memory.
   */
  maxRecordChars?: number;
  /** Size of the chunks read from disk (default 64 KiB). */
  chunkBytes?: number;
}

const SNIFF_BYTES = 64 * 1024;
const DEFAULT_MAX_RECORD_CHARS = 64 * 1024;
const DEFAULT_CHUNK_BYTES = 64 * 1024;
/** Lines handed to csv-parse at once; bounded by characters as well. */
const BATCH_LINES = 512;
const BATCH_CHARS = 512 * 1024;
const RAW_KEPT_CHARS = 1000;

const ZIP_LOCAL_HEADER = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
const ZIP_EMPTY_ARCHIVE = Buffer.from([0x50, 0x4b, 0x05, 0x06]);
const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/**
 * Opens an NTA data file for streaming. Nothing is read until iteration starts; the returned reader
 * can be iterated once and exposes byte progress, the Web-API header and counts while it runs.
 *
 * @example
 * const reader = readNtaFile('31_tottori_all_20260731.zip');
 * for await (const line of reader) {
 *   if (line.ok) apply(line.record); else logReject(line.lineNumber, line.reason, line.raw);
 *   bar.update(reader.progress.bytesRead);
 * }
 */
export function readNtaFile(path: string, options: ReadNtaFileOptions = {}): NtaFileReader {
  return new NtaFileReader(path, options);
}

/**
 * Decides the text encoding from the first bytes of a file: UTF-8 when they start with a BOM or decode
 * as strict UTF-8 (a multibyte character cut at the end of an incomplete head is allowed), else CP932.
 *
 * @param head the first bytes (64 KiB are plenty)
 * @param complete true when `head` is the whole file, so a cut character at its end is an error
 */
export function detectNtaEncoding(head: Uint8Array, complete: boolean): NtaEncoding {
  if (startsWith(head, UTF8_BOM)) return 'utf-8';
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: !complete });
    return 'utf-8';
  } catch {
    return 'cp932';
  }
}

/**
 * Reads the 4-field first line of a Web-API v4 CSV response (`lastUpdateDate,count,divideNumber,divideSize`);
 * null when the fields are not such a header (then the line is a data row).
 */
export function parseNtaApiHeader(fields: readonly string[]): NtaApiHeader | null {
  if (fields.length !== 4) return null;
  const [lastUpdateDate, count, divideNumber, divideSize] = fields as [string, string, string, string];
  if (!isRealIsoDate(lastUpdateDate)) return null;
  if (![count, divideNumber, divideSize].every((value) => /^[0-9]{1,15}$/.test(value))) return null;
  return {
    lastUpdateDate,
    count: Number(count),
    divideNumber: Number(divideNumber),
    divideSize: Number(divideSize),
  };
}

/** Async-iterable reader over one NTA file; see {@link readNtaFile}. */
export class NtaFileReader implements AsyncIterable<NtaLine> {
  readonly path: string;
  readonly #encoding: NtaEncoding | 'auto';
  readonly #maxRecordChars: number;
  readonly #chunkBytes: number;
  #started = false;
  #bytesRead = 0;
  #totalBytes: number | null = null;
  #header: NtaApiHeader | null = null;
  #info: NtaFileInfo | null = null;
  #rowIndex = 0;
  readonly #stats: NtaReadStats = { lines: 0, records: 0, rejects: 0, blankLines: 0 };

  constructor(path: string, options: ReadNtaFileOptions = {}) {
    this.path = path;
    this.#encoding = options.encoding ?? 'auto';
    this.#maxRecordChars = options.maxRecordChars ?? DEFAULT_MAX_RECORD_CHARS;
    this.#chunkBytes = options.chunkBytes ?? DEFAULT_CHUNK_BYTES;
    if (!(this.#maxRecordChars > 0) || !(this.#chunkBytes > 0)) {
      throw new RangeError('maxRecordChars and chunkBytes must be positive');
    }
  }

  /** Bytes read so far and the total, for a progress bar. */
  get progress(): NtaReadProgress {
    return { bytesRead: this.#bytesRead, totalBytes: this.#totalBytes };
  }

  /** The Web-API response header; null for bulk files (and until the first row was read). */
  get header(): NtaApiHeader | null {
    return this.#header;
  }

  /** Container, format and encoding; null until the first bytes were read. */
  get info(): NtaFileInfo | null {
    return this.#info;
  }

  /** Counts so far (a copy). */
  get stats(): NtaReadStats {
    return { ...this.#stats };
  }

  [Symbol.asyncIterator](): AsyncIterator<NtaLine> {
    if (this.#started) throw new Error(`NtaFileReader for ${this.path} can be iterated only once`);
    this.#started = true;
    return this.#read();
  }

  async *#read(): AsyncGenerator<NtaLine> {
    const source = await openByteSource(this.path, this.#chunkBytes);
    try {
      this.#totalBytes = source.totalBytes;
      const chunks = source.chunks[Symbol.asyncIterator]();
      const headParts: Buffer[] = [];
      let headSize = 0;
      let exhausted = false;
      while (headSize < SNIFF_BYTES) {
        const next = await chunks.next();
        if (next.done === true) {
          exhausted = true;
          break;
        }
        headParts.push(next.value);
        headSize += next.value.length;
        this.#bytesRead += next.value.length;
      }
      const head = Buffer.concat(headParts);
      const encoding = this.#encoding === 'auto' ? detectNtaEncoding(head, exhausted) : this.#encoding;
      const hadBom = startsWith(head, UTF8_BOM);
      const format = firstSignificantByte(head, hadBom ? UTF8_BOM.length : 0) === 0x3c /* < */ ? 'xml' : 'csv';
      this.#info = { container: source.container, entryName: source.entryName, format, encoding, hadBom };

      const text = this.#decode(head, exhausted ? null : chunks, encoding);
      if (format === 'xml') yield* this.#xmlLines(text);
      else yield* this.#csvLines(text);
    } finally {
      source.close();
    }
  }

  /** Decodes the head and the remaining chunks into text, counting bytes as they arrive. */
  async *#decode(head: Buffer, rest: AsyncIterator<Buffer> | null, encoding: NtaEncoding): AsyncGenerator<string> {
    const decoder = iconv.getDecoder(encoding === 'utf-8' ? 'utf8' : 'cp932', { stripBOM: true });
    const first = decoder.write(head);
    if (first !== '') yield first;
    if (rest !== null) {
      for (;;) {
        const next = await rest.next();
        if (next.done === true) break;
        this.#bytesRead += next.value.length;
        const text = decoder.write(next.value);
        if (text !== '') yield text;
      }
    }
    const tail = decoder.end();
    if (tail !== undefined && tail !== '') yield tail;
  }

  // ---------------------------------------------------------------------------------------------- CSV

  async *#csvLines(text: AsyncIterable<string>): AsyncGenerator<NtaLine> {
    const splitter = new PhysicalLineSplitter(this.#maxRecordChars);
    const batch: PhysicalLine[] = [];
    let batchChars = 0;
    const self = this;

    function* take(lines: PhysicalLine[]): Generator<NtaLine> {
      for (const line of lines) {
        self.#stats.lines = line.lineNumber;
        if (line.overlong) {
          yield* flush();
          yield self.#reject(line.lineNumber, `line is longer than ${self.#maxRecordChars} characters`, line.text);
          continue;
        }
        if (line.text === '') {
          self.#stats.blankLines++;
          continue;
        }
        if (line.lineNumber === 1) {
          const first = tokenizeLine(line.text);
          const header = 'fields' in first ? parseNtaApiHeader(first.fields) : null;
          if (header !== null) {
            self.#header = header;
            continue;
          }
        }
        batch.push(line);
        batchChars += line.text.length;
        if (batch.length >= BATCH_LINES || batchChars >= BATCH_CHARS) yield* flush();
      }
    }

    function* flush(): Generator<NtaLine> {
      if (batch.length === 0) return;
      const tokenized = tokenizeBatch(batch);
      for (let i = 0; i < batch.length; i++) {
        const line = batch[i]!;
        const result = tokenized[i]!;
        if ('error' in result) yield self.#reject(line.lineNumber, result.error, line.text);
        else yield self.#fromFields(line.lineNumber, result.fields, line.text);
      }
      batch.length = 0;
      batchChars = 0;
    }

    for await (const chunk of text) yield* take(splitter.push(chunk));
    yield* take(splitter.end());
    yield* flush();
  }

  #fromFields(lineNumber: number, fields: string[], raw: string): NtaLine {
    const parsed = parseNtaFields(fields);
    if (!parsed.ok) return this.#reject(lineNumber, parsed.reason, raw, fields);
    this.#stats.records++;
    return { ok: true, lineNumber, rowIndex: ++this.#rowIndex, record: parsed.record };
  }

  #reject(lineNumber: number, reason: string, raw: string, fields?: string[]): NtaRejectedLine {
    this.#stats.rejects++;
    const kept = raw.length > RAW_KEPT_CHARS ? `${raw.slice(0, RAW_KEPT_CHARS)}…` : raw;
    const reject: NtaRejectedLine = { ok: false, lineNumber, rowIndex: ++this.#rowIndex, reason, raw: kept };
    if (fields !== undefined) reject.fields = fields;
    return reject;
  }

  // ---------------------------------------------------------------------------------------------- XML

  /**
   * Cuts the XML text into `<corporation>` elements as it streams (they never nest) and parses each one
   * on its own, so a bulk XML file of any size stays in flat memory and a broken element is one reject.
   */
  async *#xmlLines(text: AsyncIterable<string>): AsyncGenerator<NtaLine> {
    let buffer = '';
    /** Line breaks in the text already dropped from the front of `buffer`. */
    let linesBefore = 0;
    let headerRead = false;
    const self = this;

    function dropUntil(position: number): void {
      linesBefore += countLineBreaks(buffer, 0, position);
      buffer = buffer.slice(position);
    }

    function readHeaderFrom(prefix: string): void {
      if (headerRead) return;
      headerRead = true;
      self.#header = readXmlHeader(prefix);
    }

    function* drain(final: boolean): Generator<NtaLine> {
      for (;;) {
        const start = indexOfElementStart(buffer, 0);
        if (start === -1) {
          if (final) readHeaderFrom(buffer);
          // Keep a tail in case a start tag is split across chunks; drop the rest (header-only text).
          if (buffer.length > self.#maxRecordChars) {
            readHeaderFrom(buffer);
            dropUntil(buffer.length - 32);
          }
          return;
        }
        readHeaderFrom(buffer.slice(0, start));
        const end = buffer.indexOf(ELEMENT_END, start);
        const nextStart = indexOfElementStart(buffer, start + 1);
        const lineNumber = 1 + linesBefore + countLineBreaks(buffer, 0, start);
        if (nextStart !== -1 && (end === -1 || nextStart < end)) {
          yield self.#reject(lineNumber, 'unclosed <corporation> element', buffer.slice(start, nextStart));
          dropUntil(nextStart);
          continue;
        }
        if (end === -1) {
          if (final) {
            yield self.#reject(lineNumber, 'unclosed <corporation> element at end of file', buffer.slice(start));
            dropUntil(buffer.length);
            return;
          }
          if (buffer.length - start > self.#maxRecordChars) {
            yield self.#reject(
              lineNumber,
              `<corporation> element is longer than ${self.#maxRecordChars} characters`,
              buffer.slice(start, start + RAW_KEPT_CHARS),
            );
            dropUntil(buffer.length - 32);
            continue;
          }
          dropUntil(start);
          return;
        }
        const elementEnd = end + ELEMENT_END.length;
        const element = buffer.slice(start, elementEnd);
        const fields = xmlElementFields(element);
        if ('error' in fields) yield self.#reject(lineNumber, fields.error, element);
        else yield self.#fromFields(lineNumber, fields.fields, element);
        dropUntil(elementEnd);
      }
    }

    for await (const chunk of text) {
      buffer += chunk;
      yield* drain(false);
    }
    yield* drain(true);
  }
}

// ------------------------------------------------------------------------------------------ byte source

interface ByteSource {
  chunks: AsyncIterable<Buffer>;
  totalBytes: number;
  container: 'plain' | 'zip';
  entryName: string | null;
  close(): void;
}

/** Opens a plain file, or the one data entry (.csv or .xml; a .asc signature is skipped) of a zip. */
async function openByteSource(path: string, chunkBytes: number): Promise<ByteSource> {
  const magic = await readFirstBytes(path, 4);
  if (startsWith(magic, ZIP_LOCAL_HEADER) || startsWith(magic, ZIP_EMPTY_ARCHIVE)) {
    return openZipEntry(path);
  }
  const { size } = await stat(path);
  const stream = createReadStream(path, { highWaterMark: chunkBytes });
  return {
    chunks: stream as AsyncIterable<Buffer>,
    totalBytes: size,
    container: 'plain',
    entryName: null,
    close: () => stream.destroy(),
  };
}

async function readFirstBytes(path: string, count: number): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(count);
    const { bytesRead } = await handle.read(buffer, 0, count, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

async function openZipEntry(path: string): Promise<ByteSource> {
  const zip = await yauzl.openPromise(path, { lazyEntries: true, autoClose: false });
  let stream: Readable | null = null;
  try {
    const dataEntries: yauzl.Entry[] = [];
    for await (const entry of zip.eachEntry()) {
      if (/\.(csv|xml)$/i.test(entry.fileName) && !entry.fileName.endsWith('/')) dataEntries.push(entry);
    }
    if (dataEntries.length !== 1) {
      const names = dataEntries.map((entry) => entry.fileName).join(', ') || 'none';
      throw new Error(`${path}: expected exactly one .csv or .xml entry in the zip, found ${names}`);
    }
    const entry = dataEntries[0]!;
    stream = await zip.openReadStreamPromise(entry);
    const opened = stream;
    return {
      chunks: opened as AsyncIterable<Buffer>,
      totalBytes: entry.uncompressedSize,
      container: 'zip',
      entryName: entry.fileName,
      close: () => {
        opened.destroy();
        zip.close();
      },
    };
  } catch (error) {
    stream?.destroy();
    zip.close();
    throw error;
  }
}

function startsWith(bytes: Uint8Array, prefix: Uint8Array): boolean {
  if (bytes.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (bytes[i] !== prefix[i]) return false;
  return true;
}

/** The first byte that is not ASCII white space, or -1. */
function firstSignificantByte(bytes: Uint8Array, from: number): number {
  for (let i = from; i < bytes.length; i++) {
    const byte = bytes[i]!;
    if (byte !== 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d) return byte;
  }
  return -1;
}

// ------------------------------------------------------------------------------------ physical lines

interface PhysicalLine {
  lineNumber: number;
  /** The line without its CR/LF; for an overlong line, only its beginning. */
  text: string;
  overlong: boolean;
}

/**
 * Cuts streamed text into physical lines (LF or CRLF; a last line without a line break counts).
 * A line longer than the limit is not accumulated: it comes out once, marked overlong.
 */
class PhysicalLineSplitter {
  #carry = '';
  #overlongHead: string | null = null;
  #lineNumber = 0;

  constructor(private readonly maxChars: number) {}

  push(chunk: string): PhysicalLine[] {
    const lines: PhysicalLine[] = [];
    let position = 0;
    for (;;) {
      const newline = chunk.indexOf('\n', position);
      if (newline === -1) {
        this.#hold(chunk.slice(position));
        return lines;
      }
      const piece = chunk.slice(position, newline);
      position = newline + 1;
      if (this.#overlongHead === null && this.#carry.length + piece.length > this.maxChars) {
        this.#hold(piece);
      }
      lines.push(this.#finishLine(piece));
    }
  }

  end(): PhysicalLine[] {
    if (this.#carry === '' && this.#overlongHead === null) return [];
    return [this.#finishLine('')];
  }

  #hold(piece: string): void {
    if (this.#overlongHead !== null) return;
    if (this.#carry.length + piece.length > this.maxChars) {
      this.#overlongHead = (this.#carry + piece).slice(0, RAW_KEPT_CHARS);
      this.#carry = '';
    } else {
      this.#carry += piece;
    }
  }

  #finishLine(lastPiece: string): PhysicalLine {
    this.#lineNumber++;
    if (this.#overlongHead !== null) {
      const line = { lineNumber: this.#lineNumber, text: this.#overlongHead, overlong: true };
      this.#overlongHead = null;
      return line;
    }
    let text = this.#carry === '' ? lastPiece : this.#carry + lastPiece;
    this.#carry = '';
    if (text.endsWith('\r')) text = text.slice(0, -1);
    return { lineNumber: this.#lineNumber, text, overlong: false };
  }
}

// ------------------------------------------------------------------------------------- CSV tokenizing

type Tokenized = { fields: string[] } | { error: string };

const CSV_OPTIONS = {
  relax_column_count: true,
  record_delimiter: '\n',
  bom: false,
  skip_empty_lines: false,
} as const;

/** Splits a batch of whole lines with one csv-parse call; falls back to one call per line when it fails. */
function tokenizeBatch(lines: readonly PhysicalLine[]): Tokenized[] {
  try {
    const records = parseCsv(lines.map((line) => line.text).join('\n'), CSV_OPTIONS) as string[][];
    // With no line break inside any field, each line is one record; a different count means a stray
    // quote joined lines, so the batch is redone line by line to pin the fault on its line.
    if (records.length === lines.length) return records.map((fields) => ({ fields }));
  } catch {
    // a syntax error somewhere in the batch: redone line by line below
  }
  return lines.map((line) => tokenizeLine(line.text));
}

function tokenizeLine(text: string): Tokenized {
  try {
    const records = parseCsv(text, CSV_OPTIONS) as string[][];
    if (records.length === 1) return { fields: records[0]! };
    return { error: `expected one CSV record on the line, got ${records.length}` };
  } catch (error) {
    return { error: describeCsvError(error) };
  }
}

/**
 * Our own wording for csv-parse's syntax errors: its messages quote single bytes of the UTF-8 text it
 * works on (so a Japanese character shows as "ã") and mention "line 1" of the one-line input.
 */
const CSV_ERROR_WORDING: Partial<Record<string, string>> = {
  CSV_INVALID_CLOSING_QUOTE: 'a quote closes the field but a comma does not follow it (stray or unclosed quote)',
  INVALID_OPENING_QUOTE: 'a quote appears inside an unquoted field',
  CSV_QUOTE_NOT_CLOSED: 'a quoted field is never closed',
};

function describeCsvError(error: unknown): string {
  if (!(error instanceof Error)) return `CSV syntax error: ${String(error)}`;
  const csvError = error as CsvError;
  const code = typeof csvError.code === 'string' ? csvError.code : 'CSV_ERROR';
  const wording = CSV_ERROR_WORDING[code] ?? error.message.replace(/ at line 1\b/, '');
  const column = typeof csvError.column === 'number' ? csvError.column : null;
  const name = column === null ? undefined : NTA_COLUMNS[column];
  const where = column === null ? '' : ` in field ${column + 1}${name === undefined ? '' : ` (${name})`}`;
  return `broken CSV quoting${where}: ${wording} [${code}]`;
}

// ----------------------------------------------------------------------------------------------- XML

const ELEMENT_END = '</corporation>';
const ELEMENT_START = /<corporation[\s>/]/g;

const xmlParser = new XMLParser({
  ignoreAttributes: true,
  ignoreDeclaration: true,
  parseTagValue: false,
  trimValues: false,
  htmlEntities: true,
});

function indexOfElementStart(text: string, from: number): number {
  ELEMENT_START.lastIndex = from;
  const match = ELEMENT_START.exec(text);
  return match === null ? -1 : match.index;
}

function countLineBreaks(text: string, from: number, to: number): number {
  let count = 0;
  for (let i = text.indexOf('\n', from); i !== -1 && i < to; i = text.indexOf('\n', i + 1)) count++;
  return count;
}

/** The element texts of one `<corporation>` in column order; a missing element reads as empty. */
function xmlElementFields(element: string): Tokenized {
  const validation = XMLValidator.validate(element);
  if (validation !== true) return { error: `malformed XML: ${validation.err.msg}` };
  const parsed: unknown = xmlParser.parse(element).corporation;
  if (typeof parsed !== 'object' || parsed === null) return { error: 'empty <corporation> element' };
  const values = parsed as Record<string, unknown>;
  const fields: string[] = [];
  for (const column of NTA_COLUMNS) {
    const value = values[column];
    if (value === undefined) fields.push('');
    else if (typeof value === 'string') fields.push(value);
    else if (Array.isArray(value)) return { error: `element <${column}> occurs ${value.length} times` };
    else return { error: `element <${column}> holds nested elements` };
  }
  return { fields };
}

/** Reads lastUpdateDate/count/divideNumber/divideSize from the text before the first `<corporation>`. */
function readXmlHeader(prefix: string): NtaApiHeader | null {
  const value = (name: string): string => new RegExp(`<${name}>([^<]*)</${name}>`).exec(prefix)?.[1]?.trim() ?? '';
  return parseNtaApiHeader([value('lastUpdateDate'), value('count'), value('divideNumber'), value('divideSize')]);
}
