import { Kind, parse, type FragmentDefinitionNode, type OperationDefinitionNode } from 'graphql';
import { operationCost } from '../../../../src/server/plugins/operation-cost.plugin';

function costOf(query: string, variables?: Record<string, unknown>): number {
  const document = parse(query);
  const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
  const fragments = Object.fromEntries(
    document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]),
  );
  return operationCost(operation, fragments, variables);
}

describe('operationCost', () => {
  it('counts one per field', () => {
    expect(costOf('{ sources { name provider } }')).toBe(3);
  });

  it('multiplies what is below a page by first or last, literal or variable', () => {
    const literal = costOf('{ auditEvents(first: 50) { edges { node { action } } } }');
    expect(literal).toBe(1 + 50 * (1 + 1 + 1));
    expect(costOf('query Q($n: Int) { auditEvents(first: $n) { edges { node { action } } } }', { n: 50 })).toBe(literal);
    expect(costOf('query Q($n: Int = 50) { auditEvents(last: $n) { edges { node { action } } } }')).toBe(literal);
  });

  it('assumes the default page for a connection without first or last, and counts ids of nodes()', () => {
    expect(costOf('{ auditEvents { edges { node { action } } } }')).toBe(1 + 20 * 3);
    expect(costOf('{ nodes(ids: ["a", "b", "c"]) { id } }')).toBe(1 + 3 * 1);
  });

  it('expands fragments every time they are spread, and aliases add up', () => {
    const once = costOf('{ a: auditEvents(first: 10) { ...E } } fragment E on AuditEventConnection { edges { node { action actor { name } } } }');
    const twice = costOf('{ a: auditEvents(first: 10) { ...E } b: auditEvents(first: 10) { ...E } } fragment E on AuditEventConnection { edges { node { action actor { name } } } }');
    expect(twice).toBe(2 * once);
    expect(costOf('{ auditEvents(first: 10) { ... on AuditEventConnection { edges { cursor } } } }')).toBe(1 + 10 * 2);
  });
});
