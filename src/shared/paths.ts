import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cachedRoot: string | undefined;

/** The project root: the nearest folder above this module that holds package.json (works from src/ and dist/src/). */
export function projectRoot(): string {
  if (cachedRoot) return cachedRoot;
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the project root (no package.json above the code)');
    dir = parent;
  }
  cachedRoot = dir;
  return dir;
}

/** A path inside the committed seeds/ folder. */
export function seedPath(...parts: string[]): string {
  return join(projectRoot(), 'seeds', ...parts);
}
