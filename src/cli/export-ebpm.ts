import { writeFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import type { Config } from '../config.js';
import type { Database } from '../db/client.js';
import { applicationCubeCache } from '../modules/ebpm/application-cube.js';
import type { PublishedCell } from '../modules/ebpm/disclosure-control.js';
import type { EbpmFilter } from '../modules/ebpm/ebpm.input.js';
import { cubeOptionsOf, publishedApplicationStats } from '../modules/ebpm/ebpm.service.js';
import { EbpmDimension } from '../shared/enums.js';
import { withDatabase } from './database.js';

/** What `sdp export ebpm` was asked for. */
export interface EbpmExportRequest {
  readonly groupBy: readonly EbpmDimension[];
  readonly filter: EbpmFilter;
}

/** Column name of a dimension in the CSV (MEASURE → measure, FISCAL_YEAR → fiscal_year). */
export function csvColumnOf(dimension: EbpmDimension): string {
  return dimension.toLowerCase();
}

function csvField(value: string): string {
  return /[",\r\n]/.test(value) || value !== value.trim() ? `"${value.replace(/"/g, '""')}"` : value;
}

/**
 * The published table as CSV (RFC 4180, CRLF line ends): one column per groupBy dimension, then
 * applications, adopted, adoption_rate and suppressed. A suppressed cell has its three numbers
 * empty and `suppressed` true, exactly as `Ebpm.applicationStats` serves it.
 */
export function ebpmCsv(groupBy: readonly EbpmDimension[], cells: readonly PublishedCell[]): string {
  const header = [...groupBy.map(csvColumnOf), 'applications', 'adopted', 'adoption_rate', 'suppressed'];
  const number = (value: number | null) => (value === null ? '' : String(value));
  const lines = [header.join(',')];
  for (const cell of cells) {
    lines.push([...cell.keys.map(csvField), number(cell.applications), number(cell.adopted), number(cell.adoptionRate), String(cell.suppressed)].join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}

/** Splits repeated and comma-separated option values: `--measure a,b --measure c` → [a, b, c]. */
function collect(value: string, previous: string[] = []): string[] {
  return [...previous, ...value.split(',').map((part) => part.trim()).filter((part) => part !== '')];
}

/**
 * Turns the command-line options into a request. Dimension names are case-insensitive; fiscal
 * years must be integers. Everything else (repeats, too many dimensions, prefecture codes) is
 * checked by the same validation as the API.
 * @throws Error naming the option on a malformed value.
 */
export function parseEbpmExportOptions(options: { groupBy: string[]; measure?: string[]; fiscalYear?: string[]; prefecture?: string[] }): EbpmExportRequest {
  const dimensions = Object.values(EbpmDimension) as string[];
  const list = (values: string[] | undefined) => values?.reduce<string[]>((all, value) => collect(value, all), []);
  const groupBy = list(options.groupBy)!.map((name) => {
    const dimension = name.trim().toUpperCase().replace(/-/g, '_');
    if (!dimensions.includes(dimension)) throw new Error(`--group-by: unknown dimension "${name}"; use ${dimensions.join(', ')}`);
    return dimension as EbpmDimension;
  });
  const fiscalYears = list(options.fiscalYear)?.map((year) => {
    if (!/^\d{4}$/.test(year)) throw new Error(`--fiscal-year: "${year}" is not a year such as 2023`);
    return Number(year);
  });
  return {
    groupBy,
    filter: {
      ...(options.measure ? { measureIds: list(options.measure) } : {}),
      ...(fiscalYears ? { fiscalYears } : {}),
      ...(options.prefecture ? { prefectureCodes: list(options.prefecture) } : {}),
    },
  };
}

/** The CSV `sdp export ebpm` writes: the same suppressed table as `Ebpm.applicationStats` for the same data. */
export async function exportEbpmCsv(database: Database, config: Pick<Config, 'disclosureThreshold'>, request: EbpmExportRequest): Promise<string> {
  const options = cubeOptionsOf(config);
  try {
    const cells = await publishedApplicationStats(database, options, request.groupBy, request.filter);
    return ebpmCsv(request.groupBy, cells);
  } finally {
    applicationCubeCache(database, options).dispose();
  }
}

/** `sdp export ebpm`: registers the command under `sdp export` (created here when no other module did). */
export function registerExportEbpmCommand(program: Command): void {
  const exportCommand = program.commands.find((command) => command.name() === 'export') ?? program.command('export').description('export data');
  exportCommand
    .command('ebpm')
    .description('application statistics with disclosure control, as Ebpm.applicationStats serves them (suppressed cells empty, suppressed=true)')
    .requiredOption('--group-by <dimensions>', `comma-separated: ${Object.values(EbpmDimension).join(', ')} (at most 3 with the filtered ones)`, collect)
    .option('--measure <ids>', 'only these measure ids (repeat or comma-separate)', collect)
    .option('--fiscal-year <years>', 'only these fiscal years (年度), e.g. 2023', collect)
    .option('--prefecture <codes>', 'only these JIS X 0401 prefecture codes, e.g. 13', collect)
    .addOption(new Option('--format <format>', 'output format').choices(['csv']).default('csv'))
    .option('--out <file>', 'write to this file instead of standard output')
    .action(async (opts: { groupBy: string[]; measure?: string[]; fiscalYear?: string[]; prefecture?: string[]; format: 'csv'; out?: string }) => {
      const request = parseEbpmExportOptions(opts);
      await withDatabase('sdp export ebpm', async (database, config) => {
        const csv = await exportEbpmCsv(database, config, request);
        if (opts.out) {
          writeFileSync(opts.out, csv);
          console.error(`wrote ${csv.split('\r\n').length - 2} cells to ${opts.out}`);
        } else process.stdout.write(csv);
      });
    });
}
