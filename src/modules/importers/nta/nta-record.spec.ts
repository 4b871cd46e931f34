import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { corporateNumberFromBase } from '../../company/corporate-number.js';
import {
  NTA_CLOSE_CAUSE_CODES,
  NTA_CLOSE_CAUSE_LABELS,
  NTA_COLUMNS,
  NTA_FIELD_COUNT,
  NTA_KIND_CODES,
  NTA_KIND_LABELS,
  NTA_KIND_TO_CORPORATE_KIND,
  NTA_PROCESS_CODES,
  NTA_PROCESS_LABELS,
  isRealIsoDate,
  parseNtaFields,
} from './nta-record.js';
import type { NtaColumn, NtaParseResult } from './nta-record.js';

const COMPANY = corporateNumberFromBase('270001990001');
const SUCCESSOR = corporateNumberFromBase('270002990002');

/** A valid row of a fictitious 株式会社, with some fields replaced. */
function fieldsOf(overrides: Partial<Record<NtaColumn, string>> = {}): string[] {
  const row: Record<NtaColumn, string> = {
    sequenceNumber: '7',
    corporateNumber: COMPANY,
    process: '01',
    correct: '0',
    updateDate: '2024-03-29',
    changeDate: '2015-10-05',
    name: '株式会社テスト商事',
    nameImageId: '',
    kind: '301',
    prefectureName: '鳥取県',
    cityName: '鳥取市',
    streetNumber: '東町１丁目２３４番地',
    addressImageId: '',
    prefectureCode: '31',
    cityCode: '201',
    postCode: '6800011',
    addressOutside: '',
    addressOutsideImageId: '',
    closeDate: '',
    closeCause: '',
    successorCorporateNumber: '',
    changeCause: '',
    assignmentDate: '2015-10-05',
    latest: '1',
    enName: 'Test Shoji Co., Ltd.',
    enPrefectureName: 'Tottori',
    enCityName: '1-234, Higashimachi, Tottori shi',
    enAddressOutside: '',
    furigana: 'テストショウジ',
    hihyoji: '0',
    ...overrides,
  };
  return NTA_COLUMNS.map((column) => row[column]);
}

function reasonOf(result: NtaParseResult): string {
  if (result.ok) throw new Error('expected a reject, got a record');
  return result.reason;
}

describe('parseNtaFields', () => {
  it('types a valid row: numbers, booleans, codes, and null for empty fields', () => {
    const result = parseNtaFields(fieldsOf());
    expect(result).toEqual({
      ok: true,
      record: {
        sequenceNumber: 7,
        corporateNumber: COMPANY,
        process: '01',
        correct: false,
        updateDate: '2024-03-29',
        changeDate: '2015-10-05',
        name: '株式会社テスト商事',
        nameImageId: null,
        kind: '301',
        prefectureName: '鳥取県',
        cityName: '鳥取市',
        streetNumber: '東町１丁目２３４番地',
        addressImageId: null,
        prefectureCode: '31',
        cityCode: '201',
        postCode: '6800011',
        addressOutside: null,
        addressOutsideImageId: null,
        closeDate: null,
        closeCause: null,
        successorCorporateNumber: null,
        changeCause: null,
        assignmentDate: '2015-10-05',
        latest: true,
        enName: 'Test Shoji Co., Ltd.',
        enPrefectureName: 'Tottori',
        enCityName: '1-234, Higashimachi, Tottori shi',
        enAddressOutside: null,
        furigana: 'テストショウジ',
        hihyoji: false,
      },
    });
  });

  it('reads a closed, merged company with its successor, and a history row with the flags set', () => {
    const result = parseNtaFields(
      fieldsOf({
        process: '21',
        correct: '1',
        closeDate: '2024-04-01',
        closeCause: '11',
        successorCorporateNumber: SUCCESSOR,
        changeCause: `令和６年４月１日株式会社テスト（${SUCCESSOR}）に合併し解散`,
        latest: '0',
        hihyoji: '1',
      }),
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.record).toMatchObject({
      process: '21',
      correct: true,
      closeDate: '2024-04-01',
      closeCause: '11',
      successorCorporateNumber: SUCCESSOR,
      latest: false,
      hihyoji: true,
    });
  });

  it('accepts an overseas entity with no domestic address codes', () => {
    const result = parseNtaFields(
      fieldsOf({
        kind: '401',
        prefectureName: '',
        cityName: '',
        streetNumber: '',
        prefectureCode: '',
        cityCode: '',
        postCode: '',
        addressOutside: 'アメリカ合衆国カリフォルニア州テスト市１２３',
      }),
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.record.prefectureCode).toBeNull();
    expect(result.record.postCode).toBeNull();
    expect(result.record.addressOutside).toBe('アメリカ合衆国カリフォルニア州テスト市１２３');
  });

  it('keeps text verbatim (no trimming): the real Tottori file has an English city with a trailing blank', () => {
    const result = parseNtaFields(fieldsOf({ enCityName: 'Hosshouji 377-1, Saihaku-gun Nanbu-cho ' }));
    expect(result.ok && result.record.enCityName).toBe('Hosshouji 377-1, Saihaku-gun Nanbu-cho ');
  });

  it.each([29, 31, 0])('rejects a row with %i fields', (count) => {
    const fields = fieldsOf();
    const resized = count <= NTA_FIELD_COUNT ? fields.slice(0, count) : [...fields, 'extra'];
    expect(reasonOf(parseNtaFields(resized))).toBe(`expected 30 fields, got ${resized.length}`);
  });

  it('rejects a wrong check digit, naming the field, the value and the expected digit', () => {
    const wrong = `${(Number(COMPANY[0]) % 9) + 1}${COMPANY.slice(1)}`;
    expect(reasonOf(parseNtaFields(fieldsOf({ corporateNumber: wrong })))).toBe(
      `corporateNumber "${wrong}": 法人番号 check digit is wrong: "${wrong}" (expected first digit ${COMPANY[0]})`,
    );
  });

  it.each([
    [{ corporateNumber: '123456789012' }, 'corporateNumber "123456789012": 法人番号 must be 13 digits'],
    [{ corporateNumber: '52700019900０1' }, 'corporateNumber "52700019900０1": 法人番号 must contain digits only'],
    [{ corporateNumber: '' }, 'corporateNumber "": 法人番号 is required but empty'],
    [{ successorCorporateNumber: '5270002990002' }, 'successorCorporateNumber "5270002990002": 法人番号 check digit is wrong'],
    [{ process: '02' }, 'process "02": unknown 処理区分 code (expected one of 01, 11, 12, 13, 21, 22, 71, 72, 81, 99)'],
    [{ process: '77' }, 'process "77": unknown 処理区分 code'],
    [{ process: '1' }, 'process "1": unknown 処理区分 code'],
    [{ correct: '2' }, 'correct "2": 訂正区分 must be 0 or 1'],
    [{ kind: '300' }, 'kind "300": unknown 法人種別 code (expected one of 101, 201, 301, 302, 303, 304, 305, 399, 401, 499)'],
    [{ kind: '' }, 'kind "": 法人種別 is required but empty'],
    [{ latest: '' }, 'latest "": 最新履歴 must be 0 or 1'],
    [{ latest: 'true' }, 'latest "true": 最新履歴 must be 0 or 1'],
    [{ hihyoji: '2' }, 'hihyoji "2": 検索対象除外 must be 0 or 1'],
    [{ closeCause: '02' }, 'closeCause "02": unknown 閉鎖等の事由 code (expected one of 01, 11, 21, 31)'],
    [{ updateDate: '2023-02-29' }, 'updateDate "2023-02-29": is not a real calendar date'],
    [{ changeDate: '2024-13-01' }, 'changeDate "2024-13-01": is not a real calendar date'],
    [{ closeDate: '2024/04/01' }, 'closeDate "2024/04/01": expected a date as YYYY-MM-DD'],
    [{ assignmentDate: '2015-10-5' }, 'assignmentDate "2015-10-5": expected a date as YYYY-MM-DD'],
    [{ assignmentDate: '' }, 'assignmentDate "": date is required but empty'],
    [{ postCode: '680-0011' }, 'postCode "680-0011": expected 7 digits without hyphen'],
    [{ postCode: '６８０００１１' }, 'postCode "６８０００１１": expected 7 digits without hyphen'],
    [{ prefectureCode: '1' }, 'prefectureCode "1": expected 2 digits'],
    [{ cityCode: '2010' }, 'cityCode "2010": expected 3 digits'],
    [{ sequenceNumber: '0' }, 'sequenceNumber "0": expected a positive integer'],
    [{ sequenceNumber: '' }, 'sequenceNumber "": expected a positive integer'],
    [{ name: '' }, 'name "": is required but empty'],
  ] as const)('rejects %o', (overrides, reasonStart) => {
    expect(reasonOf(parseNtaFields(fieldsOf(overrides)))).toContain(reasonStart);
  });

  it('reports every bad field of a row, not only the first', () => {
    const result = parseNtaFields(fieldsOf({ process: '02', changeDate: '2023-02-29', postCode: '680-0011' }));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((problem) => problem.field)).toEqual(['process', 'changeDate', 'postCode']);
    expect(result.reason).toBe(
      'process "02": unknown 処理区分 code (expected one of 01, 11, 12, 13, 21, 22, 71, 72, 81, 99); ' +
        'changeDate "2023-02-29": is not a real calendar date; ' +
        'postCode "680-0011": expected 7 digits without hyphen',
    );
  });

  it('rejects text holding U+FFFD, the mark of bytes that did not decode', () => {
    expect(reasonOf(parseNtaFields(fieldsOf({ name: '株式会社\uFFFDテスト' })))).toContain(
      'name "株式会社\uFFFDテスト": holds U+FFFD',
    );
  });

  it('cuts a very long bad value in the reason', () => {
    const reason = reasonOf(parseNtaFields(fieldsOf({ postCode: '9'.repeat(500) })));
    expect(reason.length).toBeLessThan(200);
    expect(reason).toContain('…');
  });
});

describe('isRealIsoDate', () => {
  it('accepts 29 February only in leap years', () => {
    expect(isRealIsoDate('2024-02-29')).toBe(true);
    expect(isRealIsoDate('2000-02-29')).toBe(true);
    expect(isRealIsoDate('1900-02-29')).toBe(false);
    expect(isRealIsoDate('2023-02-29')).toBe(false);
  });

  it('agrees with the calendar for every (year, month, day) triple', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 9999 }), fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 32 }), (y, m, d) => {
        const text = `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
        const date = new Date(0);
        date.setUTCFullYear(y, m - 1, d);
        const real = m >= 1 && m <= 12 && date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
        expect(isRealIsoDate(text)).toBe(real);
      }),
    );
  });
});

describe('code tables', () => {
  it('maps every NTA kind code to a contract CorporateKind', () => {
    expect(NTA_KIND_TO_CORPORATE_KIND).toEqual({
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
    });
    expect(Object.keys(NTA_KIND_TO_CORPORATE_KIND).sort()).toEqual([...NTA_KIND_CODES].sort());
  });

  it('has a label for every code, and the code lists are in code order', () => {
    for (const [codes, labels] of [
      [NTA_PROCESS_CODES, NTA_PROCESS_LABELS],
      [NTA_KIND_CODES, NTA_KIND_LABELS],
      [NTA_CLOSE_CAUSE_CODES, NTA_CLOSE_CAUSE_LABELS],
    ] as const) {
      expect(Object.keys(labels).sort()).toEqual([...codes].sort());
      expect([...codes]).toEqual([...codes].sort());
    }
  });

  const referenceDir = '/work/shared/data/real/reference';
  describe.skipIf(!existsSync(referenceDir))('against the NTA code lists in the shared reference data', () => {
    function codeList(file: string): Record<string, string> {
      const lines = readFileSync(`${referenceDir}/${file}`, 'utf8').trim().split(/\r?\n/).slice(1);
      return Object.fromEntries(lines.map((line) => line.split(',').slice(0, 2) as [string, string]));
    }

    it.each([
      ['nta_code_kind.csv', NTA_KIND_LABELS],
      ['nta_code_process.csv', NTA_PROCESS_LABELS],
      ['nta_code_closeCause.csv', NTA_CLOSE_CAUSE_LABELS],
    ] as const)('%s matches the labels', (file, labels) => {
      expect(codeList(file)).toEqual(labels);
    });
  });
  if (!existsSync(referenceDir)) console.warn(`skipping code-list comparison: ${referenceDir} is absent`);
});
