import { jsicEntry } from './jsic.js';

/** The GraphQL Industry of a JSIC code (name from seeds/jsic.json); the code alone when the list lacks it. */
export function industryOf(code: string | null | undefined): { code: string; name: string } | null {
  if (!code) return null;
  const entry = jsicEntry(code);
  return { code, name: entry?.name ?? code };
}
