import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Who holds the embedded database: written into DATA_DIR/sdp.lock. */
interface LockOwner {
  pid: number;
  command: string;
  startedAt: string;
}

export class DatabaseLockedError extends Error {
  constructor(readonly dataDir: string, readonly owner: LockOwner) {
    super(
      `The embedded database in ${dataDir} is in use by process ${owner.pid} (${owner.command}, since ${owner.startedAt}). ` +
        'PGlite allows one process at a time: stop that process first, or run this command against PostgreSQL by setting DATABASE_URL, ' +
        'or point DATA_DIR at another folder.',
    );
    this.name = 'DatabaseLockedError';
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes the exclusive lock of an embedded database folder, or throws DatabaseLockedError naming
 * the live process that holds it. A lock left by a dead process is taken over.
 * Returns the release function.
 */
export function acquireDataDirLock(dataDir: string, command: string): () => void {
  mkdirSync(dataDir, { recursive: true });
  const lockPath = join(dataDir, 'sdp.lock');
  const me: LockOwner = { pid: process.pid, command, startedAt: new Date().toISOString() };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      writeFileSync(lockPath, JSON.stringify(me), { flag: 'wx' });
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        try {
          const owner = JSON.parse(readFileSync(lockPath, 'utf8')) as LockOwner;
          if (owner.pid === process.pid) rmSync(lockPath, { force: true });
        } catch {
          /* already gone */
        }
      };
      process.once('exit', release);
      return release;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    let owner: LockOwner | undefined;
    try {
      owner = JSON.parse(readFileSync(lockPath, 'utf8')) as LockOwner;
    } catch {
      owner = undefined; // half-written by a racing process: retry
    }
    if (owner && isAlive(owner.pid)) throw new DatabaseLockedError(dataDir, owner);
    // stale lock of a dead process: move it aside atomically, then retry the exclusive create
    try {
      renameSync(lockPath, `${lockPath}.stale-${process.pid}`);
      rmSync(`${lockPath}.stale-${process.pid}`, { force: true });
    } catch {
      /* another process took it over first */
    }
  }
  throw new Error(`could not take the lock ${lockPath}`);
}
