import type { TokenVerifier } from '@huimin/auth';
import { createHttpServer, type HttpServer, type Logger } from '@huimin/kit';
import type pg from 'pg';
import type { Registry } from 'prom-client';
import { assistanceErrors } from './errors.ts';
import { registerRoutes } from './handlers/routes.ts';
import type { AlertDirectory, EligibilityAdvisor } from './upstream/upstream.ts';

export interface AppDependencies {
  logger: Logger;
  registry: Registry;
  /** Scoped to the assistance schema (createPool({ schema })). */
  pool: pg.Pool;
  verifier: TokenVerifier;
  alerts: AlertDirectory;
  eligibility: EligibilityAdvisor;
  fourEyesAboveFen: number;
  now?: () => Date;
}

export interface AssistanceApp {
  server: HttpServer;
  close(): Promise<void>;
}

/** Builds the assistance service's HTTP side; main.ts listens and relays the outbox, tests inject. */
export async function createApp(deps: AppDependencies): Promise<AssistanceApp> {
  const { logger, registry, pool } = deps;
  const server = await createHttpServer({
    name: 'assistance',
    logger,
    registry,
    errors: assistanceErrors,
    openapi: { title: 'Huimin assistance: temporary assistance (临时救助) applications', version: '1.0.0' },
  });
  server.addReadinessCheck('postgres', async () => {
    await pool.query('select 1');
  });
  registerRoutes(server, {
    pool,
    verifier: deps.verifier,
    alerts: deps.alerts,
    eligibility: deps.eligibility,
    fourEyesAboveFen: deps.fourEyesAboveFen,
    now: deps.now ?? (() => new Date()),
  });
  return { server, close: () => server.close() };
}
