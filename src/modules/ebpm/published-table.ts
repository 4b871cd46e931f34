/** Reading the small published government tables (../shared/data/published/*.csv) this module seeds from. */

import { parse } from 'csv-parse/sync';

/** A malformed scorecard or subsidy-frame table; `line` is 1-based (the header is line 1). */
export class PublishedTableError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`line ${line}: ${message}`);
    this.name = 'PublishedTableError';
  }
}

/** Reads a header-first CSV into records keyed by column name, with the line of each record. */
export function readCsvRecords(text: string, requiredColumns: readonly string[]): { line: number; values: Map<string, string> }[] {
  let rows: { record: string[]; info: { lines: number } }[];
  try {
    rows = parse(text, { bom: true, skip_empty_lines: true, trim: true, relax_column_count: false, info: true }) as unknown as typeof rows;
  } catch (error) {
    const line = (error as { lines?: unknown }).lines;
    throw new PublishedTableError(typeof line === 'number' ? line : 1, (error as Error).message);
  }
  if (rows.length === 0) throw new PublishedTableError(1, 'the table is empty');
  const header = rows[0]!.record;
  for (const column of requiredColumns) if (!header.includes(column)) throw new PublishedTableError(1, `missing column ${column}`);
  return rows.slice(1).map(({ record, info }) => ({
    line: info.lines,
    values: new Map(header.map((column, i) => [column, record[i] ?? ''])),
  }));
}

/** A non-negative integer written with or without thousands separators; null when blank. */
export function parseCount(text: string | undefined, line: number, column: string): number | null {
  const value = (text ?? '').normalize('NFKC').trim();
  if (value === '') return null;
  if (!/^\d{1,3}(,\d{3})*$|^\d+$/.test(value)) throw new PublishedTableError(line, `${column} must be a whole number, got "${value}"`);
  return Number(value.replaceAll(',', ''));
}
