import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import ts from 'typescript';

/** Where the compiled gateway lives, below the project's node_modules so that packages resolve. */
export const COMPILED_DIR = join('node_modules', '.cache', 'auditgraph-bench');

function typeScriptFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) return typeScriptFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/**
 * Transpiles `src/` and the gateway process of the bench to plain JavaScript, file by file with
 * the project's compiler options (what `ts-node --transpile-only` does in memory), so that the
 * measured gateway runs as `npm start` runs it: without the TypeScript compiler in its process,
 * which would add some 100 MB to its RSS and its start-up to a CPU profile. Returns the entry
 * point of the gateway process.
 */
export function compileGatewayForBench(root: string): string {
  const configFile = ts.readConfigFile(join(root, 'tsconfig.json'), (path) => ts.sys.readFile(path));
  if (configFile.error) throw new Error(ts.flattenDiagnosticMessageText(configFile.error.messageText, '\n'));
  const { options } = ts.parseJsonConfigFileContent(configFile.config, ts.sys, root);
  const compilerOptions: ts.CompilerOptions = { ...options, sourceMap: false, inlineSourceMap: false, declaration: false, noEmit: false };
  const outDir = join(root, COMPILED_DIR);
  rmSync(outDir, { recursive: true, force: true });
  const files = [
    ...typeScriptFiles(join(root, 'src')),
    join(root, 'bench', 'gateway-process.ts'),
    join(root, 'bench', 'gateway-protocol.ts'),
  ];
  for (const file of files) {
    const output = ts.transpileModule(readFileSync(file, 'utf8'), { compilerOptions, fileName: file });
    const target = join(outDir, relative(root, file)).replace(/\.ts$/, '.js');
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, output.outputText);
  }
  return join(outDir, 'bench', 'gateway-process.js');
}
