import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bufferedDestination, createLogger } from '../../../src/logging/logger';

describe('the default log destination (buffered)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'auditgraph-log-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const linesOf = (file: string): Record<string, unknown>[] => {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      return [];
    }
    return text
      .split('\n')
      .filter((line) => line.length > 0)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  };

  it('writes a lone line within about a second, without waiting for more', async () => {
    const file = join(dir, 'lone.log');
    const destination = bufferedDestination(file);
    const logger = createLogger({ destination });
    logger.info({ apiKey: 'k-secret' }, 'only line');
    const deadline = Date.now() + 3000;
    while (linesOf(file).length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(linesOf(file)).toEqual([expect.objectContaining({ msg: 'only line', apiKey: '[redacted]', service: 'auditgraph' })]);
    (destination as unknown as { end(): void }).end();
  });

  it('loses no line when the process exits right after logging', () => {
    const file = join(dir, 'exit.log');
    const script = [
      `const { createLogger, bufferedDestination } = require(${JSON.stringify(join(__dirname, '..', '..', '..', 'src', 'logging', 'logger.ts'))});`,
      `const logger = createLogger({ destination: bufferedDestination(${JSON.stringify(file)}) });`,
      `for (let i = 0; i < 500; i++) logger.info({ i }, 'line');`,
      `process.exit(0);`,
    ].join('\n');
    execFileSync(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e', script], { stdio: 'ignore' });
    expect(linesOf(file).map((line) => line.i)).toEqual(Array.from({ length: 500 }, (_, i) => i));
  });
});
