/**
 * drizzle statements built once per database instead of once per call.
 *
 * drizzle's query builder turns a select into SQL text on every call (column lists, escaping, parameter
 * collection). On the request path that was about a fifth of a loader read's client CPU and one of the largest
 * sources of short-lived objects, which made young-generation collections more frequent (docs/adr/0010). A
 * prepared drizzle query keeps the SQL text and result mapping and takes only the parameter values per call.
 *
 * Loaders read batches of any size, so their statements take the ids as one array parameter
 * (`column = any($1)`): one statement shape for any batch, prepared once per connection by postgres.js.
 */
import { sql, type AnyColumn, type SQL } from 'drizzle-orm';
import type { Db } from './client.js';

const byDatabase = new WeakMap<Db, Map<string, unknown>>();

/**
 * The prepared statement `name` of this database: the query `build` returns, prepared under that name on first use.
 * `name` must identify the statement's text: two call sites sharing a name share one statement.
 */
export function preparedOnce<P>(db: Db, name: string, build: (db: Db) => { prepare(name: string): P }): P {
  let statements = byDatabase.get(db);
  if (!statements) byDatabase.set(db, (statements = new Map()));
  let statement = statements.get(name) as P | undefined;
  if (statement === undefined) {
    statement = build(db).prepare(name);
    statements.set(name, statement);
  }
  return statement;
}

/** `column = any($placeholder::type[])`, for a placeholder filled with {@link arrayParameter}. */
export function equalsAnyOf(column: AnyColumn, placeholder: string, elementType: 'bigint' | 'text'): SQL {
  return elementType === 'bigint'
    ? sql`${column} = any(${sql.placeholder(placeholder)}::bigint[])`
    : sql`${column} = any(${sql.placeholder(placeholder)}::text[])`;
}

/**
 * A PostgreSQL array literal of the values (`{1,2}`, `{"a","b"}`, `{1,NULL}`), the same text for both drivers;
 * strings are quoted and escaped, so any string is safe (the string "NULL" too).
 */
export function arrayParameter(values: readonly (number | string | null)[]): string {
  return `{${values.map((value) => (value === null ? 'NULL' : typeof value === 'number' ? String(value) : `"${value.replace(/["\\]/g, '\\$&')}"`)).join(',')}}`;
}
