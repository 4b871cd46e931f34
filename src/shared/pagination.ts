import { ClassType, Field, Int, ObjectType } from 'type-graphql';
import { badInput } from './errors.js';

@ObjectType({ description: 'Relay page information.' })
export class PageInfo {
  @Field({ description: 'true when more items follow the last edge' })
  hasNextPage!: boolean;

  @Field(() => String, { nullable: true, description: 'cursor of the last edge; pass it as `after` for the next page' })
  endCursor!: string | null;
}

export interface Page<T> {
  edges: Array<{ cursor: string; node: T }>;
  pageInfo: PageInfo;
  /** a number, or a promise of it for pages whose count runs only when the query selects it (see toLazyPage) */
  totalCount: number | Promise<number>;
}

/** Builds the Relay connection and edge types of a node type. */
export function Connection<T extends object>(nodeType: ClassType<T>, name: string) {
  @ObjectType(`${name}Edge`, { description: `An edge of ${name}Connection.` })
  class Edge {
    @Field({ description: 'opaque cursor of this edge' })
    cursor!: string;

    @Field(() => nodeType, { description: 'the item' })
    node!: T;
  }

  @ObjectType(`${name}Connection`, { description: `A page of ${name} items.` })
  class ConnectionType {
    @Field(() => [Edge], { description: 'the items of this page' })
    edges!: Edge[];

    @Field(() => PageInfo, { description: 'paging information' })
    pageInfo!: PageInfo;

    @Field(() => Int, { description: 'number of items matching the filter, over all pages' })
    totalCount!: number | Promise<number>;
  }
  return ConnectionType;
}

export const MAX_PAGE_SIZE = 100;

/** Validates `first` (1..MAX_PAGE_SIZE, default 20). */
export function pageSize(first: number | null | undefined, fallback = 20): number {
  if (first === null || first === undefined) return fallback;
  if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) {
    throw badInput(`first must be between 0 and ${MAX_PAGE_SIZE}, got ${first}`, 'first');
  }
  return first;
}

/** Opaque cursor over a sort key tuple. */
export function encodeCursor(key: Array<string | number>): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

export function decodeCursor(cursor: string | null | undefined, arity: number): Array<string | number> | null {
  if (!cursor) return null;
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(key) && key.length === arity && key.every((k) => typeof k === 'string' || typeof k === 'number')) return key;
  } catch {
    /* fall through */
  }
  throw badInput('after is not a cursor this API issued', 'after');
}

/** Turns rows fetched with limit first+1 into a page. */
export function toPage<T>(rows: T[], first: number, totalCount: number, cursorOf: (row: T) => Array<string | number>): Page<T> {
  const hasNextPage = rows.length > first;
  const items = hasNextPage ? rows.slice(0, first) : rows;
  const edges = items.map((node) => ({ cursor: encodeCursor(cursorOf(node)), node }));
  return { edges, pageInfo: { hasNextPage, endCursor: edges.length ? edges[edges.length - 1].cursor : null }, totalCount };
}

/**
 * Like {@link toPage}, with a count that runs only when the query selects `totalCount` (a getter: GraphQL reads the
 * property only for selected fields). Counting every match of a filter scans them all — a million companies for an
 * unfiltered registry page — which a client paging through the list need not pay for.
 */
export function toLazyPage<T>(rows: T[], first: number, countTotal: () => Promise<number>, cursorOf: (row: T) => Array<string | number>): Page<T> {
  const { edges, pageInfo } = toPage(rows, first, 0, cursorOf);
  let total: Promise<number> | undefined;
  return {
    edges,
    pageInfo,
    get totalCount() {
      total ??= countTotal();
      return total;
    },
  };
}
