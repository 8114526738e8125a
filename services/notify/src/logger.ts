import { writeSync } from 'node:fs';
import { createLogger, type Logger } from '@huimin/kit';

// The stream endpoints accept the access token in the query string (EventSource and browser
// WebSockets cannot send headers), so every line notify writes passes through this last: a token
// in a URL (`access_token=…`) or anywhere as a JWT-shaped string is replaced before output.
const tokenInQuery = /(access_token=)[^&\s"]+/gi;
const jwtShape = /eyJ[\w-]{8,}\.[\w-]{8,}\.[\w-]{8,}/g;

export function redactTokens(line: string): string {
  return line.replace(tokenInQuery, '$1[REDACTED]').replace(jwtShape, '[REDACTED]');
}

export interface LineDestination {
  write(line: string): unknown;
}

/** The kit's logger (personal-data redaction included) with tokens redacted as well. */
export function createNotifyLogger(options: {
  level?: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  destination?: LineDestination;
}): Logger {
  const out = options.destination ?? { write: (line: string) => writeSync(1, line) };
  return createLogger({
    name: 'notify',
    ...(options.level ? { level: options.level } : {}),
    destination: { write: (line: string) => out.write(redactTokens(line)) },
  });
}
