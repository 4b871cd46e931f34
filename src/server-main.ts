import 'reflect-metadata';
import { loadConfig } from './config.js';
import { migrateDatabase, openDatabase } from './db/client.js';
import { seedIfEmpty } from './modules/demo/demo.service.js';
import { prepareEbpm } from './modules/ebpm/ebpm.service.js';
import { catalogueSyncMessage, syncCatalogue } from './modules/measure/measure.service.js';
import { startServer } from './server.js';

/** `npm start`: migrate, load the demo data into an empty database, serve HTTP. */
async function main() {
  const config = loadConfig();
  const database = await openDatabase({
    databaseUrl: config.databaseUrl, dataDir: config.dataDir, purpose: `sdp server (port ${config.port})`, poolSize: config.databasePoolSize,
  });
  await migrateDatabase(database);
  console.log(`[sdp] ${catalogueSyncMessage(await syncCatalogue(database))}`);
  if (config.seedDemo) {
    const seeded = await seedIfEmpty(database);
    if (seeded) console.log(`[sdp] loaded demo data: ${seeded.companies} companies, ${seeded.measures} measures`);
  }
  await prepareEbpm(database, config); // scorecard seed (idempotent) and the application cube warm-up
  const server = await startServer(config, database);
  console.log(`[sdp] serving GraphQL at ${server.url}graphql (GraphiQL at ${server.url}) on ${database.driver === 'pglite' ? `embedded PGlite in ${config.dataDir}` : 'PostgreSQL'}`);
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`[sdp] ${signal}: shutting down`);
    await server.close();
    await database.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((error) => {
  console.error(`[sdp] ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
