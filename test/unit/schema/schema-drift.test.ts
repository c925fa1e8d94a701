import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { printAuditGraphSchema, printClientSchema } from '../../../src/schema/build-schema';

const ROOT = join(__dirname, '..', '..', '..');

describe('schema.subgraph.graphql and schema.graphql', () => {
  it('schema.subgraph.graphql matches the SDL the subgraph serves as `_service { sdl }` (run `npm run schema` after changing types)', async () => {
    const committed = await readFile(join(ROOT, 'schema.subgraph.graphql'), 'utf8');
    expect(await printAuditGraphSchema()).toBe(committed);
  });

  it('schema.graphql matches the client schema derived from the code (run `npm run schema` after changing types)', async () => {
    const committed = await readFile(join(ROOT, 'schema.graphql'), 'utf8');
    expect(await printClientSchema()).toBe(committed);
  });

  it('schema.graphql has no federation plumbing, and the same client types and fields as the subgraph', async () => {
    const client = await printClientSchema();
    for (const part of [
      '@link',
      '@key',
      '_service',
      '_entities',
      '_Any',
      '_Entity',
      '_Service',
      'link__',
      'federation__',
      'extend schema',
    ]) {
      expect(client).not.toContain(part);
    }
    expect(client).toContain('type AuditEvent implements Node {');
    expect(client).toContain('node(id: ID!): Node');
  });

  it('keeps the names the public contract fixes', async () => {
    const sdl = await printAuditGraphSchema();
    for (const fragment of [
      'interface Node',
      'enum Provider {\n  LOGROCKET\n  ZENDESK\n  LOSANT\n  NIRVANA\n}',
      'type AuditEvent implements Node',
      'occurredAt: DateTime!',
      'raw: JSON!',
      'order: AuditEventOrder = NEWEST_FIRST',
      'onSourceError: SourceErrorPolicy = FAIL',
      'nodes(ids: [ID!]!): [Node]!',
      'totalCount: Int',
      'enum AuditActorType {\n  USER\n  API_KEY\n  APPLICATION\n  DEVICE\n  FLOW\n  SYSTEM\n  UNKNOWN\n}',
    ]) {
      expect(sdl).toContain(fragment);
    }
  });

  it('is an Apollo Federation 2 subgraph with AuditEvent, User and Source as entities keyed by id', async () => {
    const sdl = await printAuditGraphSchema();
    expect(sdl).toContain('@link(url: "https://specs.apollo.dev/federation/v2.');
    for (const type of ['AuditEvent', 'User', 'Source']) expect(sdl).toContain(`type ${type} implements Node\n  @key(fields: "id")\n{`);
    expect(sdl).toContain('union _Entity = AuditEvent | Source | User');
    expect(sdl).toContain('_entities(representations: [_Any!]!): [_Entity]!');
    expect(sdl).toContain('_service: _Service!');
    expect(sdl).not.toMatch(/type Highlights implements Node\s+@key/);
  });
});
