import { Field, Int, ObjectType } from '@nestjs/graphql';
import { TowerError } from '@tower/core';

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

type Ctor<T> = new (...args: never[]) => T;

/** A Relay connection type for `node` (code-first generic). */
export function Connection<T>(node: Ctor<T>, name: string) {
  @ObjectType(`${name}Edge`)
  abstract class Edge {
    @Field(() => node)
    node!: T;

    @Field()
    cursor!: string;
  }

  @ObjectType({ isAbstract: true })
  abstract class ConnectionType {
    @Field(() => [Edge])
    edges!: Edge[];

    @Field(() => PageInfo)
    pageInfo!: PageInfo;

    @Field(() => Int)
    totalCount!: number;
  }
  return ConnectionType;
}

export const MAX_PAGE = 200;

/** Opaque cursors over a stable ordering: base64 of the item's offset. */
export function decodeCursor(after: string | null | undefined): number {
  if (!after) return 0;
  const raw = Buffer.from(after, 'base64url').toString('utf8');
  const m = /^o:(\d+)$/.exec(raw);
  if (!m) throw new TowerError('BAD_USER_INPUT', 'invalid cursor', { path: 'after' });
  return Number(m[1]) + 1;
}

export function encodeCursor(offset: number): string {
  return Buffer.from(`o:${offset}`).toString('base64url');
}

export function pageArgs(first: number | null | undefined, after: string | null | undefined): { offset: number; limit: number } {
  const limit = first ?? 50;
  if (limit < 0 || limit > MAX_PAGE) throw new TowerError('BAD_USER_INPUT', `first must be between 0 and ${MAX_PAGE}`, { path: 'first' });
  return { offset: decodeCursor(after), limit };
}

export function toConnection<T>(items: T[], totalCount: number, offset: number) {
  const edges = items.map((node, i) => ({ node, cursor: encodeCursor(offset + i) }));
  return {
    edges,
    totalCount,
    pageInfo: {
      hasNextPage: offset + items.length < totalCount,
      hasPreviousPage: offset > 0,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
  };
}
