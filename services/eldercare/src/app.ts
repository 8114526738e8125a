import { randomUUID } from 'node:crypto';
import type { TokenVerifier } from '@huimin/auth';
import { createHttpServer, type HttpServer, type Logger } from '@huimin/kit';
import { withTransaction } from '@huimin/pg';
import type pg from 'pg';
import type { Registry } from 'prom-client';
import { createCheckOn } from './check-on.ts';
import { type EldercarePolicy, seedPolicies } from './domain/policy.ts';
import { eldercareErrors } from './errors.ts';
import { registerCaregiverRoutes } from './handlers/caregiver-routes.ts';
import { registerHttpRoutes } from './handlers/http-routes.ts';
import { createOrderDesk, type OrderDesk } from './order-desk.ts';
import { savePolicy } from './store/policy-store.ts';

export interface AppDependencies {
  logger: Logger;
  registry: Registry;
  /** Scoped to eldercare's schema (createPool({ schema })). */
  pool: pg.Pool;
  verifier: TokenVerifier;
  now?: () => Date;
  newId?: () => string;
  /** Policy versions written at start if missing (the seed table by default). */
  policies?: EldercarePolicy[];
}

export interface EldercareApp {
  server: HttpServer;
  desk: OrderDesk;
  checkOn: ReturnType<typeof createCheckOn>;
  close(): Promise<void>;
}

/** Builds eldercare from its dependencies; main.ts listens and runs the consumers, tests inject. */
export async function createApp(deps: AppDependencies): Promise<EldercareApp> {
  const { logger, registry, pool } = deps;
  const now = deps.now ?? (() => new Date());
  const newId = deps.newId ?? randomUUID;
  await withTransaction(pool, async (client) => {
    for (const policy of deps.policies ?? seedPolicies) await savePolicy(client, policy);
  });
  const desk = createOrderDesk({ pool, logger, now, newId });
  await desk.reloadPolicies();
  const checkOn = createCheckOn({ desk, logger, now });

  const server = await createHttpServer({
    name: 'eldercare',
    logger,
    registry,
    errors: eldercareErrors,
    openapi: {
      title: 'Huimin eldercare: home-visit orders, quotas and visit verification',
      version: '1.0.0',
    },
  });
  server.addReadinessCheck('postgres', async () => {
    await pool.query('select 1');
  });
  registerHttpRoutes(server, { pool, verifier: deps.verifier, desk, now });
  registerCaregiverRoutes(server, { pool, verifier: deps.verifier, now });
  return { server, desk, checkOn, close: () => server.close() };
}
