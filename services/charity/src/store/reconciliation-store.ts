import type pg from 'pg';

export type ReconciliationCheck = 'account-balance' | 'unbalanced-transaction' | 'fund-identity';

export interface ReconciliationFinding {
  check: ReconciliationCheck;
  fundId: string;
  accountId?: string;
  transactionId?: string;
  /** What the entries say, in fen. */
  expected: number;
  found: number;
}

interface FindingRow {
  check: ReconciliationCheck;
  fund_id: string;
  account_id: string | null;
  transaction_id: string | null;
  expected: string;
  found: string;
}

// One statement, so the whole check reads one snapshot of the books even while donations and
// payments keep committing (READ COMMITTED gives each statement its own snapshot).
const FIND_PROBLEMS = `
with sums as (
  select account_id, sum(amount_fen) as total from ledger_entries group by account_id
), normal as (
  select a.fund_id, a.account_id, a.kind, a.balance_fen,
         case when a.kind = 'cash' then coalesce(s.total, 0) else -coalesce(s.total, 0) end as from_entries
    from accounts a left join sums s using (account_id)
), unbalanced as (
  select transaction_id, sum(amount_fen) as total from ledger_entries group by transaction_id having sum(amount_fen) <> 0
)
select 'account-balance' as check, fund_id, account_id::text, null as transaction_id,
       from_entries as expected, balance_fen as found
  from normal where balance_fen <> from_entries
union all
select distinct 'unbalanced-transaction', a.fund_id, null, u.transaction_id::text, 0, u.total
  from unbalanced u join ledger_entries e using (transaction_id) join accounts a using (account_id)
union all
select 'fund-identity', fund_id, null, null,
       sum(from_entries) filter (where kind = 'net-assets'), sum(from_entries) filter (where kind = 'cash')
  from normal group by fund_id
having coalesce(sum(from_entries) filter (where kind = 'net-assets'), 0)
       <> coalesce(sum(from_entries) filter (where kind = 'cash'), 0)
order by 2, 1, 3, 4`;

export const reconciliationStore = {
  async findProblems(db: pg.ClientBase | pg.Pool): Promise<ReconciliationFinding[]> {
    const { rows } = await db.query<FindingRow>(FIND_PROBLEMS);
    return rows.map((row) => ({
      check: row.check,
      fundId: row.fund_id,
      ...(row.account_id === null ? {} : { accountId: row.account_id }),
      ...(row.transaction_id === null ? {} : { transactionId: row.transaction_id }),
      expected: Number(row.expected ?? 0),
      found: Number(row.found ?? 0),
    }));
  },

  async fundIds(db: pg.ClientBase | pg.Pool): Promise<string[]> {
    const { rows } = await db.query<{ fund_id: string }>('select fund_id from funds order by fund_id');
    return rows.map((row) => row.fund_id);
  },

  async recordRun(
    client: pg.ClientBase,
    run: { businessDate: string; checkedAt: Date; findings: ReconciliationFinding[] },
  ): Promise<void> {
    await client.query(
      'insert into reconciliation_runs (business_date, checked_at, ok, problems) values ($1, $2, $3, $4::jsonb)',
      [run.businessDate, run.checkedAt, run.findings.length === 0, JSON.stringify(run.findings)],
    );
  },
};
