import postgres from 'postgres';
import { migrateDatabase, openDatabase, type Database } from '../../src/db/client.js';

/**
 * A new, empty database on the PostgreSQL server of SDP_TEST_DATABASE_URL (the CI run sets it),
 * with a function that drops it; null when no server is configured (tests then use PGlite).
 */
export async function freshDatabaseUrl(prefix = 'sdp_test'): Promise<{ url: string; drop: () => Promise<void> } | null> {
  const admin = process.env.SDP_TEST_DATABASE_URL;
  if (!admin) return null;
  const name = `${prefix}_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const sql = postgres(admin, { max: 1, onnotice: () => {} });
  await sql.unsafe(`CREATE DATABASE ${name}`);
  await sql.end();
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const s = postgres(admin, { max: 1, onnotice: () => {} });
      await s.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await s.end();
    },
  };
}

/** A fresh database built from the migrations: in-memory PGlite, or a new PostgreSQL database dropped on close. */
export async function freshDatabase(prefix = 'sdp_test'): Promise<Database> {
  const pg = await freshDatabaseUrl(prefix);
  const db = await openDatabase({ databaseUrl: pg?.url, dataDir: '', purpose: 'test', inMemory: !pg });
  await migrateDatabase(db);
  if (pg) {
    const close = db.close;
    db.close = async () => {
      await close();
      await pg.drop();
    };
  }
  return db;
}
