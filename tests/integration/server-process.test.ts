/**
 * The server as `npm start` runs it: the built entry point (dist/, which `npm ci` builds through `prepare`) in its
 * own process with NODE_ENV=production. It must stop cleanly on SIGTERM and SIGINT (close HTTP, then the database,
 * exit 0) and leave the embedded database's lock free for the next process.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../src/shared/paths.js';
import { freshDatabaseUrl } from '../helpers/database.js';

const ENTRY = join(projectRoot(), 'dist', 'src', 'server-main.js');

interface Started {
  child: ChildProcess;
  url: string;
  output: () => string;
}

/** Starts the built server on a free port and waits for the line that names its URL. */
function startServerProcess(env: Record<string, string>): Promise<Started> {
  const child = spawn(process.execPath, [ENTRY], {
    env: { ...process.env, NODE_ENV: 'production', PORT: '0', HOST: '127.0.0.1', SEED_DEMO: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server did not start within 60 s:\n${text}`)), 60_000);
    const onData = (chunk: Buffer) => {
      text += chunk.toString();
      const match = /serving GraphQL at (http:\/\/\S+?)graphql/.exec(text);
      if (match) {
        clearTimeout(timer);
        resolve({ child, url: match[1]!, output: () => text });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the server exited with ${code} before serving:\n${text}`));
    });
  });
}

/** Sends a signal and resolves with the exit code, or null when the process is still alive after `ms`. */
function stopWith(child: ChildProcess, signal: NodeJS.Signals, ms = 20_000): Promise<number | null> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolve(null);
    }, ms);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
    child.kill(signal);
  });
}

describe.skipIf(!existsSync(ENTRY))('the server process (dist/src/server-main.js)', () => {
  let dataDir: string;
  let pg: Awaited<ReturnType<typeof freshDatabaseUrl>>;
  let env: Record<string, string>;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'sdp-process-'));
    pg = await freshDatabaseUrl('sdp_process');
    env = { DATA_DIR: dataDir, ...(pg ? { DATABASE_URL: pg.url } : {}) };
  });

  afterAll(async () => {
    await pg?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('serves, then exits 0 on SIGTERM, and a second start on the same data serves and exits 0 on SIGINT', async () => {
    const first = await startServerProcess(env);
    expect((await fetch(`${first.url}healthz`)).status).toBe(200);
    expect((await fetch(`${first.url}readyz`)).status).toBe(200);
    expect(await stopWith(first.child, 'SIGTERM'), first.output()).toBe(0);

    // the embedded database's lock was released: a new process opens the same DATA_DIR
    const second = await startServerProcess(env);
    expect((await fetch(`${second.url}healthz`)).status).toBe(200);
    expect(await stopWith(second.child, 'SIGINT'), second.output()).toBe(0);
  }, 150_000);
});
