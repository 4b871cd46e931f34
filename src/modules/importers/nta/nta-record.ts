/**
 * One row of the 国税庁 法人番号公表サイト data (bulk 全件/差分 files and Web-API v4 responses):
 * the 30 columns of the リソース定義書, typed and validated. Pure functions, no I/O.
 * See ../shared/reference/domain.md §2 and ../shared/data/real/reference/nta_code_*.csv.
 */
import {
  corporateNumberProblem,
  describeCorporateNumberProblem,
} from '../../company/corporate-number.js';

/** The 30 columns, in file order (no header row in the files). */
export const NTA_COLUMNS = [
  'sequenceNumber',
  'corporateNumber',
  'process',
  'correct',
  'updateDate',
  'changeDate',
  'name',
  'nameImageId',
  'kind',
  'prefectureName',
  'cityName',
  'streetNumber',
  'addressImageId',
  'prefectureCode',
  'cityCode',
  'postCode',
  'addressOutside',
  'addressOutsideImageId',
  'closeDate',
  'closeCause',
  'successorCorporateNumber',
  'changeCause',
  'assignmentDate',
  'latest',
  'enName',
  'enPrefectureName',
  'enCityName',
  'enAddressOutside',
  'furigana',
  'hihyoji',
] as const;

export type NtaColumn = (typeof NTA_COLUMNS)[number];

/** Number of fields in every NTA row. */
export const NTA_FIELD_COUNT = NTA_COLUMNS.length;

/** 処理区分 codes, in code order. */
export const NTA_PROCESS_CODES = ['01', '11', '12', '13', '21', '22', '71', '72', '81', '99'] as const;
export type NtaProcessCode = (typeof NTA_PROCESS_CODES)[number];

/** 処理区分 labels (nta_code_process.csv). Iterate NTA_PROCESS_CODES for code order: object keys like '11' sort before '01'. */
export const NTA_PROCESS_LABELS: Readonly<Record<NtaProcessCode, string>> = {
  '01': '新規',
  '11': '商号又は名称の変更',
  '12': '国内所在地の変更',
  '13': '国外所在地の変更',
  '21': '登記記録の閉鎖等',
  '22': '登記記録の復活等',
  '71': '吸収合併',
  '72': '吸収合併無効',
  '81': '商号の登記の抹消',
  '99': '削除',
};

/** 法人種別 codes, in code order. */
export const NTA_KIND_CODES = ['101', '201', '301', '302', '303', '304', '305', '399', '401', '499'] as const;
export type NtaKindCode = (typeof NTA_KIND_CODES)[number];

/** 法人種別 labels (nta_code_kind.csv; 302 有限会社 means 特例有限会社). */
export const NTA_KIND_LABELS: Readonly<Record<NtaKindCode, string>> = {
  '101': '国の機関',
  '201': '地方公共団体',
  '301': '株式会社',
  '302': '有限会社',
  '303': '合名会社',
  '304': '合資会社',
  '305': '合同会社',
  '399': 'その他の設立登記法人',
  '401': '外国会社等',
  '499': 'その他',
};

/** 閉鎖等の事由 codes, in code order. */
export const NTA_CLOSE_CAUSE_CODES = ['01', '11', '21', '31'] as const;
export type NtaCloseCauseCode = (typeof NTA_CLOSE_CAUSE_CODES)[number];

/** 閉鎖等の事由 labels (nta_code_closeCause.csv). */
export const NTA_CLOSE_CAUSE_LABELS: Readonly<Record<NtaCloseCauseCode, string>> = {
  '01': '清算の結了等',
  '11': '合併による解散等',
  '21': '登記官による閉鎖',
  '31': 'その他の清算の結了等',
};

/** The contract's `CorporateKind` values an NTA kind code maps to (SOLE_PROPRIETOR never comes from the NTA). */
export type NtaCorporateKind =
  | 'NATIONAL_AGENCY'
  | 'LOCAL_GOVERNMENT'
  | 'KABUSHIKI_KAISHA'
  | 'YUGEN_KAISHA'
  | 'GOMEI_KAISHA'
  | 'GOSHI_KAISHA'
  | 'GODO_KAISHA'
  | 'OTHER_REGISTERED'
  | 'FOREIGN_COMPANY'
  | 'OTHER';

/** NTA 法人種別 code → contract enum `CorporateKind`. */
export const NTA_KIND_TO_CORPORATE_KIND: Readonly<Record<NtaKindCode, NtaCorporateKind>> = {
  '101': 'NATIONAL_AGENCY',
  '201': 'LOCAL_GOVERNMENT',
  '301': 'KABUSHIKI_KAISHA',
  '302': 'YUGEN_KAISHA',
  '303': 'GOMEI_KAISHA',
  '304': 'GOSHI_KAISHA',
  '305': 'GODO_KAISHA',
  '399': 'OTHER_REGISTERED',
  '401': 'FOREIGN_COMPANY',
  '499': 'OTHER',
};

/**
 * A validated NTA row. Empty fields are null; dates are real calendar dates kept as 'YYYY-MM-DD'.
 * Required by the NTA spec (and so never null here): sequenceNumber, corporateNumber, process,
 * correct, updateDate, changeDate, name, kind, assignmentDate, latest, hihyoji.
 */
export interface NtaRecord {
  /** 順序番号: position of the row in its file or response (1-based). */
  sequenceNumber: number;
  /** 法人番号 (check digit verified). */
  corporateNumber: string;
  /** 処理区分 */
  process: NtaProcessCode;
  /** 訂正区分: true = 訂正 (correction of an earlier row), false = 訂正以外. */
  correct: boolean;
  /** 更新年月日 */
  updateDate: string;
  /** 変更年月日 */
  changeDate: string;
  /** 商号又は名称 */
  name: string;
  /** 商号又は名称イメージID: set when the name holds a glyph the character set cannot encode. */
  nameImageId: string | null;
  /** 法人種別 */
  kind: NtaKindCode;
  prefectureName: string | null;
  cityName: string | null;
  /** 丁目番地等 */
  streetNumber: string | null;
  addressImageId: string | null;
  /** 2 digits (JIS X 0401); null when the entity has no domestic address. */
  prefectureCode: string | null;
  /** 3 digits; prefectureCode + cityCode = 地方公共団体コード without its check digit. */
  cityCode: string | null;
  /** 7 digits, no hyphen. */
  postCode: string | null;
  /** 国外所在地 */
  addressOutside: string | null;
  addressOutsideImageId: string | null;
  /** 登記記録の閉鎖等年月日 */
  closeDate: string | null;
  /** 閉鎖等の事由 */
  closeCause: NtaCloseCauseCode | null;
  /** 承継先法人番号 (check digit verified). */
  successorCorporateNumber: string | null;
  /** 変更事由の詳細 (free text). */
  changeCause: string | null;
  /** 法人番号指定年月日 */
  assignmentDate: string;
  /** 最新履歴: true = 最新情報, false = 過去情報 (history row). */
  latest: boolean;
  enName: string | null;
  enPrefectureName: string | null;
  /** English city plus street ("2-223, Higashimachi, Tottori shi"). */
  enCityName: string | null;
  enAddressOutside: string | null;
  /** フリガナ */
  furigana: string | null;
  /** 検索対象除外: true = excluded from the NTA site's search. */
  hihyoji: boolean;
}

/** One thing wrong with a row: the field (null for the row as a whole), its value and why. */
export interface NtaFieldProblem {
  field: NtaColumn | null;
  value: string;
  message: string;
}

export type NtaParseResult =
  | { ok: true; record: NtaRecord }
  | { ok: false; reason: string; problems: NtaFieldProblem[] };

const COLUMN_INDEX = Object.fromEntries(NTA_COLUMNS.map((column, index) => [column, index])) as Record<NtaColumn, number>;


/** True when the value is one of the 処理区分 codes. */
export function isNtaProcessCode(value: string): value is NtaProcessCode {
  return Object.hasOwn(NTA_PROCESS_LABELS, value);
}

/** True when the value is one of the 法人種別 codes. */
export function isNtaKindCode(value: string): value is NtaKindCode {
  return Object.hasOwn(NTA_KIND_LABELS, value);
}

/** True when the value is one of the 閉鎖等の事由 codes. */
export function isNtaCloseCauseCode(value: string): value is NtaCloseCauseCode {
  return Object.hasOwn(NTA_CLOSE_CAUSE_LABELS, value);
}

const ISO_DATE = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/;

/** True for a well-formed 'YYYY-MM-DD' that names a real calendar day (leap years included). */
export function isRealIsoDate(value: string): boolean {
  const match = ISO_DATE.exec(value);
  if (match === null) return false;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  if (year < 1 || month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const daysInMonth = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
  return day <= daysInMonth;
}

/** Shows a value in a reason: JSON-quoted (so blanks and control characters are visible), cut when long. */
function shown(value: string): string {
  return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);
}

function listOf(codes: readonly string[]): string {
  return codes.join(', ');
}

/**
 * Reads the fields of one row with a shared problem list, so that every bad field of the row is
 * reported at once instead of only the first one.
 */
class RowReader {
  readonly problems: NtaFieldProblem[] = [];

  constructor(private readonly fields: readonly string[]) {}

  private raw(field: NtaColumn): string {
    return this.fields[COLUMN_INDEX[field]]!;
  }

  private fail(field: NtaColumn, value: string, message: string): void {
    this.problems.push({ field, value, message });
  }

  /** Free text; empty becomes null. */
  text(field: NtaColumn): string | null {
    const value = this.raw(field);
    return value === '' ? null : value;
  }

  /** Free text that must not be empty. */
  requiredText(field: NtaColumn): string {
    const value = this.raw(field);
    if (value === '') this.fail(field, value, 'is required but empty');
    return value;
  }

  /** A value that must match a pattern when present; empty becomes null unless required. */
  pattern(field: NtaColumn, regex: RegExp, what: string, required = false): string | null {
    const value = this.raw(field);
    if (value === '') {
      if (required) this.fail(field, value, `is required but empty (expected ${what})`);
      return null;
    }
    if (!regex.test(value)) this.fail(field, value, `expected ${what}`);
    return value;
  }

  /** A code from a fixed list; empty becomes null unless required. */
  code<T extends string>(
    field: NtaColumn,
    codes: readonly T[],
    isCode: (value: string) => value is T,
    label: string,
    required: boolean,
  ): T | null {
    const value = this.raw(field);
    if (value === '') {
      if (required) this.fail(field, value, `${label} is required but empty`);
      return null;
    }
    if (!isCode(value)) {
      this.fail(field, value, `unknown ${label} code (expected one of ${listOf(codes)})`);
      return null;
    }
    return value;
  }

  /** A 0/1 flag. */
  flag(field: NtaColumn, meaning: string): boolean {
    const value = this.raw(field);
    if (value !== '0' && value !== '1') this.fail(field, value, `${meaning} must be 0 or 1`);
    return value === '1';
  }

  /** A 'YYYY-MM-DD' date that must be a real calendar day. */
  date(field: NtaColumn, required: boolean): string | null {
    const value = this.raw(field);
    if (value === '') {
      if (required) this.fail(field, value, 'date is required but empty');
      return null;
    }
    if (!ISO_DATE.test(value)) this.fail(field, value, 'expected a date as YYYY-MM-DD');
    else if (!isRealIsoDate(value)) this.fail(field, value, 'is not a real calendar date');
    return value;
  }

  /** A 法人番号 with a valid check digit. */
  corporateNumber(field: NtaColumn, required: boolean): string | null {
    const value = this.raw(field);
    if (value === '') {
      if (required) this.fail(field, value, '法人番号 is required but empty');
      return null;
    }
    const problem = corporateNumberProblem(value);
    if (problem !== null) this.fail(field, value, describeCorporateNumberProblem(value, problem));
    return value;
  }

  /** A positive integer that fits a JS number exactly. */
  positiveInteger(field: NtaColumn): number {
    const value = this.raw(field);
    const number = Number(value);
    if (!/^[1-9][0-9]*$/.test(value) || !Number.isSafeInteger(number)) {
      this.fail(field, value, 'expected a positive integer');
    }
    return number;
  }

  /** Undecodable bytes turn into U+FFFD when the file is decoded; such a row must not be stored as if it were clean. */
  checkReplacementCharacters(): void {
    this.fields.forEach((value, index) => {
      if (value.includes('\uFFFD')) {
        this.fail(NTA_COLUMNS[index]!, value, 'holds U+FFFD: bytes that could not be decoded in the file encoding');
      }
    });
  }
}

/** Joins the problems of a row into one line: `field "value": message; …`. */
export function describeNtaProblems(problems: readonly NtaFieldProblem[]): string {
  return problems
    .map((p) => (p.field === null ? p.message : `${p.field} ${shown(p.value)}: ${p.message}`))
    .join('; ');
}

/**
 * Validates and types the 30 fields of one NTA row (CSV fields, or XML element texts in column order).
 * Every problem of the row is collected; `reason` names each bad field and its value.
 */
export function parseNtaFields(fields: readonly string[]): NtaParseResult {
  if (fields.length !== NTA_FIELD_COUNT) {
    const problems: NtaFieldProblem[] = [
      {
        field: null,
        value: String(fields.length),
        message: `expected ${NTA_FIELD_COUNT} fields, got ${fields.length}`,
      },
    ];
    return { ok: false, reason: describeNtaProblems(problems), problems };
  }

  const row = new RowReader(fields);
  row.checkReplacementCharacters();
  // A bad required field is recorded in row.problems; the placeholder after `??` only keeps the
  // object well-typed and is never returned, since any problem turns the result into a reject.
  const record: NtaRecord = {
    sequenceNumber: row.positiveInteger('sequenceNumber'),
    corporateNumber: row.corporateNumber('corporateNumber', true) ?? '',
    process: row.code('process', NTA_PROCESS_CODES, isNtaProcessCode, '処理区分', true) ?? '01',
    correct: row.flag('correct', '訂正区分'),
    updateDate: row.date('updateDate', true) ?? '',
    changeDate: row.date('changeDate', true) ?? '',
    name: row.requiredText('name'),
    nameImageId: row.text('nameImageId'),
    kind: row.code('kind', NTA_KIND_CODES, isNtaKindCode, '法人種別', true) ?? '499',
    prefectureName: row.text('prefectureName'),
    cityName: row.text('cityName'),
    streetNumber: row.text('streetNumber'),
    addressImageId: row.text('addressImageId'),
    prefectureCode: row.pattern('prefectureCode', /^[0-9]{2}$/, '2 digits'),
    cityCode: row.pattern('cityCode', /^[0-9]{3}$/, '3 digits'),
    postCode: row.pattern('postCode', /^[0-9]{7}$/, '7 digits without hyphen'),
    addressOutside: row.text('addressOutside'),
    addressOutsideImageId: row.text('addressOutsideImageId'),
    closeDate: row.date('closeDate', false),
    closeCause: row.code('closeCause', NTA_CLOSE_CAUSE_CODES, isNtaCloseCauseCode, '閉鎖等の事由', false),
    successorCorporateNumber: row.corporateNumber('successorCorporateNumber', false),
    changeCause: row.text('changeCause'),
    assignmentDate: row.date('assignmentDate', true) ?? '',
    latest: row.flag('latest', '最新履歴'),
    enName: row.text('enName'),
    enPrefectureName: row.text('enPrefectureName'),
    enCityName: row.text('enCityName'),
    enAddressOutside: row.text('enAddressOutside'),
    furigana: row.text('furigana'),
    hihyoji: row.flag('hihyoji', '検索対象除外'),
  };
  if (row.problems.length > 0) {
    return { ok: false, reason: describeNtaProblems(row.problems), problems: row.problems };
  }
  return { ok: true, record };
}
