import { getNamedType, isAbstractType, isObjectType, type FieldNode, type GraphQLNamedType, type GraphQLResolveInfo } from 'graphql';
import { collectBelow, type CollectionScope } from '../schema/field-collection';

function selectsBelow(scope: CollectionScope, type: GraphQLNamedType, nodes: readonly FieldNode[], path: readonly string[]): boolean {
  if (isAbstractType(type)) return scope.schema.getPossibleTypes(type).some((possible) => selectsBelow(scope, possible, nodes, path));
  if (!isObjectType(type)) return false;
  const [name, ...rest] = path;
  // By field name, not response key: an alias reads the field all the same.
  const named = [...collectBelow(scope, type, nodes).values()].flat().filter((node) => node.name.value === name);
  if (named.length === 0) return false;
  const definition = type.getFields()[name];
  return rest.length === 0 || (definition !== undefined && selectsBelow(scope, getNamedType(definition.type), named, rest));
}

/**
 * Whether the current field's selection reads `path` (e.g. `edges`, `cursor`), under any alias,
 * with fields collected as graphql-js executes them: fragments that apply to the type expanded,
 * `@skip`/`@include` decided by the request's variables.
 */
export function selects(
  info: Pick<GraphQLResolveInfo, 'schema' | 'fragments' | 'variableValues' | 'fieldNodes' | 'returnType'>,
  path: readonly string[],
): boolean {
  return selectsBelow(info, getNamedType(info.returnType), info.fieldNodes, path);
}
