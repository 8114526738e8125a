-- Charity's books: funds, a double-entry ledger, donations with gapless receipt numbers, payment
-- orders and provider deliveries, disbursements, and reconciliation runs.

create table funds (
  fund_id text primary key check (fund_id ~ '^[a-z0-9][a-z0-9-]{0,63}$'),
  name text not null,
  kind text not null check (kind in ('county-federation', 'town-association', 'community-fund')),
  jurisdiction_code text not null check (jurisdiction_code ~ '^\d{6}(\d{3}(\d{3})?)?$'),
  -- null: the fund may spend on any purpose
  purposes text[],
  created_at timestamptz not null default now()
);

-- Each fund has one cash account (an asset: what it holds in the bank) and net-asset accounts,
-- one per restriction (purpose and/or community; both null is the unrestricted money).
-- balance_fen is kept on the account's normal side (debits for cash, credits for net assets), is
-- never negative, and always equals the sum of the account's entries: reconciliation checks it.
create table accounts (
  account_id bigserial primary key,
  fund_id text not null references funds,
  kind text not null check (kind in ('cash', 'net-assets')),
  purpose text,
  community_code text check (community_code ~ '^\d{12}$'),
  balance_fen bigint not null default 0 check (balance_fen >= 0),
  check (kind = 'net-assets' or (purpose is null and community_code is null)),
  unique nulls not distinct (fund_id, kind, purpose, community_code)
);

create table ledger_transactions (
  transaction_id uuid primary key,
  kind text not null check (kind in ('donation', 'donation-reversal', 'disbursement')),
  -- the donation or disbursement it books
  reference_id uuid not null,
  reverses_transaction_id uuid unique references ledger_transactions,
  -- value date: when the money moved (a donation's payment time, a disbursement's payment)
  booked_at timestamptz not null,
  recorded_at timestamptz not null default now(),
  recorded_by text not null
);
create index ledger_transactions_booked_at on ledger_transactions (booked_at);

-- Debits positive, credits negative; every transaction sums to zero (checked at commit).
create table ledger_entries (
  entry_id bigserial primary key,
  transaction_id uuid not null references ledger_transactions,
  account_id bigint not null references accounts,
  amount_fen bigint not null check (amount_fen <> 0),
  balance_after_fen bigint not null
);
create index ledger_entries_transaction on ledger_entries (transaction_id);
create index ledger_entries_account on ledger_entries (account_id);

-- Entries and transactions are never changed or removed: a correction is a reversing transaction.
create function ledger_is_append_only() returns trigger language plpgsql as $$
begin
  raise exception 'the ledger is append-only: % on % is not allowed; book a reversing transaction', tg_op, tg_table_name
    using errcode = 'P0001';
end $$;
create trigger ledger_entries_append_only before update or delete on ledger_entries
  for each row execute function ledger_is_append_only();
create trigger ledger_transactions_append_only before update or delete on ledger_transactions
  for each row execute function ledger_is_append_only();
create trigger ledger_entries_no_truncate before truncate on ledger_entries
  for each statement execute function ledger_is_append_only();

create function ledger_transaction_balances() returns trigger language plpgsql as $$
declare
  total bigint;
begin
  select coalesce(sum(amount_fen), 0) into total from ledger_entries where transaction_id = new.transaction_id;
  if total <> 0 then
    raise exception 'ledger transaction % does not balance (debits - credits = %)', new.transaction_id, total
      using errcode = '23514';
  end if;
  return null;
end $$;
create constraint trigger ledger_entries_balance after insert on ledger_entries
  deferrable initially deferred for each row execute function ledger_transaction_balances();

-- One gapless sequence per calendar year: the row is locked by the donation that takes a number
-- until it commits, and a rollback gives the number back.
create table receipt_counters (
  year integer primary key,
  last_sequence integer not null check (last_sequence between 0 and 999999)
);

-- What a donor asked to give before paying through WeChat Pay or Alipay (商户订单号).
create table payment_orders (
  order_id text primary key,
  provider text not null check (provider in ('wechat-pay', 'alipay')),
  fund_id text not null references funds,
  amount_fen bigint not null check (amount_fen > 0),
  purpose text,
  community_code text,
  donor_kind text not null check (donor_kind in ('person', 'organisation', 'anonymous')),
  donor_name text,
  publish_name boolean not null,
  created_at timestamptz not null
);

create table donations (
  donation_id uuid primary key,
  receipt_number text not null unique,
  receipt_year integer not null,
  receipt_sequence integer not null,
  fund_id text not null references funds,
  amount_fen bigint not null check (amount_fen > 0),
  channel text not null check (channel in ('wechat-pay', 'alipay', 'bank-transfer', 'cash')),
  purpose text,
  community_code text,
  donor_kind text not null check (donor_kind in ('person', 'organisation', 'anonymous')),
  donor_name text,
  publish_name boolean not null,
  -- API intake: the caller's Idempotency-Key and a hash of what it asked
  intake_key text unique,
  intake_hash text,
  -- provider intake: one donation per provider transaction, however often it is notified
  provider text check (provider in ('wechat-pay', 'alipay')),
  provider_transaction_id text,
  payment_order_id text references payment_orders,
  received_at timestamptz not null,
  recorded_at timestamptz not null,
  recorded_by text not null,
  transaction_id uuid not null references ledger_transactions,
  unique (receipt_year, receipt_sequence),
  unique (provider, provider_transaction_id),
  check ((intake_key is null) <> (provider is null))
);
create index donations_fund_received on donations (fund_id, received_at);

create table donation_reversals (
  donation_id uuid primary key references donations,
  transaction_id uuid not null references ledger_transactions,
  reason text not null check (reason in ('refunded', 'entered-in-error', 'duplicate')),
  reversed_by text not null,
  reversed_at timestamptz not null
);

-- Every verified delivery of a provider notification, kept as evidence. The same signed delivery
-- twice is a replay; a fresh delivery of a booked transaction is acknowledged.
create table notification_deliveries (
  provider text not null check (provider in ('wechat-pay', 'alipay')),
  signature_sha256 text not null,
  provider_transaction_id text not null,
  outcome text not null check (outcome in ('booked', 'already-booked', 'not-paid')),
  received_at timestamptz not null,
  primary key (provider, signature_sha256)
);

create table disbursements (
  disbursement_id uuid primary key,
  fund_id text not null references funds,
  household_id text not null,
  community_code text not null check (community_code ~ '^\d{12}$'),
  purpose text not null,
  amount_fen bigint not null check (amount_fen > 0),
  funded_purpose text,
  funded_community_code text,
  alert_id text,
  -- why the household needs help; internal, never disclosed
  reason text not null,
  status text not null check (status in ('applied', 'approved', 'rejected', 'paid')),
  applicant_id text not null,
  applied_at timestamptz not null,
  approver_id text,
  decided_at timestamptz,
  rejection_reason text,
  paid_by text,
  paid_at timestamptz,
  transaction_id uuid references ledger_transactions,
  check (approver_id is null or approver_id <> applicant_id)
);
create index disbursements_fund_paid on disbursements (fund_id, paid_at) where status = 'paid';

create table reconciliation_runs (
  run_id bigserial primary key,
  business_date date not null,
  checked_at timestamptz not null,
  ok boolean not null,
  problems jsonb not null
);
