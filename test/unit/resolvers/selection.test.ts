import { Kind, parse, type FragmentDefinitionNode, type OperationDefinitionNode, type FieldNode } from 'graphql';
import { selects } from '../../../src/resolvers/selection';

/** The resolve info of the operation's first root field, as graphql-js would pass it. */
function infoOf(document: string) {
  const doc = parse(document);
  const operation = doc.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
  const fragments = Object.fromEntries(
    doc.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]),
  );
  return { fieldNodes: [operation.selectionSet.selections[0] as FieldNode], fragments };
}

const EDGE_CURSOR = ['edges', 'cursor'] as const;

describe('selects', () => {
  it.each([
    ['directly', '{ auditEvents { edges { cursor node { id } } } }'],
    ['under an alias', '{ auditEvents { e: edges { c: cursor } } }'],
    ['in an inline fragment', '{ auditEvents { ... on AuditEventConnection { edges { ... on AuditEventEdge { cursor } } } } }'],
    ['in named fragments', '{ auditEvents { ...Page } } fragment Page on AuditEventConnection { edges { ...Edge } } fragment Edge on AuditEventEdge { cursor }'],
    ['behind @include, which is not evaluated', '{ auditEvents { edges { cursor @include(if: false) } } }'],
    ['in one of two selections of edges', '{ auditEvents { edges { node { id } } edges { cursor } } }'],
  ])('sees edge cursors selected %s', (_how, document) => {
    expect(selects(infoOf(document), EDGE_CURSOR)).toBe(true);
  });

  it.each([
    ['pageInfo only', '{ auditEvents { pageInfo { endCursor hasNextPage } } }'],
    ['edges without cursor', '{ auditEvents { edges { node { id } } pageInfo { endCursor } } }'],
    ['a cursor outside edges', '{ auditEvents { cursor: totalCount edges { node { nativeId } } } }'],
    ['fragments that refer to each other', '{ auditEvents { ...A } } fragment A on AuditEventConnection { ...B edges { node { id } } } fragment B on AuditEventConnection { ...A }'],
  ])('sees none with %s', (_how, document) => {
    expect(selects(infoOf(document), EDGE_CURSOR)).toBe(false);
  });
});
