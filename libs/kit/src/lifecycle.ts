import type { Logger } from 'pino';

export type ShutdownOutcome = 'closed' | 'failed' | 'timed out';

export interface LifecycleOptions {
  logger: Logger;
  /** Upper bound for the whole shutdown; past it the process exits 1 naming the step that hung. */
  timeoutMs: number;
}

export interface Lifecycle {
  /**
   * Registers something to close at shutdown. Steps close in REVERSE registration order, so
   * register in start-up order and the HTTP server (started last) stops taking work first,
   * draining in-flight requests while the pools and clients they use are still open.
   */
  onShutdown(name: string, close: () => Promise<unknown> | unknown): void;
  /** Closes every step once; later calls get the same outcome. Does not exit. */
  shutdown(reason: string): Promise<ShutdownOutcome>;
  /** SIGTERM/SIGINT → shutdown, then exit 0 (or 1 on failure or timeout); a second signal exits 1 at once. */
  trapSignals(): void;
}

export function createLifecycle({ logger, timeoutMs }: LifecycleOptions): Lifecycle {
  const steps: { name: string; close: () => Promise<unknown> | unknown }[] = [];
  let running: Promise<ShutdownOutcome> | undefined;

  async function closeAll(reason: string): Promise<ShutdownOutcome> {
    logger.info({ reason, timeoutMs }, 'shutting down');
    let current = '';
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timed out'>((resolve) => {
      timer = setTimeout(() => resolve('timed out'), timeoutMs);
    });
    const closing = (async (): Promise<ShutdownOutcome> => {
      let outcome: ShutdownOutcome = 'closed';
      for (const step of [...steps].reverse()) {
        current = step.name;
        try {
          await step.close();
          logger.info({ step: step.name }, 'closed');
        } catch (err: unknown) {
          // Keep going: the remaining resources still deserve a clean close.
          logger.error({ step: step.name, err }, 'close failed');
          outcome = 'failed';
        }
      }
      return outcome;
    })();
    const outcome = await Promise.race([closing, timedOut]);
    clearTimeout(timer);
    if (outcome === 'timed out')
      logger.error({ step: current, timeoutMs }, `shutdown timed out while closing ${current}`);
    else logger.info({ outcome }, 'shutdown finished');
    return outcome;
  }

  const lifecycle: Lifecycle = {
    onShutdown(name, close) {
      steps.push({ name, close });
    },

    shutdown(reason) {
      running ??= closeAll(reason);
      return running;
    },

    trapSignals() {
      const onSignal = (signal: NodeJS.Signals) => {
        if (running) {
          logger.warn({ signal }, 'second signal during shutdown, exiting now');
          process.exit(1);
        }
        lifecycle.shutdown(signal).then((outcome) => process.exit(outcome === 'closed' ? 0 : 1));
      };
      process.on('SIGTERM', onSignal);
      process.on('SIGINT', onSignal);
    },
  };
  return lifecycle;
}
