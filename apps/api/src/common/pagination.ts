import { ArgsType, Field, Int, ObjectType } from '@nestjs/graphql';
import { TowerError } from '@tower/core';

/**
 * Relay connections for code-first types, shared by every list of the API:
 *
 *   @ObjectType('DagConnection')
 *   export class DagConnection extends Connection(DagModel, 'Dag') {}   // also defines DagEdge
 *
 * Cursors are opaque (base64url). Two strategies: keyset (`k:<key>`, stable while rows are
 * inserted — use it for append-heavy lists such as runs and the audit log) and offset (`o:<n>`,
 * for short lists paged in memory).
 */

@ObjectType()
export class PageInfo {
  @Field()
  hasNextPage!: boolean;

  @Field()
  hasPreviousPage!: boolean;

  @Field(() => String, { nullable: true })
  startCursor!: string | null;

  @Field(() => String, { nullable: true })
  endCursor!: string | null;
}

export interface Edge<T> {
  node: T;
  cursor: string;
}

export interface ConnectionShape<T> {
  edges: Edge<T>[];
  pageInfo: PageInfo;
  totalCount: number;
}

type Ctor<T> = new (...args: never[]) => T;

export function Connection<T>(node: Ctor<T>, nodeName: string): abstract new () => ConnectionShape<T> {
  @ObjectType(`${nodeName}Edge`)
  class EdgeType implements Edge<T> {
    @Field(() => node)
    node!: T;

    @Field({ description: 'Opaque; pass as `after` to get the items that follow' })
    cursor!: string;
  }

  @ObjectType({ isAbstract: true })
  abstract class ConnectionType implements ConnectionShape<T> {
    @Field(() => [EdgeType])
    edges!: EdgeType[];

    @Field(() => PageInfo)
    pageInfo!: PageInfo;

    @Field(() => Int)
    totalCount!: number;
  }
  return ConnectionType;
}

export const MAX_PAGE_SIZE = 200;
export const DEFAULT_PAGE_SIZE = 50;

/** `first` / `after`: extend it for lists with filters (`class DagsArgs extends ConnectionArgs`). */
@ArgsType()
export class ConnectionArgs {
  @Field(() => Int, { nullable: true, description: `Page size, 0 to ${MAX_PAGE_SIZE} (default ${DEFAULT_PAGE_SIZE} unless the list says otherwise)` })
  first?: number | null;

  @Field(() => String, { nullable: true, description: 'The endCursor of the previous page' })
  after?: string | null;
}

/** `first` checked against 0…MAX_PAGE_SIZE (BAD_USER_INPUT at `first` otherwise). */
export function pageSizeOf(first: number | null | undefined, defaultSize = DEFAULT_PAGE_SIZE): number {
  const size = first ?? defaultSize;
  if (!Number.isInteger(size) || size < 0 || size > MAX_PAGE_SIZE) {
    throw new TowerError('BAD_USER_INPUT', `first must be between 0 and ${MAX_PAGE_SIZE}`, { path: 'first' });
  }
  return size;
}

export function encodeCursor(kind: 'k' | 'o', value: string | number): string {
  return Buffer.from(`${kind}:${value}`, 'utf8').toString('base64url');
}

function decodeCursor(after: string, kind: 'k' | 'o'): string {
  const raw = Buffer.from(after, 'base64url').toString('utf8');
  if (!raw.startsWith(`${kind}:`) || raw.length === 2) throw new TowerError('BAD_USER_INPUT', 'after is not a cursor of this list', { path: 'after' });
  return raw.slice(2);
}

// ---- keyset --------------------------------------------------------------------------------

export interface KeysetPage {
  limit: number;
  /** Key of the last item already seen (exclusive), or null for the first page. */
  afterKey: string | null;
}

export function keysetPageArgs(args: ConnectionArgs, defaultSize = DEFAULT_PAGE_SIZE): KeysetPage {
  return { limit: pageSizeOf(args.first, defaultSize), afterKey: args.after ? decodeCursor(args.after, 'k') : null };
}

/**
 * `rows` were fetched with `limit + 1` so that the extra row tells whether a next page exists.
 * `hasPreviousPage`: for a page opened some other way (e.g. at an offset), default: `after` given.
 */
export function keysetConnection<T>(
  rows: T[],
  page: KeysetPage,
  totalCount: number,
  keyOf: (item: T) => string,
  hasPreviousPage = page.afterKey !== null,
): ConnectionShape<T> {
  const items = rows.slice(0, page.limit);
  return connectionOf(
    items.map((node) => ({ node, cursor: encodeCursor('k', keyOf(node)) })),
    { hasNextPage: rows.length > page.limit, hasPreviousPage },
    totalCount,
  );
}

/** The kind of an `after` cursor and its value, for a list that accepts both kinds (keyset, and offset cursors it used to hand out). */
export function decodeAnyCursor(after: string): { kind: 'k' | 'o'; value: string } {
  const raw = Buffer.from(after, 'base64url').toString('utf8');
  const kind = raw.slice(0, 2) === 'k:' ? 'k' : raw.slice(0, 2) === 'o:' ? 'o' : null;
  if (!kind || raw.length === 2) throw new TowerError('BAD_USER_INPUT', 'after is not a cursor of this list', { path: 'after' });
  return { kind, value: raw.slice(2) };
}

// ---- offset --------------------------------------------------------------------------------

export interface OffsetPage {
  limit: number;
  offset: number;
}

export function offsetPageArgs(args: ConnectionArgs, defaultSize = DEFAULT_PAGE_SIZE): OffsetPage {
  if (!args.after) return { limit: pageSizeOf(args.first, defaultSize), offset: 0 };
  const raw = decodeCursor(args.after, 'o');
  if (!/^\d{1,9}$/.test(raw)) throw new TowerError('BAD_USER_INPUT', 'after is not a cursor of this list', { path: 'after' });
  return { limit: pageSizeOf(args.first, defaultSize), offset: Number(raw) + 1 };
}

export function offsetConnection<T>(items: T[], page: OffsetPage, totalCount: number): ConnectionShape<T> {
  return connectionOf(
    items.map((node, i) => ({ node, cursor: encodeCursor('o', page.offset + i) })),
    { hasNextPage: page.offset + items.length < totalCount, hasPreviousPage: page.offset > 0 },
    totalCount,
  );
}

function connectionOf<T>(edges: Edge<T>[], flags: { hasNextPage: boolean; hasPreviousPage: boolean }, totalCount: number): ConnectionShape<T> {
  return {
    edges,
    totalCount,
    pageInfo: { ...flags, startCursor: edges[0]?.cursor ?? null, endCursor: edges.at(-1)?.cursor ?? null },
  };
}
