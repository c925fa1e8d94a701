import {
  getDirectiveValues,
  GraphQLIncludeDirective,
  GraphQLSkipDirective,
  Kind,
  type FieldNode,
  type FragmentDefinitionNode,
  type FragmentSpreadNode,
  type GraphQLResolveInfo,
  type InlineFragmentNode,
  type SelectionSetNode,
} from 'graphql';

type Variables = GraphQLResolveInfo['variableValues'];

/** Whether `@skip`/`@include` keep a selection in, as graphql-js decides it when executing. */
function included(node: FieldNode | FragmentSpreadNode | InlineFragmentNode, variables: Variables): boolean {
  if (getDirectiveValues(GraphQLSkipDirective, node, variables)?.if === true) return false;
  return getDirectiveValues(GraphQLIncludeDirective, node, variables)?.if !== false;
}

/** Fields named `name` directly in a selection set, looking through inline fragments and fragment spreads. */
function fieldsNamed(
  set: SelectionSetNode | undefined,
  name: string,
  fragments: Record<string, FragmentDefinitionNode>,
  variables: Variables,
  seen = new Set<string>(),
): { found: SelectionSetNode[]; leaf: boolean } {
  const found: SelectionSetNode[] = [];
  let leaf = false;
  for (const selection of set?.selections ?? []) {
    if (!included(selection, variables)) continue;
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
      const nested = fieldsNamed(inner, name, fragments, variables, seen);
      found.push(...nested.found);
      leaf ||= nested.leaf;
    }
  }
  return { found, leaf };
}

/**
 * Whether the current field's selection reads `path` (e.g. `edges`, `cursor`), through fragments,
 * with `@skip`/`@include` decided by the request's variables as graphql-js executes them.
 */
export function selects(info: Pick<GraphQLResolveInfo, 'fieldNodes' | 'fragments' | 'variableValues'>, path: readonly string[]): boolean {
  let sets = info.fieldNodes.map((node) => node.selectionSet).filter((set): set is SelectionSetNode => set !== undefined);
  for (const [index, name] of path.entries()) {
    const next: SelectionSetNode[] = [];
    for (const set of sets) {
      const { found, leaf } = fieldsNamed(set, name, info.fragments, info.variableValues);
      if (index === path.length - 1 && (leaf || found.length > 0)) return true;
      next.push(...found);
    }
    sets = next;
  }
  return false;
}
