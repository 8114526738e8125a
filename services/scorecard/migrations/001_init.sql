-- The scorecard's own projections of the platform's streams, kept as histories (not just the
-- latest state) so any past month can be recomputed, and the bureau's recorded facts.
-- People are held by a key derived from the resident ID (sha-256), never the ID itself: the
-- scorecard counts people, it never shows one.

-- Every household report, so the household as of any date is the latest unretracted report on or
-- before it. members: [{ "k": person key, "b": birth date, "l": registered locally }].
create table household_reports (
  seq bigserial primary key,
  event_id text not null unique,
  household_id text not null,
  business_date date not null,
  dissolved boolean not null,
  town_code text,
  community_code text,
  members jsonb not null default '[]',
  retracted boolean not null default false
);
create index household_reports_by_household on household_reports (household_id, business_date desc, seq desc);

-- Every enrolment change; the enrolment as of a date is its latest unretracted change on or before it.
create table enrolment_changes (
  seq bigserial primary key,
  event_id text not null unique,
  enrolment_id text not null,
  household_id text not null,
  business_date date not null,
  programme text not null,
  change text not null check (change in ('enrolled', 'amount-changed', 'exited')),
  -- person keys of the members covered; empty: the whole household
  beneficiaries text[] not null default '{}',
  wants_centralised_care boolean,
  cannot_self_care boolean,
  retracted boolean not null default false
);
create index enrolment_changes_by_enrolment on enrolment_changes (enrolment_id, business_date desc, seq desc);

-- Eldercare orders as far as the scorecard needs them: what, where, whose, and how they ended.
create table orders (
  order_id text primary key,
  elder_id text,
  household_id text,
  town_code text,
  community_code text,
  service_type text,
  -- service date (Asia/Shanghai) of the completed visit
  completed_on date,
  cancelled boolean not null default false,
  -- visit verification found something: not counted as a verified visit
  anomaly boolean not null default false
);
create index orders_completed on orders (completed_on) where completed_on is not null;

-- Alerts (cases): when they were raised, due and acknowledged, and whether a handler had them.
create table alerts (
  alert_id text primary key,
  community_code text not null,
  town_code text not null,
  raised_at timestamptz,
  acknowledge_due_at timestamptz,
  acknowledged_at timestamptz,
  routed boolean not null default false
);
create index alerts_raised on alerts (raised_at);

-- The first time a handler of the community was seen on one of its alerts: it has a rostered handler.
create table community_handlers (
  community_code text primary key,
  town_code text not null,
  first_seen_at timestamptz not null
);

create table funds (
  fund_id text primary key,
  kind text not null,
  jurisdiction_code text not null,
  opened_on date not null,
  closed_on date
);

-- Each caregiver's latest register entry (by business date).
create table caregivers (
  caregiver_id text primary key,
  provider_id text not null,
  business_date date not null,
  started_on date not null,
  trained_on date,
  certified_on date,
  certificate_number text,
  left_on date
);

-- Facts the bureau records for the indicators no event determines. Append-only: a correction is a
-- new fact; who recorded what, when, on which document stays visible.
create table recorded_facts (
  fact_id text primary key,
  indicator smallint not null check (indicator between 1 and 19),
  measure text not null default 'value',
  -- null: the county as a whole
  town_code text,
  as_of date not null,
  value numeric(12, 2) not null check (value >= 0),
  source_document text not null,
  note text,
  recorded_by text not null,
  recorded_by_role text not null,
  recorded_at timestamptz not null
);
create index recorded_facts_latest on recorded_facts (indicator, measure, town_code, as_of desc, recorded_at desc);

create function recorded_facts_append_only() returns trigger language plpgsql as $$
begin
  raise exception 'recorded facts are append-only: record a correction as a new fact';
end $$;
create trigger recorded_facts_append_only before update or delete or truncate on recorded_facts
  for each statement execute function recorded_facts_append_only();
