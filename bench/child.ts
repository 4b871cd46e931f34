/** Child processes of the benchmarks: our server (and PostGraphile) started, awaited and stopped. */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { projectRoot } from '../src/shared/paths.js';

/** Waits until `url` answers below HTTP 500; throws when the child exits or `seconds` pass. */
export async function waitFor(url: string, child: ChildProcess, seconds: number, what: string): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${what} exited with code ${child.exitCode}`);
    try {
      const res = await fetch(url);
      if (res.status < 500) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${what} did not answer ${url} within ${seconds} s`);
}

/** Stops a child with SIGTERM (SIGKILL after 10 s) and waits for it to exit. */
export function stopChild(child: ChildProcess | null): Promise<void> {
  if (!child || child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
    setTimeout(() => child.exitCode === null && child.kill('SIGKILL'), 10_000).unref();
  });
}

/**
 * Starts the built production server (dist/src/server-main.js, NODE_ENV=production, no demo data, no rate limit) on
 * `databaseUrl` and a local port, with its token key in `dataDir`; resolves once /readyz answers.
 */
export async function startBenchServer(databaseUrl: string, port: number, dataDir: string): Promise<{ child: ChildProcess; endpoint: string }> {
  const child = spawn(process.execPath, [join(projectRoot(), 'dist', 'src', 'server-main.js')], {
    env: { ...process.env, DATABASE_URL: databaseUrl, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, SEED_DEMO: '0', RATE_LIMIT_PER_MINUTE: '0', NODE_ENV: 'production' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  await waitFor(`http://127.0.0.1:${port}/readyz`, child, 300, 'the server');
  return { child, endpoint: `http://127.0.0.1:${port}/graphql` };
}
