import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { generateDatabase, GenerateRefused, type GenerateMode } from '../modules/generator/generator.service.js';
import { withDatabase } from './database.js';
import { createProgress } from './progress.js';

function wholeNumber(name: string, min: number) {
  return (raw: string) => {
    const value = Number(raw.replace(/_/g, ''));
    if (!Number.isInteger(value) || value < min) throw new InvalidArgumentError(`${name} must be a whole number ≥ ${min}`);
    return value;
  };
}

function share(raw: string) {
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0 || value > 20) throw new InvalidArgumentError('must be a number from 0 to 20');
  return value;
}

/** `sdp generate --companies N --seed S [--applications-per-company x] [--append | --reset]` */
export function registerGenerateCommand(program: Command): void {
  program
    .command('generate')
    .description('write a deterministic, realistic generated database (fictitious companies, financials, applications, decisions, support, consents)')
    .requiredOption('--companies <n>', 'number of companies to generate', wholeNumber('--companies', 1))
    .option('--seed <s>', 'world seed: the same seed always gives the same companies', wholeNumber('--seed', 0), 1)
    .option('--applications-per-company <x>', 'mean number of applications per company', share, 3)
    .option('--append', 'add the generated companies to a database that already holds companies')
    .option('--reset', 'delete every company (and its applications, financials, consents, …) first; measures stay')
    .option('--chunk-size <n>', 'companies per transaction', wholeNumber('--chunk-size', 1))
    .action(async (opts: { companies: number; seed: number; applicationsPerCompany: number; append?: boolean; reset?: boolean; chunkSize?: number }) => {
      if (opts.append && opts.reset) throw new Error('give --append or --reset, not both');
      const mode: GenerateMode = opts.reset ? 'reset' : opts.append ? 'append' : 'fresh';
      await withDatabase('sdp generate', async (database) => {
        const progress = createProgress('generate', 'companies');
        let summary;
        try {
          summary = await generateDatabase(database, {
            companies: opts.companies,
            seed: opts.seed,
            applicationsPerCompany: opts.applicationsPerCompany,
            mode,
            chunkSize: opts.chunkSize,
            onProgress: (p) => progress.update(p.companiesDone, p.companiesTotal, p.companiesDone),
          });
        } catch (error) {
          progress.stop();
          if (error instanceof GenerateRefused) {
            console.error(`sdp generate: ${error.message}`);
            process.exitCode = 2;
            return;
          }
          throw error;
        }
        progress.stop();
        if (summary.outcome === 'unchanged') {
          console.log(`the database already holds this generated world (seed ${summary.seed}, ${summary.companies} companies): nothing to do`);
          return;
        }
        const rows = Object.entries(summary.rows).map(([table, n]) => `${table} ${n}`).join(', ');
        const resumed = summary.outcome === 'resumed' ? ` (resumed after ${summary.resumedFrom} companies)` : '';
        console.log(`generated ${summary.companies} companies, seed ${summary.seed}${resumed} in ${summary.seconds.toFixed(1)} s (${database.driver}): ${rows}`);
      });
    });
}
