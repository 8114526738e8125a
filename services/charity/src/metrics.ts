import { Counter, Gauge, type Registry } from 'prom-client';

/** What charity counts; one registry per process, passed in. */
export function createCharityMetrics(registry: Registry) {
  const donations = new Counter({
    name: 'huimin_charity_donations_total',
    help: 'Donations booked, by channel',
    labelNames: ['channel'],
    registers: [registry],
  });
  const donatedFen = new Counter({
    name: 'huimin_charity_donated_fen_total',
    help: 'Fen booked from donations, by channel',
    labelNames: ['channel'],
    registers: [registry],
  });
  const notifications = new Counter({
    name: 'huimin_charity_payment_notifications_total',
    help: 'Payment provider notifications, by provider and outcome (booked, already-booked, not-paid, forged, replayed, mismatch, malformed)',
    labelNames: ['provider', 'outcome'],
    registers: [registry],
  });
  const disbursementsPaid = new Counter({
    name: 'huimin_charity_disbursements_paid_total',
    help: 'Disbursements paid out',
    registers: [registry],
  });
  const reconciliationRuns = new Counter({
    name: 'huimin_charity_reconciliation_runs_total',
    help: 'Reconciliation runs, by result (ok, failed)',
    labelNames: ['result'],
    registers: [registry],
  });
  const reconciliationDifference = new Gauge({
    name: 'huimin_charity_reconciliation_difference_fen',
    help: 'Per fund, the sum of absolute differences the last reconciliation found (0 when it balanced)',
    labelNames: ['fund_id'],
    registers: [registry],
  });
  const reconciliationLastRun = new Gauge({
    name: 'huimin_charity_reconciliation_last_run_timestamp_seconds',
    help: 'When the last reconciliation finished',
    registers: [registry],
  });

  return {
    donationBooked(channel: string, amountFen: number): void {
      donations.inc({ channel });
      donatedFen.inc({ channel }, amountFen);
    },
    notification(provider: string, outcome: string): void {
      notifications.inc({ provider, outcome });
    },
    disbursementPaid(): void {
      disbursementsPaid.inc();
    },
    reconciled(differenceByFund: ReadonlyMap<string, number>, fundIds: readonly string[], at: Date): void {
      for (const fundId of fundIds)
        reconciliationDifference.set({ fund_id: fundId }, differenceByFund.get(fundId) ?? 0);
      reconciliationRuns.inc({ result: differenceByFund.size === 0 ? 'ok' : 'failed' });
      reconciliationLastRun.set(at.getTime() / 1000);
    },
  };
}

export type CharityMetrics = ReturnType<typeof createCharityMetrics>;
