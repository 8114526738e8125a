import type { Logger } from 'pino';
import { ConfigError } from './config.ts';
import { createLogger } from './logger.ts';

/**
 * Wraps a service's start-up in main.ts: `runService(async () => { ...; await app.listen(...) })`.
 * A start-up failure is logged (config problems as plain lines on stderr) and the process exits 1,
 * instead of an unhandled rejection or a half-started service.
 */
export async function runService(
  main: () => Promise<unknown>,
  options: { logger?: Logger } = {},
): Promise<void> {
  try {
    await main();
  } catch (err: unknown) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
    } else {
      const logger = options.logger ?? createLogger({ name: process.env.npm_package_name ?? 'service' });
      logger.fatal({ err }, 'service failed to start');
    }
    process.exit(1);
  }
}
