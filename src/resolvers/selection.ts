import { Kind, type FragmentDefinitionNode, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';

/** Fields named `name` directly in a selection set, looking through inline fragments and fragment spreads. */
function fieldsNamed(
  set: SelectionSetNode | undefined,
  name: string,
  fragments: Record<string, FragmentDefinitionNode>,
  seen = new Set<string>(),
): { found: SelectionSetNode[]; leaf: boolean } {
  const found: SelectionSetNode[] = [];
  let leaf = false;
  for (const selection of set?.selections ?? []) {
    if (selection.kind === Kind.FIELD) {
      if (selection.name.value !== name) continue;
      if (selection.selectionSet) found.push(selection.selectionSet);
      else leaf = true;
    } else {
      let inner: SelectionSetNode | undefined;
      if (selection.kind === Kind.INLINE_FRAGMENT) inner = selection.selectionSet;
      else if (!seen.has(selection.name.value)) {
        seen.add(selection.name.value);
        inner = fragments[selection.name.value]?.selectionSet;
      }
      const nested = fieldsNamed(inner, name, fragments, seen);
      found.push(...nested.found);
      leaf ||= nested.leaf;
    }
  }
  return { found, leaf };
}

/**
 * Whether the current field's selection may read `path` (e.g. `edges`, `cursor`), through
 * fragments; `@skip`/`@include` are not evaluated, so a conditional selection counts as selected.
 */
export function selects(info: Pick<GraphQLResolveInfo, 'fieldNodes' | 'fragments'>, path: readonly string[]): boolean {
  let sets = info.fieldNodes.map((node) => node.selectionSet).filter((set): set is SelectionSetNode => set !== undefined);
  for (const [index, name] of path.entries()) {
    const next: SelectionSetNode[] = [];
    for (const set of sets) {
      const { found, leaf } = fieldsNamed(set, name, info.fragments);
      if (index === path.length - 1 && (leaf || found.length > 0)) return true;
      next.push(...found);
    }
    sets = next;
  }
  return false;
}
