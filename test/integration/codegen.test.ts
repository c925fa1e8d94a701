import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import ts from 'typescript';
import { parse, stringify } from 'yaml';

const ROOT = join(__dirname, '..', '..');
const EXAMPLES = join(ROOT, 'docs', 'examples');

interface CodegenFile {
  schema: string;
  documents: string;
  generates: Record<string, { preset: string; config: Record<string, unknown> }>;
}

// What a component does with the result; each @ts-expect-error must be an error, or tsc fails.
const CONSUMER = `
import type { ResultOf, VariablesOf } from '@graphql-typed-document-node/core';
import { TimelineDocument } from './gql/graphql';

type Timeline = ResultOf<typeof TimelineDocument>;
declare const data: Timeline;

const variables: VariablesOf<typeof TimelineDocument> = { first: 25, after: null, sources: ['zendesk'] };
// @ts-expect-error first is required
const missingFirst: VariablesOf<typeof TimelineDocument> = {};

const hasNext: boolean = data.auditEvents.pageInfo.hasNextPage;
const endCursor: string | null | undefined = data.auditEvents.pageInfo.endCursor;
for (const edge of data.auditEvents.edges) {
  const id: string = edge.node.id;
  const at: string = edge.node.occurredAt;
  const when: Date = new Date(edge.node.occurredAt);
  const source: string = edge.node.source.name;
  const cursor: string = edge.cursor;
  // @ts-expect-error occurredAt is a string-typed scalar, not a number
  const wrong: number = edge.node.occurredAt;
  // @ts-expect-error nativeId is not selected
  edge.node.nativeId;
  void [id, at, when, source, cursor, wrong];
}
// @ts-expect-error hasNextPage is a boolean
const notString: string = data.auditEvents.pageInfo.hasNextPage;
void [variables, missingFirst, hasNext, endCursor, notString];
`;

describe('GraphQL Code Generator (client preset) on the Apollo Client documents of docs/frontend.md', () => {
  it('generates typed documents from schema.graphql that a strict TypeScript consumer uses as a client would', async () => {
    const started = Date.now();
    const dir = await mkdtemp(join(tmpdir(), 'auditgraph-codegen-'));
    try {
      const file = parse(await readFile(join(EXAMPLES, 'codegen.yml'), 'utf8')) as CodegenFile;
      const [[, output]] = Object.entries(file.generates);
      // The docs' config with absolute paths, so that the output lands in the temporary directory.
      const config = {
        ...file,
        schema: join(EXAMPLES, file.schema),
        documents: join(EXAMPLES, file.documents),
        generates: { [join(dir, 'gql') + '/']: output },
      };
      await writeFile(join(dir, 'codegen.yml'), stringify(config));
      // The CLI is ESM, which jest's CommonJS runtime cannot load: run it as a developer would, from the
      // repository root, where it resolves the preset.
      const cli = join(ROOT, 'node_modules', '@graphql-codegen', 'cli', 'esm', 'bin.js');
      await promisify(execFile)(process.execPath, [cli, '--config', join(dir, 'codegen.yml'), '--silent'], { cwd: ROOT, timeout: 15_000 });
      const generated = await readFile(join(dir, 'gql', 'graphql.ts'), 'utf8');
      expect(generated).toContain('export const TimelineDocument');
      expect(generated).toContain('occurredAt: string');

      await writeFile(join(dir, 'consumer.ts'), CONSUMER);
      const program = ts.createProgram([join(dir, 'consumer.ts')], {
        strict: true,
        noEmit: true,
        target: ts.ScriptTarget.ES2022,
        module: ts.ModuleKind.CommonJS,
        moduleResolution: ts.ModuleResolutionKind.Node10,
        skipLibCheck: true,
        types: [],
        // The temporary directory has no node_modules of its own.
        baseUrl: dir,
        paths: { '*': [join(ROOT, 'node_modules', '*')] },
      });
      const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      expect(diagnostics).toEqual([]);
      expect(Date.now() - started).toBeLessThan(15_000);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
