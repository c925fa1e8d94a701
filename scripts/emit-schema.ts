import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { printAuditGraphSchema, printClientSchema } from '../src/schema/build-schema';

/**
 * Writes, in the working directory (the repository root under `npm run schema`),
 * schema.graphql (what a frontend compiles against) and schema.subgraph.graphql (what a
 * federation router composes).
 */
async function main(): Promise<void> {
  await writeFile(join(process.cwd(), 'schema.graphql'), await printClientSchema());
  await writeFile(join(process.cwd(), 'schema.subgraph.graphql'), await printAuditGraphSchema());
  console.log('schema.graphql and schema.subgraph.graphql written');
}

void main();
