/**
 * A PostgreSQL server for the benchmarks: the one of SDP_BENCH_DATABASE_URL when set, else a local PostgreSQL started
 * (and kept, with its data, for the next run) in SDP_BENCH_DIR (default: <tmp>/sdp-bench/pg), installed from the
 * Debian packages first when there is none, as .ci/run does. It refuses to run as root, so as root it runs as the
 * `postgres` user.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';

export interface BenchPostgres {
  /** URL of the server's `postgres` database (create others from it) */
  adminUrl: string;
  /** where it came from, for the results */
  origin: 'env' | 'started' | 'running';
  /** stops the server when this process started it (the data stays for the next run) */
  stop(): Promise<void>;
}

/** The folder the benchmarks keep their state in (PostgreSQL data, the large NTA file, PostGraphile). */
export function benchDir(): string {
  const dir = process.env.SDP_BENCH_DIR || join(tmpdir(), 'sdp-bench');
  mkdirSync(dir, { recursive: true });
  return dir;
}

function log(message: string): void {
  console.log(`[bench postgres] ${message}`);
}

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

/** Runs a PostgreSQL binary as a user it accepts (postgres when we are root). */
function asPostgres(command: string, args: string[]): void {
  const [file, argv] = isRoot() ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
  const result = spawnSync(file, argv, { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${result.stderr || result.stdout}`);
}

/** The newest installed PostgreSQL bin folder; installs PostgreSQL from the distribution when none is there. */
function postgresBin(): string {
  const find = () => {
    const root = '/usr/lib/postgresql';
    if (!existsSync(root)) return null;
    const versions = readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'initdb'))).sort((a, b) => Number(a) - Number(b));
    return versions.length ? join(root, versions[versions.length - 1], 'bin') : null;
  };
  const found = find();
  if (found) return found;
  log('no PostgreSQL found: installing postgresql and postgresql-contrib from the distribution (apt-get)');
  const sudo = isRoot() ? [] : ['sudo'];
  const run = (args: string[]) => execFileSync(sudo.length ? 'sudo' : args[0], sudo.length ? args : args.slice(1), { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  run(['apt-get', 'update', '-qq']);
  run(['apt-get', 'install', '-y', '-qq', 'postgresql', 'postgresql-contrib']);
  const installed = find();
  if (!installed) throw new Error('PostgreSQL is not installed and could not be installed; set SDP_BENCH_DATABASE_URL to a PostgreSQL 15+ server');
  return installed;
}

/** A free local TCP port. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function reachable(url: string): Promise<boolean> {
  const sql = postgres(url, { max: 1, connect_timeout: 3, onnotice: () => {} });
  try {
    await sql`SELECT 1`;
    return true;
  } catch {
    return false;
  } finally {
    await sql.end({ timeout: 1 });
  }
}

/**
 * Settings of the benchmark server: durable (fsync stays on) but tuned for bulk loads on a machine with a few GB
 * to spare — a larger buffer cache and WAL, asynchronous commit.
 */
const SERVER_SETTINGS = [
  'listen_addresses=127.0.0.1', 'shared_buffers=1GB', 'max_wal_size=8GB', 'checkpoint_timeout=30min', 'synchronous_commit=off',
  'maintenance_work_mem=512MB', 'work_mem=32MB', 'max_connections=200', 'jit=off',
];

/** Starts (or finds running, or takes from the environment) the benchmark PostgreSQL. */
export async function benchPostgres(): Promise<BenchPostgres> {
  const fromEnv = process.env.SDP_BENCH_DATABASE_URL;
  if (fromEnv) return { adminUrl: fromEnv, origin: 'env', stop: async () => {} };
  const bin = postgresBin();
  const dir = join(benchDir(), 'pg');
  const data = join(dir, 'data');
  const urlFor = (port: number) => `postgres://postgres@127.0.0.1:${port}/postgres`;
  const pidFile = join(data, 'postmaster.pid');
  if (existsSync(pidFile)) {
    const port = Number(readFileSync(pidFile, 'utf8').split('\n')[3]);
    if (port && (await reachable(urlFor(port)))) {
      log(`reusing the server running in ${data} on port ${port}`);
      return { adminUrl: urlFor(port), origin: 'running', stop: async () => {} };
    }
  }
  mkdirSync(dir, { recursive: true });
  if (isRoot()) execFileSync('chown', ['postgres', dir]);
  if (!existsSync(join(data, 'PG_VERSION'))) {
    log(`initdb ${data}`);
    asPostgres(join(bin, 'initdb'), ['-D', data, '-A', 'trust', '-U', 'postgres', '--encoding=UTF8', '--locale=C.UTF-8']);
  }
  const port = await freePort();
  const options = [`-p ${port}`, `-k ${data}`, ...SERVER_SETTINGS.map((s) => `-c ${s}`)].join(' ');
  log(`starting PostgreSQL (${bin}) on port ${port}`);
  asPostgres(join(bin, 'pg_ctl'), ['-D', data, '-l', join(dir, 'server.log'), '-w', '-o', options, 'start']);
  return {
    adminUrl: urlFor(port),
    origin: 'started',
    async stop() {
      if (process.env.SDP_BENCH_KEEP_POSTGRES === '1') return;
      log('stopping PostgreSQL (its data stays for the next run)');
      asPostgres(join(bin, 'pg_ctl'), ['-D', data, '-m', 'fast', 'stop']);
    },
  };
}

/** URL of database `name` on the server of `adminUrl`. */
export function databaseUrl(adminUrl: string, name: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Runs `work` on a one-connection client of the server of `adminUrl`, closed afterwards. */
export async function withAdmin<T>(adminUrl: string, work: (sql: postgres.Sql) => Promise<T>): Promise<T> {
  const sql = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    return await work(sql);
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/** Drops (if there) and creates database `name`; returns its URL. */
export async function freshDatabase(adminUrl: string, name: string): Promise<string> {
  await withAdmin(adminUrl, async (sql) => {
    await sql.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await sql.unsafe(`CREATE DATABASE ${name}`);
  });
  return databaseUrl(adminUrl, name);
}

/** Creates database `name` unless it exists; returns its URL. */
export async function ensureDatabase(adminUrl: string, name: string): Promise<string> {
  await withAdmin(adminUrl, async (sql) => {
    const exists = (await sql`SELECT 1 FROM pg_database WHERE datname = ${name}`).length > 0;
    if (!exists) await sql.unsafe(`CREATE DATABASE ${name}`);
  });
  return databaseUrl(adminUrl, name);
}

/** Drops database `name`. */
export async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  await withAdmin(adminUrl, (sql) => sql.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
}

/** Who runs the benchmark (for the results). */
export const benchUser = () => userInfo().username;
