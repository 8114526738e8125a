import type { TokenVerifier } from '@huimin/auth';
import { type Jurisdiction, taicang } from '@huimin/contracts';
import { createHttpServer, type HttpServer, type Logger } from '@huimin/kit';
import type pg from 'pg';
import type { Registry } from 'prom-client';
import { scorecardErrors } from './errors.ts';
import { registerHttpRoutes } from './handlers/http-routes.ts';

export interface AppDependencies {
  logger: Logger;
  registry: Registry;
  /** Scoped to the scorecard's schema (createPool({ schema })). */
  pool: pg.Pool;
  verifier: TokenVerifier;
  tree?: Jurisdiction;
  now?: () => Date;
}

export interface ScorecardApp {
  server: HttpServer;
  close(): Promise<void>;
}

/** Builds the scorecard's HTTP side from its dependencies; main.ts listens and runs the consumers, tests inject. */
export async function createApp(deps: AppDependencies): Promise<ScorecardApp> {
  const { logger, registry, pool } = deps;
  const server = await createHttpServer({
    name: 'scorecard',
    logger,
    registry,
    errors: scorecardErrors,
    openapi: { title: 'Huimin scorecard: the five-year plan’s 19 indicators', version: '1.0.0' },
  });
  server.addReadinessCheck('postgres', async () => {
    await pool.query('select 1');
  });
  registerHttpRoutes(server, {
    pool,
    verifier: deps.verifier,
    tree: deps.tree ?? taicang,
    now: deps.now ?? (() => new Date()),
  });
  return { server, close: () => server.close() };
}
