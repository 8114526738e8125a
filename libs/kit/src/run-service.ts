import type { Logger } from 'pino';
import { ConfigError } from './config.ts';
import { createLogger } from './logger.ts';

/**
 * A start-up failure a person fixes outside the code (a database that refuses the connection, say):
 * its message is one line saying what is wrong and what to do, printed as it is by `runService`.
 */
export class StartupError extends Error {
  override name = 'StartupError';
}

/**
 * Wraps a service's start-up in main.ts: `runService(async () => { ...; await app.listen(...) })`.
 * A start-up failure is logged (config problems and StartupErrors as plain lines on stderr) and the process exits 1,
 * instead of an unhandled rejection or a half-started service.
 */
export async function runService(
  main: () => Promise<unknown>,
  options: { logger?: Logger } = {},
): Promise<void> {
  try {
    await main();
  } catch (err: unknown) {
    if (err instanceof ConfigError || err instanceof StartupError) {
      process.stderr.write(`${err.message}\n`);
    } else {
      const logger = options.logger ?? createLogger({ name: process.env.npm_package_name ?? 'service' });
      logger.fatal({ err }, 'service failed to start');
    }
    process.exit(1);
  }
}
