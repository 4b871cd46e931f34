import { loadConfig, type Config } from '../config.js';
import { migrateDatabase, openDatabase, type Database } from '../db/client.js';

/** Opens (and migrates) the configured database for a CLI command; always closes it. */
export async function withDatabase<T>(purpose: string, run: (database: Database, config: Config) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, purpose });
  try {
    await migrateDatabase(database);
    return await run(database, config);
  } finally {
    await database.close();
  }
}
