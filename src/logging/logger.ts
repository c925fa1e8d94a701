import pino, { type Logger } from 'pino';

export type { Logger };

/** Paths pino blanks out wherever they appear in a log object. */
export const REDACTED_PATHS = [
  'authorization',
  '*.authorization',
  'headers.authorization',
  '*.headers.authorization',
  'apiKey',
  '*.apiKey',
  'apiToken',
  '*.apiToken',
  'oauthToken',
  '*.oauthToken',
  'apiKeys',
  '*.apiKeys',
  'cursorSecret',
  '*.cursorSecret',
  'password',
  '*.password',
];

/** Options of the process logger. */
export interface LoggerOptions {
  /** Default `info`; `LOG_LEVEL` overrides. */
  readonly level?: string;
  /** Where to write; default stdout. */
  readonly destination?: pino.DestinationStream;
}

/** Structured JSON logger with credentials redacted. */
export function createLogger(options: LoggerOptions = {}): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      base: { service: 'auditgraph' },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    options.destination,
  );
}

/** A logger that drops everything, for tests that do not look at logs. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
