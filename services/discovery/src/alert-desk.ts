import type { Logger } from '@huimin/kit';
import type { JobHandler } from '@huimin/pg';
import type pg from 'pg';
import { Counter, Histogram, type Registry } from 'prom-client';
import { createActions } from './desk/actions.ts';
import { JOB_ACKNOWLEDGE, JOB_ROUTE, JOB_VISIT, type Signal, type SignalOutcome } from './desk/common.ts';
import { createIntake } from './desk/intake.ts';
import { routeJob } from './desk/routing.ts';
import { breachJob } from './desk/sla-jobs.ts';
import { defaultRuleSet, type RuleSet, titleOf } from './domain/rules.ts';
import { defaultSlaPolicy, type SlaPolicy } from './domain/sla.ts';
import type { RosterSource } from './roster.ts';
import { appendRulesForNewSignals } from './rules-upgrade.ts';
import { currentPolicy, type PolicyVersion, seedPolicy } from './store/policy-store.ts';

export { dismissReasons, outcomes } from './desk/actions.ts';
export {
  JOB_ACKNOWLEDGE,
  JOB_ROUTE,
  JOB_VISIT,
  mayRead,
  mayWrite,
  type Signal,
  type SignalOutcome,
} from './desk/common.ts';

export interface AlertDeskOptions {
  pool: pg.Pool;
  roster: RosterSource;
  logger: Logger;
  registry?: Registry;
  now?: () => Date;
  dismissSuppressDays?: number;
}

export type AlertDesk = ReturnType<typeof createAlertDesk>;

/**
 * The alert desk: intake of signals a batch at a time (desk/intake.ts), routing (desk/routing.ts),
 * the SLA clocks (desk/sla-jobs.ts) and what people do with alerts (desk/actions.ts).
 */
export function createAlertDesk(options: AlertDeskOptions) {
  const { pool, roster, logger } = options;
  const now = options.now ?? (() => new Date());
  const registers = options.registry ? [options.registry] : [];
  const signalsTotal = new Counter({
    name: 'huimin_discovery_signals_total',
    help: 'signals handled, by outcome (opened, merged, suppressed, ignored)',
    labelNames: ['outcome'],
    registers,
  });
  const breaches = new Counter({
    name: 'huimin_discovery_sla_breaches_total',
    help: 'SLA clocks that ran out (each escalated once), by town, clock and priority',
    labelNames: ['town', 'clock', 'priority'],
    registers,
  });
  const signalToAlert = new Histogram({
    name: 'huimin_discovery_signal_to_alert_seconds',
    help: 'from the upstream signal to the alert opened or merged',
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers,
  });

  let rules: PolicyVersion<RuleSet> | undefined;
  let sla: PolicyVersion<SlaPolicy> | undefined;
  let loadedAt = 0;
  /** Policies are data other replicas may change: re-read at most every few seconds. */
  async function policies(db: pg.ClientBase | pg.Pool = pool) {
    if (!rules || !sla || now().getTime() - loadedAt > 5000 || loadedAt > now().getTime()) {
      rules = await currentPolicy<RuleSet>(db, 'rules');
      sla = await currentPolicy<SlaPolicy>(db, 'sla');
      loadedAt = now().getTime();
      if (!rules || !sla)
        throw new Error('discovery has no rules or SLA policy: was it started with createApp?');
    }
    return { rules, sla } as { rules: PolicyVersion<RuleSet>; sla: PolicyVersion<SlaPolicy> };
  }

  const intake = createIntake({ policies, roster, logger, now, signalsTotal, signalToAlert });
  const actions = createActions({
    pool,
    roster,
    now,
    suppressDays: options.dismissSuppressDays ?? 30,
    policies,
    intake: intake.intake,
  });

  return {
    policies,
    /** Signals to alerts, a batch at a time, in the caller's transaction (see desk/intake.ts). */
    handleSignals: intake.handleSignals,
    /** One signal: a batch of one. */
    async handleSignal(client: pg.ClientBase, signal: Signal): Promise<SignalOutcome> {
      const [outcome] = await intake.handleSignals(client, [signal]);
      return outcome ?? 'ignored';
    },
    jobs: {
      [JOB_ACKNOWLEDGE]: breachJob('acknowledge', { roster, now, breaches }),
      [JOB_VISIT]: breachJob('visit', { roster, now, breaches }),
      [JOB_ROUTE]: routeJob({ roster, now }),
    } satisfies Record<string, JobHandler>,

    /** Writes version 1 of the rules and the SLA policy if the schema has none. */
    async seed(): Promise<void> {
      await seedPolicy(pool, 'rules', defaultRuleSet, now());
      await seedPolicy(pool, 'sla', defaultSlaPolicy, now());
      await appendRulesForNewSignals(pool, now());
      loadedAt = 0;
    },
    /** Forget cached policies (after an admin changed them). */
    reloadPolicies() {
      loadedAt = 0;
    },
    ...actions,
    titleOf: async (type: string) => titleOf((await policies()).rules.body, type),
  };
}
