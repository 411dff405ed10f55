import { describe, expect, it } from '@jest/globals';
import { Args, Mutation, Query, Resolver, Subscription } from '@nestjs/graphql';
import { buildSchema } from 'graphql';
import { AnyRole, Public, Roles } from './auth.decorators.js';
import { admits, checkSchemaCovered, operationAccessOf, RoleDeclarationError, roleMatrixMarkdown } from './role-matrix.js';

@Resolver()
class Declared {
  @AnyRole()
  @Query(() => String)
  things(): string {
    return '';
  }

  @Roles('OPERATOR')
  @Mutation(() => String, { name: 'runThing' })
  run(@Args('id') id: string): string {
    return id;
  }

  @Public()
  @Mutation(() => String)
  hello(): string {
    return '';
  }

  @Roles('EDITOR', 'ADMIN')
  @Subscription(() => String)
  thingChanged(): AsyncIterable<string> {
    return (async function* () {})();
  }

  // Not an operation: needs no declaration.
  helper(): number {
    return 1;
  }
}

@Resolver()
class Forgetful {
  @Roles('ADMIN')
  @Mutation(() => String)
  guarded(): string {
    return '';
  }

  // The fixture's point: an operation whose declaration was removed.
  @Mutation(() => String)
  deleteEverything(): string {
    return '';
  }
}

describe('operationAccessOf', () => {
  it("reads every operation's declaration under its schema name, the lowest of several roles", () => {
    expect(operationAccessOf([Declared]).map(({ kind, field, access }) => `${kind} ${field} ${access}`)).toEqual([
      'Query things VIEWER',
      'Mutation hello PUBLIC',
      'Mutation runThing OPERATOR',
      'Subscription thingChanged EDITOR',
    ]);
  });

  it('fails, naming it, when an operation declares no access', () => {
    expect(() => operationAccessOf([Declared, Forgetful])).toThrow(RoleDeclarationError);
    expect(() => operationAccessOf([Forgetful])).toThrow(/Mutation deleteEverything \(Forgetful\.deleteEverything\)/);
  });

  it('fails when the schema has a root field no declared handler provides', () => {
    const declared = operationAccessOf([Declared]);
    const schema = buildSchema(`type Query { things: String } type Mutation { runThing(id: String!): String hello: String sneaky: String }`);
    expect(() => checkSchemaCovered(schema, declared)).toThrow(/Mutation\.sneaky/);
    const covered = buildSchema(`type Query { things: String } type Mutation { runThing(id: String!): String hello: String }`);
    expect(() => checkSchemaCovered(covered, declared)).not.toThrow();
  });
});

describe('the matrix', () => {
  it('admits a role at or above the declared one, and everyone for PUBLIC', () => {
    expect([admits('EDITOR', 'OPERATOR'), admits('EDITOR', 'EDITOR'), admits('EDITOR', 'OWNER'), admits('PUBLIC', 'VIEWER')]).toEqual([
      false,
      true,
      true,
      true,
    ]);
  });

  it('prints one row per operation with a column per role, lowest first', () => {
    const md = roleMatrixMarkdown(operationAccessOf([Declared]));
    expect(md).toContain('| Operation | Declared | VIEWER | OPERATOR | EDITOR | ADMIN | OWNER |');
    expect(md).toContain('| mutation `runThing` | OPERATOR+ | – | ✓ | ✓ | ✓ | ✓ |');
    expect(md).toContain('| mutation `hello` | public | ✓ | ✓ | ✓ | ✓ | ✓ |');
  });
});
