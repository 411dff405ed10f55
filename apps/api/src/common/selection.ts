import { Kind, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';

/**
 * The names of the fields a resolver's result is asked for (through fragments too, whatever their
 * type condition: the names are only used to read fewer columns, so a superset is harmless).
 * Written here rather than taken from a library: graphql-js exports no such helper, and this is a
 * walk of the operation's own nodes.
 */
export function selectedFieldNames(info: Pick<GraphQLResolveInfo, 'fieldNodes' | 'fragments'>): Set<string> {
  const names = new Set<string>();
  const seenFragments = new Set<string>();
  const walk = (set: SelectionSetNode | undefined) => {
    for (const node of set?.selections ?? []) {
      if (node.kind === Kind.FIELD) names.add(node.name.value);
      else if (node.kind === Kind.INLINE_FRAGMENT) walk(node.selectionSet);
      else if (!seenFragments.has(node.name.value)) {
        seenFragments.add(node.name.value);
        walk(info.fragments[node.name.value]?.selectionSet);
      }
    }
  };
  for (const field of info.fieldNodes) walk(field.selectionSet);
  return names;
}
