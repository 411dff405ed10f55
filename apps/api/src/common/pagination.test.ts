import { TowerError } from '@tower/core';
import { decodeAnyCursor, encodeCursor, keysetConnection, keysetPageArgs, offsetConnection, offsetPageArgs } from './pagination.js';

describe('keyset pagination', () => {
  it('reads first/after and reports a next page from the extra row', () => {
    const first = keysetPageArgs({ first: 2 });
    expect(first).toEqual({ limit: 2, afterKey: null });
    const conn = keysetConnection([{ id: '9' }, { id: '8' }, { id: '7' }], first, 3, (r) => r.id);
    expect(conn.edges.map((e) => e.node.id)).toEqual(['9', '8']);
    expect(conn.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    const next = keysetPageArgs({ first: 2, after: conn.pageInfo.endCursor });
    expect(next).toEqual({ limit: 2, afterKey: '8' });
  });

  it('makes opaque cursors and rejects foreign ones with BAD_USER_INPUT on `after`', () => {
    expect(encodeCursor('k', '8')).not.toContain('8');
    for (const bad of ['garbage', encodeCursor('o', 3)]) {
      expect(() => keysetPageArgs({ after: bad })).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT', path: 'after' }) as TowerError);
    }
  });

  it('bounds the page size', () => {
    expect(keysetPageArgs({}).limit).toBe(50);
    expect(() => keysetPageArgs({ first: 201 })).toThrow(expect.objectContaining({ path: 'first' }) as TowerError);
    expect(() => keysetPageArgs({ first: -1 })).toThrow(TowerError);
  });
});

describe('offset pagination', () => {
  it('continues after the cursor of the last item', () => {
    const page = offsetPageArgs({ first: 2 }, 25);
    const conn = offsetConnection(['a', 'b'], page, 5);
    expect(conn.pageInfo).toEqual({ hasNextPage: true, hasPreviousPage: false, startCursor: conn.edges[0].cursor, endCursor: conn.edges[1].cursor });
    const next = offsetPageArgs({ first: 2, after: conn.pageInfo.endCursor });
    expect(next).toEqual({ limit: 2, offset: 2 });
    expect(offsetConnection(['e'], { limit: 2, offset: 4 }, 5).pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
  });

  it('defaults the size per list and rejects a keyset cursor', () => {
    expect(offsetPageArgs({}, 25).limit).toBe(25);
    expect(() => offsetPageArgs({ after: encodeCursor('k', 'x') })).toThrow(TowerError);
  });
});

describe('a list taking both kinds of cursor', () => {
  it('tells a keyset cursor from an offset one and refuses anything else', () => {
    expect(decodeAnyCursor(encodeCursor('k', '2026-01-01T00:00:00.000Z|x'))).toEqual({ kind: 'k', value: '2026-01-01T00:00:00.000Z|x' });
    expect(decodeAnyCursor(encodeCursor('o', 4))).toEqual({ kind: 'o', value: '4' });
    for (const bad of ['', 'nope', Buffer.from('k:').toString('base64url')]) {
      expect(() => decodeAnyCursor(bad)).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT', path: 'after' }) as TowerError);
    }
  });

  it('says a page opened at an offset has a previous page', () => {
    const conn = keysetConnection([{ id: '3' }], { limit: 2, afterKey: null }, 5, (r) => r.id, true);
    expect(conn.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
  });
});
