import type { TokenVerifier } from '@huimin/auth';
import { createHttpServer, type HttpServer, type Logger } from '@huimin/kit';
import type { JobHandler } from '@huimin/pg';
import type pg from 'pg';
import type { Registry } from 'prom-client';
import { type AlertDesk, createAlertDesk } from './alert-desk.ts';
import { DEFAULT_DATA_MISSING_GRACE_MS, dataMissingJob, JOB_DATA_MISSING } from './data-missing.ts';
import { discoveryErrors } from './errors.ts';
import { assistanceGrantHandlers } from './handlers/assistance-grants.ts';
import type { HouseholdSources } from './handlers/household-view.ts';
import { registerHttpRoutes } from './handlers/http-routes.ts';
import { signalHandlers } from './handlers/signals.ts';
import type { RosterSource } from './roster.ts';
import { createWithdrawals } from './withdraw.ts';

export interface AppDependencies {
  logger: Logger;
  registry: Registry;
  /** Scoped to discovery's schema (createPool({ schema })). */
  pool: pg.Pool;
  verifier: TokenVerifier;
  roster: RosterSource;
  household: HouseholdSources;
  now?: () => Date;
  dismissSuppressDays?: number;
  /** How long a fact may be missing before a household becomes a "data missing" signal. */
  dataMissingGraceMs?: number;
}

export interface DiscoveryApp {
  server: HttpServer;
  desk: AlertDesk;
  /** The consumer handlers (signals in, alerts out; assistance grants resolve their alerts). */
  handlers: ReturnType<typeof signalHandlers>;
  /** The scheduled jobs (SLA clocks, routing retries, missing data after its grace). */
  jobs: Record<string, JobHandler>;
  close(): Promise<void>;
}

/** Builds discovery from its dependencies; main.ts listens and runs the consumers, tests inject. */
export async function createApp(deps: AppDependencies): Promise<DiscoveryApp> {
  const { logger, registry, pool } = deps;
  const now = deps.now ?? (() => new Date());
  const desk = createAlertDesk({
    pool,
    roster: deps.roster,
    logger,
    registry,
    now,
    ...(deps.dismissSuppressDays === undefined ? {} : { dismissSuppressDays: deps.dismissSuppressDays }),
  });
  await desk.seed();
  const server = await createHttpServer({
    name: 'discovery',
    logger,
    registry,
    errors: discoveryErrors,
    openapi: { title: 'Huimin discovery: alerts (cases), routing and SLAs', version: '1.0.0' },
  });
  server.addReadinessCheck('postgres', async () => {
    await pool.query('select 1');
  });
  registerHttpRoutes(server, { pool, verifier: deps.verifier, desk, now, household: deps.household });
  const handlers = [
    ...signalHandlers(desk, {
      withdraw: createWithdrawals({ now }),
      dataMissingGraceMs: deps.dataMissingGraceMs ?? DEFAULT_DATA_MISSING_GRACE_MS,
      now,
    }),
    ...assistanceGrantHandlers(desk),
  ];
  const jobs = { ...desk.jobs, [JOB_DATA_MISSING]: dataMissingJob(desk) };
  return { server, desk, handlers, jobs, close: () => server.close() };
}
