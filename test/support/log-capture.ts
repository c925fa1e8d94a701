import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../../src/logging/logger';

/** One parsed JSON log line. */
export type LogLine = Record<string, any>;

/** A real (pino) logger at `level` whose lines are parsed into `lines` as they are written. */
export function captureLogs(level = 'info'): { logger: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      for (const line of chunk.toString().split('\n')) if (line.trim()) lines.push(JSON.parse(line) as LogLine);
      done();
    },
  });
  return { logger: createLogger({ level, destination }), lines };
}

/** The breaker changes among captured lines, as `source state`. */
export function breakerChanges(lines: readonly LogLine[]): string[] {
  return lines.filter((l) => l.msg === 'circuit breaker state changed').map((l) => `${l.source} ${l.state}`);
}
