import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { acquireDataDirLock, DatabaseLockedError } from './lock.js';

describe('embedded database lock', () => {
  it('refuses a second holder with a message naming the process that holds it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sdp-lock-'));
    // another process holds the lock while it lives
    const child = spawn(process.execPath, ['-e', `require('fs').writeFileSync(${JSON.stringify(join(dir, 'sdp.lock'))}, JSON.stringify({pid: process.pid, command: 'sdp server (port 4000)', startedAt: new Date().toISOString()}), {flag: 'wx'}); setTimeout(() => {}, 30000)`]);
    try {
      for (let i = 0; i < 100 && !existsSync(join(dir, 'sdp.lock')); i++) await new Promise((r) => setTimeout(r, 50));
      await new Promise((r) => setTimeout(r, 100));
      let error: unknown;
      try {
        acquireDataDirLock(dir, 'sdp import nta');
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(DatabaseLockedError);
      expect((error as Error).message).toContain(`process ${child.pid}`);
      expect((error as Error).message).toContain('sdp server (port 4000)');
      expect((error as Error).message).toMatch(/DATABASE_URL/);
    } finally {
      child.kill();
    }
  });

  it('takes over a lock left by a dead process and releases its own', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sdp-lock-'));
    writeFileSync(join(dir, 'sdp.lock'), JSON.stringify({ pid: 2 ** 22 + 12345, command: 'crashed', startedAt: '2026-01-01T00:00:00Z' }));
    const release = acquireDataDirLock(dir, 'test');
    expect(JSON.parse(readFileSync(join(dir, 'sdp.lock'), 'utf8')).pid).toBe(process.pid);
    // a second open in the same process is refused too (two PGlite instances on one folder diverge)
    expect(() => acquireDataDirLock(dir, 'again')).toThrow(DatabaseLockedError);
    release();
    expect(existsSync(join(dir, 'sdp.lock'))).toBe(false);
  });
});
