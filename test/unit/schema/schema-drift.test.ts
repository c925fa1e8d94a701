import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { printAuditGraphSchema } from '../../../src/schema/build-schema';

describe('schema.graphql', () => {
  it('matches the schema the code builds (run `npm run schema` after changing types)', async () => {
    const committed = await readFile(join(__dirname, '..', '..', '..', 'schema.graphql'), 'utf8');
    expect(await printAuditGraphSchema()).toBe(committed);
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
});
