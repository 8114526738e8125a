import pino, { type Logger } from 'pino';

/** Tests log only warnings and errors (set LOG_LEVEL=debug to see everything). */
export function testLogger(level = 'warn'): Logger {
  return pino({ level: process.env.LOG_LEVEL ?? level });
}
