import type pg from 'pg';
import type { DisclosureFacts, LedgerMovement } from '../domain/disclosure.ts';
import type { Purpose } from '../domain/purposes.ts';

// What the public disclosure is computed from: ledger movements of net assets (the books, not a
// second count), disbursements paid (for the household count and purposes only: never who), and
// donations (names only where the donor consented).

const MONTH = `to_char(%s at time zone 'Asia/Shanghai', 'YYYY-MM')`;
const monthOf = (column: string) => MONTH.replace('%s', column);

export async function loadDisclosureFacts(
  db: pg.Pool,
  range: { from: Date; to: Date },
): Promise<Omit<DisclosureFacts, 'year' | 'throughMonth' | 'funds'>> {
  const params = [range.from, range.to];
  const [openings, movements, byMonth, byYear, purposes, named, others] = await Promise.all([
    db.query<{ fund_id: string; balance: string }>(
      `select a.fund_id, sum(-e.amount_fen) as balance
         from ledger_entries e join accounts a using (account_id) join ledger_transactions t using (transaction_id)
        where a.kind = 'net-assets' and t.booked_at < $1
        group by a.fund_id`,
      [range.from],
    ),
    db.query<{ fund_id: string; month: string; kind: LedgerMovement['kind']; change: string }>(
      `select a.fund_id, ${monthOf('t.booked_at')} as month, t.kind, sum(-e.amount_fen) as change
         from ledger_entries e join accounts a using (account_id) join ledger_transactions t using (transaction_id)
        where a.kind = 'net-assets' and t.booked_at >= $1 and t.booked_at < $2
        group by 1, 2, 3`,
      params,
    ),
    db.query<{ fund_id: string; month: string; households: string }>(
      `select fund_id, ${monthOf('paid_at')} as month, count(distinct household_id) as households
         from disbursements where status = 'paid' and paid_at >= $1 and paid_at < $2
        group by 1, 2`,
      params,
    ),
    db.query<{ fund_id: string; households: string }>(
      `select fund_id, count(distinct household_id) as households
         from disbursements where status = 'paid' and paid_at >= $1 and paid_at < $2
        group by 1`,
      params,
    ),
    db.query<{ fund_id: string; purpose: Purpose; amount: string }>(
      `select fund_id, purpose, sum(amount_fen) as amount
         from disbursements where status = 'paid' and paid_at >= $1 and paid_at < $2
        group by 1, 2 order by 1, 3 desc`,
      params,
    ),
    db.query<{ fund_id: string; name: string; amount: string; donations: string }>(
      `select d.fund_id, d.donor_name as name, sum(d.amount_fen) as amount, count(*) as donations
         from donations d left join donation_reversals r using (donation_id)
        where r.donation_id is null and d.publish_name and d.donor_kind <> 'anonymous' and d.donor_name is not null
          and d.received_at >= $1 and d.received_at < $2
        group by 1, 2 order by 1, 3 desc, 2
        limit 5000`,
      params,
    ),
    db.query<{ fund_id: string; amount: string; donations: string }>(
      `select d.fund_id, sum(d.amount_fen) as amount, count(*) as donations
         from donations d left join donation_reversals r using (donation_id)
        where r.donation_id is null and not (d.publish_name and d.donor_kind <> 'anonymous' and d.donor_name is not null)
          and d.received_at >= $1 and d.received_at < $2
        group by 1`,
      params,
    ),
  ]);
  return {
    openingBalances: new Map(openings.rows.map((r) => [r.fund_id, Number(r.balance)])),
    movements: movements.rows.map((r) => ({
      fundId: r.fund_id,
      month: r.month,
      kind: r.kind,
      changeFen: Number(r.change),
    })),
    householdsByMonth: byMonth.rows.map((r) => ({
      fundId: r.fund_id,
      month: r.month,
      households: Number(r.households),
    })),
    householdsByYear: new Map(byYear.rows.map((r) => [r.fund_id, Number(r.households)])),
    spendingByPurpose: purposes.rows.map((r) => ({
      fundId: r.fund_id,
      purpose: r.purpose,
      amountFen: Number(r.amount),
    })),
    namedDonors: named.rows.map((r) => ({
      fundId: r.fund_id,
      name: r.name,
      amountFen: Number(r.amount),
      donations: Number(r.donations),
    })),
    otherDonors: others.rows.map((r) => ({
      fundId: r.fund_id,
      amountFen: Number(r.amount),
      donations: Number(r.donations),
    })),
  };
}
