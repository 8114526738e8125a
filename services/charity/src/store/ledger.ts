import type pg from 'pg';
import type { Restriction } from '../domain/funds.ts';

// The double-entry ledger. Amounts are signed: a debit is positive, a credit negative, and every
// transaction sums to zero (the database checks it at commit). A fund's cash account is
// debit-normal, its net-asset accounts (one per restriction) credit-normal; every account's
// balance on its normal side may never drop below zero, which is checked here under row locks
// (and by a CHECK constraint behind it), so concurrent payments cannot overdraw.

export type AccountKind = 'cash' | 'net-assets';
export type TransactionKind = 'donation' | 'donation-reversal' | 'disbursement';

export interface Leg {
  accountId: string;
  /** Signed fen: debit > 0, credit < 0. */
  amountFen: number;
}

export interface Booking {
  transactionId: string;
  kind: TransactionKind;
  referenceId: string;
  reversesTransactionId?: string;
  bookedAt: Date;
  recordedAt: Date;
  recordedBy: string;
  legs: readonly Leg[];
}

/** A booking would take an account below zero; nothing was written. */
export class InsufficientFunds extends Error {
  readonly accountId: string;
  readonly availableFen: number;

  constructor(accountId: string, availableFen: number, neededFen: number) {
    super(`account ${accountId} holds ${availableFen} fen, ${neededFen} fen needed`);
    this.name = 'InsufficientFunds';
    this.accountId = accountId;
    this.availableFen = availableFen;
  }
}

/** The cash account and the net-asset account for a restriction, created on first use. */
export async function fundAccounts(
  client: pg.ClientBase,
  fundId: string,
  restriction: Restriction,
): Promise<{ cash: string; netAssets: string }> {
  const purpose = restriction.purpose ?? null;
  const community = restriction.communityCode ?? null;
  // Twice at most: when another transaction creates the same account at the same moment, this
  // statement waits for it and skips the insert, but its snapshot predates that row; the second
  // statement sees it.
  for (let attempt = 1; ; attempt++) {
    const found = await createOrFindAccounts(client, fundId, purpose, community);
    if (found !== undefined) return found;
    if (attempt === 2) throw new Error(`accounts of fund ${fundId} are missing`);
  }
}

async function createOrFindAccounts(
  client: pg.ClientBase,
  fundId: string,
  purpose: string | null,
  community: string | null,
): Promise<{ cash: string; netAssets: string } | undefined> {
  const { rows } = await client.query<{ account_id: string; kind: AccountKind }>(
    `with wanted (kind, purpose, community_code) as (
       values ('cash', null::text, null::text), ('net-assets', $2::text, $3::text)
     ), created as (
       insert into accounts (fund_id, kind, purpose, community_code)
       select $1, kind, purpose, community_code from wanted
       on conflict (fund_id, kind, purpose, community_code) do nothing
       returning account_id, kind
     )
     select account_id, kind from created
     union all
     select a.account_id, a.kind from accounts a join wanted w
       on a.kind = w.kind and a.purpose is not distinct from w.purpose
      and a.community_code is not distinct from w.community_code
      where a.fund_id = $1`,
    [fundId, purpose, community],
  );
  const cash = rows.find((r) => r.kind === 'cash')?.account_id;
  const netAssets = rows.find((r) => r.kind === 'net-assets')?.account_id;
  return cash === undefined || netAssets === undefined ? undefined : { cash, netAssets };
}

/** The existing net-asset account for a restriction, or undefined (no money ever came in under it). */
export async function findNetAssetAccount(
  client: pg.ClientBase,
  fundId: string,
  restriction: Restriction,
): Promise<string | undefined> {
  const { rows } = await client.query<{ account_id: string }>(
    `select account_id from accounts
      where fund_id = $1 and kind = 'net-assets'
        and purpose is not distinct from $2 and community_code is not distinct from $3`,
    [fundId, restriction.purpose ?? null, restriction.communityCode ?? null],
  );
  return rows[0]?.account_id;
}

/**
 * Books a balanced transaction inside the caller's database transaction: locks the accounts in id
 * order (so concurrent bookings cannot deadlock), refuses to take any below zero, then writes the
 * entries with each account's running balance. Returns the balances after, by account id.
 */
export async function bookTransaction(client: pg.ClientBase, booking: Booking): Promise<Map<string, number>> {
  const total = booking.legs.reduce((sum, leg) => sum + leg.amountFen, 0);
  if (total !== 0 || booking.legs.length < 2)
    throw new Error(`transaction ${booking.transactionId} does not balance`);

  const ids = [...new Set(booking.legs.map((leg) => leg.accountId))].sort((a, b) => Number(a) - Number(b));
  const { rows: locked } = await client.query<{ account_id: string; kind: AccountKind; balance_fen: string }>(
    'select account_id, kind, balance_fen from accounts where account_id = any($1::bigint[]) order by account_id for update',
    [ids],
  );
  if (locked.length !== ids.length)
    throw new Error(`transaction ${booking.transactionId} names an unknown account`);

  const balances = new Map(
    locked.map((a) => [a.account_id, { kind: a.kind, balance: Number(a.balance_fen) }]),
  );
  const balanceAfter: number[] = [];
  for (const leg of booking.legs) {
    const account = balances.get(leg.accountId);
    if (account === undefined) throw new Error(`unknown account ${leg.accountId}`);
    const change = account.kind === 'cash' ? leg.amountFen : -leg.amountFen;
    if (account.balance + change < 0) throw new InsufficientFunds(leg.accountId, account.balance, -change);
    account.balance += change;
    balanceAfter.push(account.balance);
  }

  await client.query(
    `insert into ledger_transactions
       (transaction_id, kind, reference_id, reverses_transaction_id, booked_at, recorded_at, recorded_by)
     values ($1, $2, $3, $4, $5, $6, $7)`,
    [
      booking.transactionId,
      booking.kind,
      booking.referenceId,
      booking.reversesTransactionId ?? null,
      booking.bookedAt,
      booking.recordedAt,
      booking.recordedBy,
    ],
  );
  await client.query(
    `insert into ledger_entries (transaction_id, account_id, amount_fen, balance_after_fen)
     select $1, account_id, amount_fen, balance_after
       from unnest($2::bigint[], $3::bigint[], $4::bigint[]) as leg (account_id, amount_fen, balance_after)`,
    [
      booking.transactionId,
      booking.legs.map((leg) => leg.accountId),
      booking.legs.map((leg) => leg.amountFen),
      balanceAfter,
    ],
  );
  await client.query(
    `update accounts set balance_fen = changed.balance
       from unnest($1::bigint[], $2::bigint[]) as changed (account_id, balance)
      where accounts.account_id = changed.account_id`,
    [[...balances.keys()], [...balances.values()].map((a) => a.balance)],
  );
  return new Map([...balances].map(([id, a]) => [id, a.balance]));
}

/** The legs that undo a transaction: the same accounts, the amounts negated. */
export async function reversingLegs(client: pg.ClientBase, transactionId: string): Promise<Leg[]> {
  const { rows } = await client.query<{ account_id: string; amount_fen: string }>(
    'select account_id, amount_fen from ledger_entries where transaction_id = $1 order by entry_id',
    [transactionId],
  );
  return rows.map((row) => ({ accountId: row.account_id, amountFen: -Number(row.amount_fen) }));
}

/** A fund's balance: the sum of its net-asset accounts. */
export async function fundBalance(client: pg.ClientBase, fundId: string): Promise<number> {
  const { rows } = await client.query<{ balance: string }>(
    `select coalesce(sum(balance_fen), 0) as balance from accounts where fund_id = $1 and kind = 'net-assets'`,
    [fundId],
  );
  return Number(rows[0]?.balance ?? 0);
}
