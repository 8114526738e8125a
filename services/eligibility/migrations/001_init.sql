-- Eligibility's projection of the household feeds (newest business date wins) and its decisions.
create table households (
  household_id text primary key,
  community_code text not null,
  members jsonb not null,
  supporters jsonb not null,
  business_date date not null,
  dissolved boolean not null default false
);

create table member_incomes (
  resident_id text primary key,
  household_id text not null,
  monthly_fen bigint not null,
  business_date date not null
);
create index member_incomes_household on member_incomes (household_id);

create table household_assets (
  household_id text primary key,
  financial_assets_fen bigint not null,
  has_non_essential_vehicle boolean not null,
  property_count integer not null,
  business_date date not null
);

-- The 12-month medical out of pocket risk reports, for the rigid-spending rule.
create table medical_spending (
  household_id text primary key,
  out_of_pocket_fen bigint not null,
  as_of date not null
);

create table policies (
  policy_version text primary key,
  effective_from date not null unique,
  figures jsonb not null,
  created_at timestamptz not null default now()
);

-- Every decision that changed something, with what it was decided on.
create table decisions (
  decision_id text primary key,
  household_id text not null,
  policy_version text not null,
  as_of date not null,
  trigger text not null,
  decision jsonb not null,
  decided_at timestamptz not null
);
create index decisions_household on decisions (household_id, decided_at);

-- The latest decision per household: what a change is compared against.
create table current_decisions (
  household_id text primary key,
  decision_id text not null,
  summary jsonb not null
);
