import { Kind, parse, type FieldNode, type FragmentDefinitionNode, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { selects } from '../../../src/resolvers/selection';
import { buildAuditGraphSchema } from '../../../src/schema/build-schema';

let schema: GraphQLSchema;
beforeAll(async () => {
  schema = await buildAuditGraphSchema();
});

/** The resolve info of the operation's first root field, as graphql-js would pass it. */
function infoOf(document: string, variableValues: Record<string, unknown> = {}) {
  const doc = parse(document);
  const operation = doc.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
  const fragments = Object.fromEntries(
    doc.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]),
  );
  const field = operation.selectionSet.selections[0] as FieldNode;
  const returnType = schema.getQueryType()!.getFields()[field.name.value].type;
  return { schema, returnType, fieldNodes: [field], fragments, variableValues };
}

const EDGE_CURSOR = ['edges', 'cursor'] as const;

describe('selects', () => {
  it.each([
    ['directly', '{ auditEvents { edges { cursor node { id } } } }'],
    ['under an alias', '{ auditEvents { e: edges { c: cursor } } }'],
    ['in an inline fragment', '{ auditEvents { ... on AuditEventConnection { edges { ... on AuditEventEdge { cursor } } } } }'],
    [
      'in named fragments',
      '{ auditEvents { ...Page } } fragment Page on AuditEventConnection { edges { ...Edge } } fragment Edge on AuditEventEdge { cursor }',
    ],
    ['behind @include(if: true)', '{ auditEvents { edges { cursor @include(if: true) } } }'],
    ['in one of two selections of edges', '{ auditEvents { edges { node { id } } edges { cursor } } }'],
  ])('sees edge cursors selected %s', (_how, document) => {
    expect(selects(infoOf(document), EDGE_CURSOR)).toBe(true);
  });

  it.each([
    ['pageInfo only', '{ auditEvents { pageInfo { endCursor hasNextPage } } }'],
    ['edges without cursor', '{ auditEvents { edges { node { id } } pageInfo { endCursor } } }'],
    ['a cursor outside edges', '{ auditEvents { cursor: totalCount edges { node { nativeId } } } }'],
    [
      'fragments that refer to each other',
      '{ auditEvents { ...A } } fragment A on AuditEventConnection { ...B edges { node { id } } } fragment B on AuditEventConnection { ...A }',
    ],
    ['@include(if: false)', '{ auditEvents { edges { cursor @include(if: false) } } }'],
    [
      '@skip(if: true) on a fragment',
      '{ auditEvents { ...Page @skip(if: true) } } fragment Page on AuditEventConnection { edges { cursor } }',
    ],
  ])('sees none with %s', (_how, document) => {
    expect(selects(infoOf(document), EDGE_CURSOR)).toBe(false);
  });

  it('decides @skip/@include with the request variables, as graphql-js executes them', () => {
    const document = 'query($withCursor: Boolean!) { auditEvents { edges { cursor @include(if: $withCursor) } } }';
    expect(selects(infoOf(document, { withCursor: true }), EDGE_CURSOR)).toBe(true);
    expect(selects(infoOf(document, { withCursor: false }), EDGE_CURSOR)).toBe(false);
  });

  it('decides @skip/@include with the variables inside fragment spreads too', () => {
    const document =
      'query($bare: Boolean!) { auditEvents { ...Page } } fragment Page on AuditEventConnection { edges { ...Edge } totalCount @skip(if: $bare) } fragment Edge on AuditEventEdge { cursor @skip(if: $bare) node { id } }';
    expect(selects(infoOf(document, { bare: false }), EDGE_CURSOR)).toBe(true);
    expect(selects(infoOf(document, { bare: false }), ['totalCount'])).toBe(true);
    expect(selects(infoOf(document, { bare: true }), EDGE_CURSOR)).toBe(false);
    expect(selects(infoOf(document, { bare: true }), ['totalCount'])).toBe(false);
    expect(selects(infoOf(document, { bare: true }), ['edges', 'node', 'id'])).toBe(true);
  });

  it('below an interface, sees what any possible type selects, each fragment on its own type only', () => {
    const document =
      '{ node(id: "x") { ... on User { ...Named highlights { status } } } } fragment Named on Node { ... on AuditEvent { source { name } } ... on User { name } }';
    expect(selects(infoOf(document), ['highlights', 'status'])).toBe(true);
    expect(selects(infoOf(document), ['name'])).toBe(true);
    // Spread on a user, Named's AuditEvent part applies to no node.
    expect(selects(infoOf(document), ['source'])).toBe(false);
  });
});
