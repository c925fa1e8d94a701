import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { printAuditGraphSchema } from '../src/schema/build-schema';

/** Writes schema.graphql in the working directory (the repository root under `npm run schema`). */
async function main(): Promise<void> {
  await writeFile(join(process.cwd(), 'schema.graphql'), await printAuditGraphSchema());
  console.log('schema.graphql written');
}

void main();
