import { hostname } from 'node:os';
import { trace } from '@opentelemetry/api';
import { type DestinationStream, type LevelWithSilent, type Logger, pino } from 'pino';
import pretty from 'pino-pretty';
import { redactLogLine } from './redact-log-line.ts';

export type { Logger } from 'pino';

export interface LoggerOptions {
  /** The service (or tool) name, logged as `service` on every line. */
  name: string;
  level?: LevelWithSilent;
  /** Where lines go; stdout when omitted. Tests pass a collector here. */
  destination?: DestinationStream;
}

// The service name is logged as `service`, not pino's usual `name`: in this domain `name` is a
// person's name and is redacted wherever it appears.
export function createLogger({ name, level = 'info', destination }: LoggerOptions): Logger {
  return pino(
    {
      level,
      base: { service: name, pid: process.pid, hostname: hostname() },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      mixin: traceContext,
      hooks: { streamWrite: redactLogLine },
    },
    destination ?? defaultDestination(),
  );
}

function defaultDestination(): DestinationStream {
  const ci = Boolean(process.env.CI) || process.env.NODE_ENV === 'test' || Boolean(process.env.VITEST);
  if (process.stdout.isTTY && !ci) {
    return pretty({ colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname', sync: true });
  }
  // Synchronous writes: the last lines before process.exit (shutdown, startup failure) are not lost.
  return pino.destination({ dest: 1, sync: true });
}

// Lines written inside a traced operation carry its ids, so logs and traces join up.
function traceContext(): Record<string, string> {
  const span = trace.getActiveSpan();
  if (!span) return {};
  const { traceId, spanId } = span.spanContext();
  return { traceId, spanId };
}
