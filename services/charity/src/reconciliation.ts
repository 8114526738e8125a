import { ReconciliationFailed, shanghaiDateOf } from '@huimin/contracts';
import { appendEvent } from '@huimin/kafka';
import type { Logger } from '@huimin/kit';
import { type JobHandler, schedule, withTransaction } from '@huimin/pg';
import type pg from 'pg';
import { startOfShanghaiDate } from './domain/receipt-number.ts';
import { EVENT_SOURCE } from './donation-book.ts';
import type { CharityMetrics } from './metrics.ts';
import { type ReconciliationFinding, reconciliationStore } from './store/reconciliation-store.ts';

export const RECONCILE_JOB = 'charity.reconcile';

/** The daily run for a business date fires at 01:00 Shanghai time the next day. */
export function reconciliationDueAt(businessDate: string): Date {
  return new Date(startOfShanghaiDate(businessDate).getTime() + 25 * 3_600_000);
}

function nextDate(businessDate: string): string {
  return shanghaiDateOf(new Date(startOfShanghaiDate(businessDate).getTime() + 36 * 3_600_000));
}

export interface ReconciliationResult {
  businessDate: string;
  checkedAt: Date;
  ok: boolean;
  findings: ReconciliationFinding[];
}

/**
 * Checks the books: every transaction's entries balance, every account's balance equals the sum
 * of its entries, every fund's cash equals its net assets. Each fund with a problem gets a
 * ReconciliationFailed event (through the outbox, in `client`'s transaction) and a non-zero
 * `huimin_charity_reconciliation_difference_fen`.
 */
export function createReconciliation(deps: { metrics: CharityMetrics; logger: Logger; now: () => Date }) {
  const { metrics, logger, now } = deps;

  async function run(client: pg.ClientBase, businessDate: string): Promise<ReconciliationResult> {
    const checkedAt = now();
    const findings = await reconciliationStore.findProblems(client);
    await reconciliationStore.recordRun(client, { businessDate, checkedAt, findings });

    const byFund = new Map<string, ReconciliationFinding[]>();
    for (const finding of findings)
      byFund.set(finding.fundId, [...(byFund.get(finding.fundId) ?? []), finding]);
    const difference = new Map<string, number>();
    for (const [fundId, problems] of byFund) {
      difference.set(
        fundId,
        problems.reduce((sum, p) => sum + Math.abs(p.expected - p.found), 0),
      );
      await appendEvent(
        client,
        ReconciliationFailed,
        {
          fundId,
          businessDate,
          checkedAt: checkedAt.toISOString(),
          problems: problems.slice(0, 100).map((p) => ({
            check: p.check,
            ...(p.accountId === undefined ? {} : { accountId: p.accountId }),
            ...(p.transactionId === undefined ? {} : { transactionId: p.transactionId }),
            expected: p.expected,
            found: p.found,
          })),
        },
        { source: EVENT_SOURCE, subject: fundId, now: () => checkedAt },
      );
      logger.error({ fundId, businessDate, problems: problems.length }, 'reconciliation failed');
    }
    metrics.reconciled(difference, await reconciliationStore.fundIds(client), checkedAt);
    if (findings.length === 0) logger.info({ businessDate }, 'reconciliation balanced');
    return { businessDate, checkedAt, ok: findings.length === 0, findings };
  }

  /** The scheduler's handler: reconcile the job's date, then arm the next day's run. */
  const handler: JobHandler = async (job, client) => {
    await run(client, job.key);
    const next = nextDate(job.key);
    await schedule(client, { kind: RECONCILE_JOB, key: next, dueAt: reconciliationDueAt(next) });
  };

  return {
    run,
    handler,
    /** Runs now, outside the daily schedule (an operator asking, or a test). */
    async runNow(pool: pg.Pool): Promise<ReconciliationResult> {
      return withTransaction(pool, (client) => run(client, shanghaiDateOf(now())));
    },
    /** Makes sure today's run is scheduled (idempotent: every replica may call it at start). */
    async arm(db: pg.Pool): Promise<void> {
      const today = shanghaiDateOf(now());
      await schedule(db, { kind: RECONCILE_JOB, key: today, dueAt: reconciliationDueAt(today) });
    },
  };
}

export type Reconciliation = ReturnType<typeof createReconciliation>;
