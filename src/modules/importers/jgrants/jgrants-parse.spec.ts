import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../../shared/paths.js';
import {
  employeeCriterionOf, htmlToPlainText, parseJgrantsDocument, sanitizeDetailHtml, type JgrantsMeasure,
  type JgrantsParseResult,
} from './jgrants-parse.js';

const fixtureDir = join(projectRoot(), 'tests', 'fixtures', 'jgrants');
const realDir = join(projectRoot(), '..', 'shared', 'data', 'real', 'jgrants');
const DETAIL_FILE = 'detail_v2_result_objects.82.ojkbc-cache.json';
const LIST_FILE = 'list_v1_items.first28.rooom-latest.json';

function readJson(path: string): unknown {
  return JSON.parse(readFileSync(path, 'utf8'));
}

function parseFixture(name: string): JgrantsParseResult {
  return parseJgrantsDocument(readJson(join(fixtureDir, name)), `fixture:${name}`);
}

/** Every tag name opened in `html` is closed as often as it is opened (void tags aside). */
function expectBalancedTags(html: string): void {
  const opened = new Map<string, number>();
  for (const [, closing, name] of html.matchAll(/<(\/?)([a-z0-9]+)\b[^>]*?(\/?)>/gi)) {
    const tag = name!.toLowerCase();
    if (tag === 'br' || tag === 'hr') continue;
    opened.set(tag, (opened.get(tag) ?? 0) + (closing ? -1 : 1));
  }
  for (const [tag, balance] of opened) expect({ tag, balance }).toEqual({ tag, balance: 0 });
}

describe('parseJgrantsDocument: a v1 detail object with hostile HTML (fixture detail-v1-malicious.json)', () => {
  const result = parseFixture('detail-v1-malicious.json');
  const measure = result.measures[0]!;

  it('reads a bare detail object as one detail measure', () => {
    expect(result.ok).toBe(true);
    expect(result.measures).toHaveLength(1);
    expect(measure).toMatchObject({
      jgrantsId: 'a0W5h00000AbCdEFGH', shape: 'detail', managementNumber: 'S-00001234',
      catchPhrase: null, subsidyRate: '1/2以内', maxAmountYen: 1_000_000,
      requestReceptionPresence: true, isEnableMultipleRequest: false,
    });
  });

  it('removes scripts, styles, event handlers, images, iframes and javascript:/data: links from detailHtml', () => {
    const html = measure.detailHtml!;
    expect(html).not.toMatch(/<script|<style|<img|<iframe|onerror|onclick|onmouseover|javascript:|data:|style=|alert/i);
    expect(html).toContain('<a href="https://example.go.jp/koubo" target="_blank" rel="noopener noreferrer nofollow">公募要領</a>');
    expect(html).toContain('<a href="mailto:info@example.go.jp"');
    expect(html).toContain('<a>危険なリンク</a>');
    expect(html).toContain('<td colspan="2">金額</td>');
    expect(html).toContain('&amp; 上限は&lt;100万円&gt;です。');
    expectBalancedTags(html);
  });

  it('gives plain text with paragraph breaks, list items on their own lines and entities decoded', () => {
    expect(measure.detailText).toBe([
      '■目的',
      '',
      '設備導入を支援します。& 上限は<100万円>です。',
      '',
      '画像の後の文',
      '',
      '区切り',
      '',
      '・対象A',
      '・対象B',
      '（続き）',
      '',
      '危険なリンク 大文字 データURL 公募要領 問合せ',
      '',
      '区分 金額',
      'A 100',
      '',
      '最後の段落',
    ].join('\n'));
  });

  it('maps industries written with 「，」 or "," to JSIC letters and reports the unmapped ones', () => {
    expect(measure.industries).toEqual({
      names: ['製造業', '情報通信業', '卸売業，小売業', '宿泊業，飲食サービス業', '宇宙産業'],
      jsicCodes: ['E', 'G', 'I', 'M'],
      unmapped: ['宇宙産業'],
      allIndustries: false,
    });
    expect(result.unmapped.industries).toEqual({ 宇宙産業: 1 });
  });

  it('expands region blocks to prefectures, maps prefecture names and reports unknown areas', () => {
    expect(measure.targetAreas).toEqual(['関東・甲信越地方', '大阪府', '月面']);
    expect(measure.targetPrefectures).toEqual(['08', '09', '10', '11', '12', '13', '14', '15', '19', '20', '27']);
    expect(measure.nationwide).toBe(false);
    expect(result.unmapped.areas).toEqual({ 月面: 1 });
  });

  it('takes the widest employee band of several values', () => {
    expect(measure.employeeCriterion).toEqual({ minEmployees: null, maxEmployees: 300, labels: ['20名以下', '300名以下'] });
  });

  it('builds one window from the top-level period: offset-less datetimes read as UTC, offsets honoured', () => {
    expect(measure.windows).toEqual([expect.objectContaining({
      id: 'a0W5h00000AbCdEFGH:acceptance',
      label: '受付期間',
      acceptingFrom: '2026-05-01T09:00:00.000Z',
      acceptingUntil: '2026-06-30T08:00:00.000Z',
      projectEndDeadline: '2027-01-31T14:59:00.000Z',
    })]);
    expect(measure.acceptingFrom).toBe('2026-05-01T09:00:00.000Z');
  });

  it('falls back to the portal URL when the page URL is not http(s), and keeps only attachment names', () => {
    expect(measure.url).toBe('https://www.jgrants-portal.go.jp/subsidy/a0W5h00000AbCdEFGH');
    expect(measure.attachments).toEqual([
      { kind: 'application_guidelines', name: '公募要領.pdf' },
      { kind: 'application_form', name: '申請書.docx' },
    ]);
    expect(JSON.stringify(measure)).not.toContain('JVBERi0');
  });
});

describe('parseJgrantsDocument: the API envelope with list items (fixture envelope-list.json)', () => {
  const result = parseFixture('envelope-list.json');
  const byId = new Map(result.measures.map((m) => [m.jgrantsId, m]));

  it('reads the declared count and returns bad records as rejects with reasons', () => {
    expect(result.declaredCount).toBe(5);
    expect(result.measures.map((m) => m.jgrantsId)).toEqual(['a0W5h00000AbCdE001', 'a0W5h00000AbCdE002', 'a0W5h00000AbCdE006']);
    expect(result.rejects).toEqual([
      { path: '$.result[2]', jgrantsId: null, reason: 'missing id' },
      { path: '$.result[3]', jgrantsId: 'short-id', reason: 'id is not 18 letters/digits: "short-id"' },
      { path: '$.result[4]', jgrantsId: 'a0W5h00000AbCdE005', reason: 'missing title' },
    ]);
  });

  it('treats 全国 as nationwide (no prefectures) and subsidy_max_limit 0 as unknown', () => {
    expect(byId.get('a0W5h00000AbCdE001')).toMatchObject({
      shape: 'list', nationwide: true, targetPrefectures: [], maxAmountYen: null,
      employeeCriterion: { minEmployees: null, maxEmployees: null, labels: ['従業員数の制約なし'] },
    });
  });

  it('widens disjoint employee bands to no bound and warns about unreadable datetimes', () => {
    const measure = byId.get('a0W5h00000AbCdE002')!;
    expect(measure.employeeCriterion).toMatchObject({ minEmployees: null, maxEmployees: null });
    expect(measure.targetPrefectures).toEqual(['40', '41', '42', '43', '44', '45', '46', '47']);
    expect(measure.windows[0]).toMatchObject({ acceptingFrom: '2026-04-01T09:00:00.000Z', acceptingUntil: null });
    expect(measure.warnings).toEqual(['acceptance_end_datetime: unrecognised datetime: "締切未定"']);
  });

  it('reports unreadable employee values and unknown areas', () => {
    expect(byId.get('a0W5h00000AbCdE006')).toMatchObject({ employeeCriterion: null, targetPrefectures: ['13'], windows: [] });
    expect(result.unmapped).toEqual({ industries: {}, areas: { 北関東: 1 }, employeeCriteria: { 小規模事業者のみ: 1 } });
  });
});

describe('parseJgrantsDocument: a detail cache keyed by id with v2 workflow rounds (fixture detail-v2-keyed.json)', () => {
  const result = parseFixture('detail-v2-keyed.json');
  const [regional, national] = result.measures as [JgrantsMeasure, JgrantsMeasure];

  it('turns each workflow round into a window labelled by its area when rounds differ by area', () => {
    expect(regional.windows.map((w) => [w.id, w.label, w.targetPrefectures, w.acceptingUntil])).toEqual([
      ['a0X5h00000WfLoW001', '北海道', ['01'], '2026-08-17T03:00:00.000Z'],
      ['a0X5h00000WfLoW002', '青森県/岩手県/宮城県', ['02', '03', '04'], '2026-08-31T03:00:00.000Z'],
    ]);
    expect(regional.targetPrefectures).toEqual(['01', '02', '03', '04']);
    expect(regional.targetAreaDetails).toEqual(['沿岸部']);
    expect(regional).toMatchObject({
      acceptingFrom: '2026-07-27T01:00:00.000Z', acceptingUntil: '2026-08-31T03:00:00.000Z',
      grantType: '一般型', requestReceptionPresence: false,
      url: 'https://www.jgrants-portal.go.jp/subsidy/a0W5h00000AbCdK001',
    });
  });

  it('labels rounds by fiscal_year_round and uses the record id when the key differs, with a warning', () => {
    expect(national.jgrantsId).toBe('a0W5h00000AbCdK009');
    expect(national.warnings).toEqual(['keyed as "a0W5h00000AbCdK002" but its id is "a0W5h00000AbCdK009"']);
    expect(national.windows.map((w) => w.label)).toEqual(['令和８年度第１回', '令和８年度第２回']);
    expect(national).toMatchObject({ nationwide: true, targetPrefectures: [], detailHtml: null, detailText: null });
    expect(national.industries.jsicCodes).toEqual([]);
  });
});

describe('parseJgrantsDocument: other shapes', () => {
  const item = {
    id: 'a0W5h00000AbCdL001', name: 'S-00000201', title: '一覧の項目', target_area_search: '東京都',
    subsidy_max_limit: 1_000_000, acceptance_start_datetime: '2026-04-01T00:00:00.000Z',
    acceptance_end_datetime: '2026-04-30T08:00:00.000Z', target_number_of_employees: '5名以下',
  };
  const detail = { ...item, detail: '<p>詳細</p>', industry: '建設業', workflow: [] };

  it('accepts a bare list item', () => {
    const result = parseJgrantsDocument(item, 'bare');
    expect(result.measures).toHaveLength(1);
    expect(result.measures[0]).toMatchObject({ shape: 'list', employeeCriterion: { maxEmployees: 5 } });
  });

  it('accepts an array mixing list items and details; a detail replaces a list item with the same id', () => {
    const result = parseJgrantsDocument([item, detail, { ...item, id: 'a0W5h00000AbCdL002' }], 'array');
    expect(result.measures.map((m) => [m.jgrantsId, m.shape])).toEqual([
      ['a0W5h00000AbCdL001', 'detail'],
      ['a0W5h00000AbCdL002', 'list'],
    ]);
    expect(result.duplicateIds).toEqual(['a0W5h00000AbCdL001']);
  });

  it('accepts a collector wrapper with items, and an array of envelopes', () => {
    expect(parseJgrantsDocument({ count: 383, generated_at: {}, items: [item] }, 'wrapper').measures).toHaveLength(1);
    expect(parseJgrantsDocument({ name: 'collector', items: [item] }, 'named wrapper').measures).toHaveLength(1);
    const envelopes = [{ metadata: { resultset: { count: 1 } }, result: [item] }, { metadata: { resultset: { count: 1 } }, result: [detail] }];
    const result = parseJgrantsDocument(envelopes, 'envelopes');
    expect(result.declaredCount).toBe(2);
    expect(result.measures).toHaveLength(1);
  });

  it('answers junk with ok=false and an error, never throwing', () => {
    for (const junk of [null, 7, 'text', { metadata: {}, result: 'x' }]) {
      const result = parseJgrantsDocument(junk, 'junk');
      expect(result.ok).toBe(false);
      expect(result.errors.length).toBeGreaterThan(0);
    }
    expect(parseJgrantsDocument([], 'empty')).toMatchObject({ ok: true, measures: [], rejects: [] });
    expect(parseJgrantsDocument([42], 'number in array').rejects).toEqual([{ path: '$[0]', jgrantsId: null, reason: 'not an object (number)' }]);
  });
});

describe('employeeCriterionOf', () => {
  it('reads the Jグランツ bands', () => {
    expect(employeeCriterionOf('従業員数の制約なし')).toEqual({ minEmployees: null, maxEmployees: null, labels: ['従業員数の制約なし'] });
    expect(employeeCriterionOf('20名以下')).toMatchObject({ minEmployees: null, maxEmployees: 20 });
    expect(employeeCriterionOf('901名以上')).toMatchObject({ minEmployees: 901, maxEmployees: null });
    expect(employeeCriterionOf('５名以下 / ２０名以下')).toMatchObject({ maxEmployees: 20 });
    expect(employeeCriterionOf('300名以下 / 従業員数の制約なし')).toMatchObject({ minEmployees: null, maxEmployees: null });
    expect(employeeCriterionOf(null)).toBeNull();
    expect(employeeCriterionOf('Null')).toBeNull();
  });
});

describe('sanitizeDetailHtml / htmlToPlainText', () => {
  it('defeats obfuscated script URLs and handlers', () => {
    const html = sanitizeDetailHtml(
      '<a href=" jav&#x09;ascript:alert(1)">x</a><a href="vbscript:msgbox">y</a><svg onload=alert(1)><p>z</p></svg>'
      + '<p onmouseover="alert(1)">w</p><noscript><p>n</p></noscript><a href="//evil.example/">p</a>',
    );
    // <noscript> markup is parsed as ordinary elements: its text stays, harmless
    expect(html).toBe('<a>x</a><a>y</a><p>z</p><p>w</p><p>n</p><a>p</a>');
  });

  it('converts table rows and br to lines', () => {
    expect(htmlToPlainText('<table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table>text<br>next'))
      .toBe('a b\nc\n\ntext\nnext');
  });
});

describe.skipIf(!existsSync(realDir))('parseJgrantsDocument on the real Jグランツ files (../shared/data/real/jgrants)', () => {
  it(`${DETAIL_FILE}: 82 detail measures with 115 windows, every industry and area mapped`, () => {
    const raw = readJson(join(realDir, DETAIL_FILE)) as Record<string, Record<string, unknown>>;
    const result = parseJgrantsDocument(raw, DETAIL_FILE);
    expect(result.ok).toBe(true);
    expect(result.rejects).toEqual([]);
    expect(result.measures).toHaveLength(82);
    expect(result.measures.every((m) => m.shape === 'detail')).toBe(true);
    expect(result.measures.reduce((n, m) => n + m.windows.length, 0)).toBe(115);
    // report of what did not map (all of it maps in this file)
    expect(result.unmapped).toEqual({ industries: {}, areas: {}, employeeCriteria: {} });
    for (const m of result.measures) {
      expect(m.jgrantsId).toHaveLength(18);
      expect(m.managementNumber).toMatch(/^S-\d{8}$/);
      expect(m.warnings).toEqual([]);
      expect(m.industries.jsicCodes.length).toBeGreaterThan(0);
      expect(m.nationwide || m.targetPrefectures.length > 0).toBe(true);
      expect(m.employeeCriterion).not.toBeNull();
      // the collector's _acceptance_end is the latest end of the rounds
      expect(m.acceptingUntil).toBe(raw[m.jgrantsId]!._acceptance_end);
      expect(m.detailHtml).not.toMatch(/<script|style=|javascript:|\son[a-z]+=/i);
      expectBalancedTags(m.detailHtml!);
      expect(m.detailText!.length).toBeGreaterThan(0);
      expect(m.detailText).not.toMatch(/<[a-z/]/i);
    }
    const roundLabels = result.measures.flatMap((m) => m.windows.map((w) => w.label));
    expect(roundLabels).toContain('令和８年度第１回');
    const byRegion = result.measures.find((m) => m.windows.length === 12)!;
    expect(byRegion.targetPrefectures).toHaveLength(47);
    expect(result.measures.filter((m) => m.maxAmountYen === null)).toHaveLength(15);
  });

  it(`${LIST_FILE}: 28 list measures from the collector wrapper`, () => {
    const result = parseJgrantsDocument(readJson(join(realDir, LIST_FILE)), LIST_FILE);
    expect(result.ok).toBe(true);
    expect(result.rejects).toEqual([]);
    expect(result.measures).toHaveLength(28);
    expect(result.measures.every((m) => m.shape === 'list' && m.windows.length === 1 && m.warnings.length === 0)).toBe(true);
    expect(result.unmapped).toEqual({ industries: {}, areas: {}, employeeCriteria: {} });
    expect(result.measures.filter((m) => m.nationwide)).toHaveLength(12);
    expect(result.measures.filter((m) => m.maxAmountYen === null)).toHaveLength(3);
    expect(result.measures[0]).toMatchObject({
      jgrantsId: 'a0WJ200000CDe9hMAD', managementNumber: 'S-00009736', targetPrefectures: ['13'], maxAmountYen: 20_000_000,
      acceptingFrom: '2026-09-01T05:00:00.000Z', acceptingUntil: '2026-09-30T07:00:00.000Z',
    });
  });
});
