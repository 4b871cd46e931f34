import 'reflect-metadata';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, Option } from 'commander';
import { loadConfig } from '../config.js';
import { seedIfEmpty } from '../modules/demo/demo.service.js';
import { printAppSchema } from '../schema.js';
import { loadOrCreateLocalKey, signLocalToken } from '../shared/auth/tokens.js';
import { projectRoot } from '../shared/paths.js';
import { withDatabase } from './database.js';
import { registerExportEbpmCommand } from './export-ebpm.js';
import { registerGenerateCommand } from './generate.js';
import { registerImportCommands } from './import.js';
import { registerRecommendCommands } from './recommend.js';

const program = new Command('sdp').description('SME Data Platform command line').showHelpAfterError();

program.command('migrate').description('apply the database migrations').action(async () => {
  await withDatabase('sdp migrate', async (database) => {
    console.log(`migrated (${database.driver})`);
  });
});

program.command('seed').description('load the demo data into an empty database').action(async () => {
  await withDatabase('sdp seed', async (database) => {
    const seeded = await seedIfEmpty(database);
    console.log(seeded ? `loaded ${seeded.companies} demo companies` : 'the database already has companies: nothing loaded');
  });
});

const schema = program.command('schema').description('the emitted GraphQL schema (schema/schema.graphql)');
schema.command('emit').description('write schema/schema.graphql from the code').action(async () => {
  const file = join(projectRoot(), 'schema', 'schema.graphql');
  writeFileSync(file, await printAppSchema());
  console.log(`wrote ${file}`);
});
schema.command('check').description('fail when schema/schema.graphql differs from the code').action(async () => {
  const file = join(projectRoot(), 'schema', 'schema.graphql');
  if (readFileSync(file, 'utf8') !== (await printAppSchema())) {
    console.error('schema/schema.graphql is out of date: run `npm run schema:emit` and commit it');
    process.exitCode = 1;
  } else console.log('schema/schema.graphql is up to date');
});

program
  .command('token')
  .description('print a development token signed with the local key in DATA_DIR (only when no OIDC issuer is configured); the JWT is the last word printed')
  .addOption(new Option('--role <role>', 'OWNER | SUPPORTER | STAFF | ADMIN').choices(['OWNER', 'SUPPORTER', 'STAFF', 'ADMIN']).makeOptionMandatory())
  .option('--corporate-number <number>', 'OWNER: the 法人番号 of the company')
  .option('--company-id <id>', 'OWNER: the internal id of the company (sole proprietors)')
  .option('--org <id>', 'SUPPORTER: the organisation id')
  .option('--sub <sub>', 'subject (default: a name made from the role)')
  .option('--ttl <ttl>', 'lifetime, e.g. 1h, 30m, 7d', '1h')
  .action(async (opts: { role: 'OWNER' | 'SUPPORTER' | 'STAFF' | 'ADMIN'; corporateNumber?: string; companyId?: string; org?: string; sub?: string; ttl: string }) => {
    if (process.env.OIDC_ISSUER) throw new Error('OIDC_ISSUER is set: tokens come from the identity provider, not from sdp token');
    if (opts.role === 'SUPPORTER' && !opts.org) throw new Error('--role SUPPORTER needs --org ORG');
    const config = loadConfig();
    const key = await loadOrCreateLocalKey(config.dataDir);
    const token = await signLocalToken(key, {
      role: opts.role,
      sub: opts.sub,
      corporateNumber: opts.corporateNumber,
      companyId: opts.companyId,
      organizationId: opts.org,
    }, opts.ttl);
    console.log(token);
  });

registerImportCommands(program);
registerExportEbpmCommand(program);
registerGenerateCommand(program);
registerRecommendCommands(program);

program.parseAsync(process.argv).catch((error: unknown) => {
  console.error(`sdp: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
