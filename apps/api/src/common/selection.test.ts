import { describe, expect, it } from '@jest/globals';
import { Kind, parse, type FieldNode, type FragmentDefinitionNode, type OperationDefinitionNode } from 'graphql';
import { selectedFieldNames } from './selection.js';

/** The info a resolver of the operation's first root field gets (its field nodes and the fragments). */
function infoOf(source: string) {
  const doc = parse(source);
  const op = doc.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
  const fragments = Object.fromEntries(
    doc.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((f) => [f.name.value, f]),
  );
  return { fieldNodes: [op.selectionSet.selections[0] as FieldNode], fragments };
}

describe('selectedFieldNames', () => {
  it('names the fields selected directly, by their names not their aliases', () => {
    expect([...selectedFieldNames(infoOf('{ ti { taskId began: startedAt state } }'))].sort()).toEqual(['startedAt', 'state', 'taskId']);
  });

  it('follows inline fragments and named fragments, nested ones included, each once', () => {
    const info = infoOf(`{ ti { id ...A ... on TaskInstance { tryNumber ... { endedAt } } } }
      fragment A on TaskInstance { state ...B }
      fragment B on TaskInstance { taskId ...A }`);
    expect([...selectedFieldNames(info)].sort()).toEqual(['endedAt', 'id', 'state', 'taskId', 'tryNumber']);
  });

  it('reads no deeper than the result: nested objects’ fields are not its own', () => {
    expect([...selectedFieldNames(infoOf('{ ti { taskId run { state } } }'))].sort()).toEqual(['run', 'taskId']);
  });

  it('is empty for a field without a selection, and skips an unknown fragment', () => {
    expect(selectedFieldNames(infoOf('{ ti }')).size).toBe(0);
    expect([...selectedFieldNames(infoOf('{ ti { ...Missing taskId } }'))]).toEqual(['taskId']);
  });
});
