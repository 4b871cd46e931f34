#!/usr/bin/env node
/**
 * Builds seeds/jsic.json, the JSIC (日本標準産業分類) Rev.14 code list the platform ships, from the
 * kobesoft-inc/jsic-data export kept under the shared reference folder.
 *
 *   node scripts/build-jsic.mjs                 write seeds/jsic.json
 *   node scripts/build-jsic.mjs --check         exit 1 when seeds/jsic.json differs from a fresh build
 *   node scripts/build-jsic.mjs --source DIR    read the reference files from DIR
 *                                               (default: $SDP_REFERENCE_DIR or /work/shared/data/real/reference)
 *
 * Inputs (read at build time only; the output is self-contained):
 *   jsic_rev14_kobesoft_jsic-en.json   majors → middles → minors → details, Japanese and English names
 *   jsic_rev14_major_middle.csv        majors and middles, used to cross-check the JSON
 *
 * Output entries: { code, level, name, nameEn, parent }, codes written as the major letter followed by the
 * numeric code ("E", "E19", "E191", "E1911"). Names are converted to the official separator 「，」.
 * The output is deterministic (no timestamps) so --check can compare byte for byte.
 */
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outputPath = join(projectRoot, 'seeds', 'jsic.json');
const sourceJsonName = 'jsic_rev14_kobesoft_jsic-en.json';
const sourceCsvName = 'jsic_rev14_major_middle.csv';

/**
 * Fixes to the upstream English names, applied after reading. Each one is recorded in the output.
 * Both upstream files cut the name of division G short.
 */
const NAME_EN_CORRECTIONS = [
  { code: 'G', from: 'INFORMATION AND', to: 'INFORMATION AND COMMUNICATIONS', why: 'truncated in both upstream files' },
  {
    code: 'N802',
    from: 'PERFOMANCES (EXCEPT OTHERWISE CLAASIFIED), THEATRICAL COMRANIES',
    to: 'PERFORMANCES (EXCEPT OTHERWISE CLASSIFIED), THEATRICAL COMPANIES',
    why: 'spelling errors upstream',
  },
  {
    code: 'N803',
    from: 'BYCYCLE, HOUSE, MOTORCAR AND MOTORBOAT RACE TRACK OPERATIONS AND COMPANIES',
    to: 'BICYCLE, HORSE, MOTORCAR AND MOTORBOAT RACE TRACK OPERATIONS AND COMPANIES',
    why: 'spelling errors upstream',
  },
];

/**
 * Official JSIC separators: 「，」 between items and full-width brackets. Mirrors normaliseIndustryName in
 * src/modules/company/jsic.ts (the spec there checks that every shipped name is already in this form).
 */
function toOfficialName(name) {
  return name
    .replace(/[\s\u3000]+/g, '')
    .replace(/[、,､，]/g, '，')
    .replace(/[(（]/g, '（')
    .replace(/[)）]/g, '）')
    .replace(/[<＜〈]/g, '（')
    .replace(/[>＞〉]/g, '）')
    .replace(/･/g, '・');
}

function parseArgs(argv) {
  const options = { check: false, sourceDir: process.env.SDP_REFERENCE_DIR ?? '/work/shared/data/real/reference' };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--check') options.check = true;
    else if (arg === '--source') options.sourceDir = argv[++i];
    else throw new Error(`unknown argument: ${arg}`);
  }
  return options;
}

/** Minimal RFC 4180 reader: enough for the reference CSV (quoted fields with commas, no embedded newlines). */
function parseCsv(text) {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/).filter((line) => line.length > 0);
  const rows = lines.map((line) => {
    const fields = [];
    let field = '';
    let quoted = false;
    for (let i = 0; i < line.length; i++) {
      const ch = line[i];
      if (quoted) {
        if (ch === '"' && line[i + 1] === '"') {
          field += '"';
          i++;
        } else if (ch === '"') quoted = false;
        else field += ch;
      } else if (ch === '"') quoted = true;
      else if (ch === ',') {
        fields.push(field);
        field = '';
      } else field += ch;
    }
    fields.push(field);
    return fields;
  });
  const [header, ...body] = rows;
  return body.map((fields) => Object.fromEntries(header.map((key, i) => [key, fields[i] ?? ''])));
}

function requireString(value, where) {
  if (typeof value !== 'string' || value.trim() === '') throw new Error(`missing string at ${where}`);
  return value.trim();
}

function buildEntries(source) {
  const entries = [];
  const add = (code, level, rawName, rawNameEn, parent) => {
    entries.push({ code, level, name: toOfficialName(rawName), nameEn: rawNameEn, parent });
  };
  for (const major of source.major_categories) {
    const letter = requireString(major.code, 'major.code');
    if (!/^[A-T]$/.test(letter)) throw new Error(`unexpected major code ${letter}`);
    add(letter, 'major', requireString(major.name, letter), requireString(major.name_en, letter), null);
    for (const middle of major.middle_categories) {
      const middleCode = requireString(middle.code, `${letter}.middle`);
      if (!/^\d{2}$/.test(middleCode)) throw new Error(`unexpected middle code ${letter}${middleCode}`);
      const middleId = `${letter}${middleCode}`;
      add(middleId, 'middle', requireString(middle.name, middleId), requireString(middle.name_en, middleId), letter);
      for (const minor of middle.minor_categories ?? []) {
        const minorCode = requireString(minor.code, `${middleId}.minor`);
        if (!/^\d{3}$/.test(minorCode) || !minorCode.startsWith(middleCode)) {
          throw new Error(`minor ${minorCode} does not belong to ${middleId}`);
        }
        const minorId = `${letter}${minorCode}`;
        add(minorId, 'minor', requireString(minor.name, minorId), requireString(minor.name_en, minorId), middleId);
        for (const detail of minor.detail_categories ?? []) {
          const detailCode = requireString(detail.code, `${minorId}.detail`);
          if (!/^\d{4}$/.test(detailCode) || !detailCode.startsWith(minorCode)) {
            throw new Error(`detail ${detailCode} does not belong to ${minorId}`);
          }
          const detailId = `${letter}${detailCode}`;
          add(detailId, 'detail', requireString(detail.name, detailId), requireString(detail.name_en, detailId), minorId);
        }
      }
    }
  }
  return entries;
}

function applyCorrections(entries) {
  const byCode = new Map(entries.map((entry) => [entry.code, entry]));
  for (const correction of NAME_EN_CORRECTIONS) {
    const entry = byCode.get(correction.code);
    if (!entry) throw new Error(`correction for unknown code ${correction.code}`);
    if (entry.nameEn !== correction.from) {
      throw new Error(`correction for ${correction.code} expected "${correction.from}", found "${entry.nameEn}"`);
    }
    entry.nameEn = correction.to;
  }
}

function crossCheck(entries, csvRows) {
  const byCode = new Map(entries.map((entry) => [entry.code, entry]));
  const csvCodes = new Set();
  for (const row of csvRows) {
    const code = `${row.major_code}${row.middle_code}`;
    csvCodes.add(code);
    const entry = byCode.get(code);
    if (!entry) throw new Error(`CSV code ${code} is missing from the JSON`);
    if (entry.level !== row.level) throw new Error(`${code}: level ${entry.level} vs CSV ${row.level}`);
    if (entry.name !== toOfficialName(row.name_ja)) throw new Error(`${code}: name ${entry.name} vs CSV ${row.name_ja}`);
  }
  for (const entry of entries) {
    if ((entry.level === 'major' || entry.level === 'middle') && !csvCodes.has(entry.code)) {
      throw new Error(`JSON code ${entry.code} is missing from the CSV`);
    }
  }
}

function countByLevel(entries) {
  const counts = { major: 0, middle: 0, minor: 0, detail: 0 };
  for (const entry of entries) counts[entry.level]++;
  return counts;
}

/** Pretty top level, one entry per line: readable diffs without a 10,000-line file. */
function serialise(document) {
  const { entries, ...head } = document;
  const headJson = JSON.stringify(head, null, 2);
  const entryLines = entries.map((entry) => `    ${JSON.stringify(entry)}`).join(',\n');
  return `${headJson.slice(0, -2)},\n  "entries": [\n${entryLines}\n  ]\n}\n`;
}

function main() {
  const options = parseArgs(process.argv.slice(2));
  const jsonPath = join(options.sourceDir, sourceJsonName);
  const csvPath = join(options.sourceDir, sourceCsvName);
  if (!existsSync(jsonPath)) throw new Error(`reference file not found: ${jsonPath}`);
  const source = JSON.parse(readFileSync(jsonPath, 'utf8'));
  const entries = buildEntries(source);
  if (existsSync(csvPath)) crossCheck(entries, parseCsv(readFileSync(csvPath, 'utf8')));
  else console.warn(`warning: ${csvPath} not found, skipping the cross-check`);
  applyCorrections(entries);
  const counts = countByLevel(entries);
  if (counts.major !== 20 || counts.middle !== 99) {
    throw new Error(`expected 20 majors and 99 middles, got ${counts.major} and ${counts.middle}`);
  }
  const codes = new Set(entries.map((entry) => entry.code));
  if (codes.size !== entries.length) throw new Error('duplicate codes in the source');

  const document = {
    classification: '日本標準産業分類 (JSIC) 第14回改定 (令和5年7月告示, 令和6年4月1日施行)',
    revision: 14,
    source: {
      dataset: `kobesoft-inc/jsic-data (${sourceJsonName}), cross-checked against ${sourceCsvName}`,
      generatedBy: 'scripts/build-jsic.mjs',
    },
    codeFormat:
      'major letter followed by the numeric JSIC code: major "E", middle "E19", minor "E191", detail "E1911"',
    nameForm: 'official separators: 「，」 between items (sources using 「、」 or "," are normalised), full-width brackets',
    nameEnCorrections: NAME_EN_CORRECTIONS,
    counts,
    entries,
  };
  const text = serialise(document);
  if (options.check) {
    const current = existsSync(outputPath) ? readFileSync(outputPath, 'utf8') : '';
    if (current !== text) {
      console.error(`${outputPath} is out of date: run node scripts/build-jsic.mjs`);
      process.exit(1);
    }
    console.log(`${outputPath} is up to date (${entries.length} entries)`);
    return;
  }
  writeFileSync(outputPath, text);
  console.log(`wrote ${outputPath}: ${JSON.stringify(counts)}`);
}

main();
