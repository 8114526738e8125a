-- Risk's own copy of the facts it joins claims with (no calls to other services on the hot path).
create table households (
  household_id text primary key,
  community_code text not null,
  town_code text not null,
  size integer not null check (size > 0),
  business_date date not null,
  dissolved boolean not null default false
);

-- Person → household, from household snapshots: claims arrive keyed by the patient.
create table persons (
  resident_id text primary key,
  household_id text not null,
  business_date date not null
);
create index persons_household on persons (household_id);

create table member_incomes (
  resident_id text primary key,
  household_id text not null,
  monthly_fen bigint not null check (monthly_fen >= 0),
  business_date date not null
);
create index member_incomes_household on member_incomes (household_id);

create table claims (
  claim_id text primary key,
  household_id text not null,
  patient_resident_id text not null,
  date_of_care date not null,
  total_cost_fen bigint not null,
  insurance_paid_fen bigint not null,
  medical_assistance_paid_fen bigint not null,
  inpatient boolean not null,
  diagnosis_category text not null,
  business_date date not null,
  reversed boolean not null default false
);
create index claims_household on claims (household_id, date_of_care);

-- Claims whose patient is not known yet; joined (and deleted) when the person appears.
create table parked_claims (
  claim_id text not null,
  event_type text not null,
  patient_resident_id text not null,
  headers jsonb not null,
  payload jsonb not null,
  parked_at timestamptz not null default now(),
  primary key (claim_id, event_type, parked_at)
);
create index parked_claims_patient on parked_claims (patient_resident_id);

create table policies (
  policy_version text primary key,
  effective_from date not null,
  figures jsonb not null
);

-- What was last said about each household: flags are published on entering a higher level only.
create table household_risk (
  household_id text primary key,
  level text check (level in ('watch', 'catastrophic', 'severe')),
  flag_id text,
  major_illness_flag_id text,
  assessment jsonb,
  evaluated_at timestamptz
);
