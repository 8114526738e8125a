-- Temporary-assistance applications: the household and community come from discovery's alert
-- (never from the request), the proposal from eligibility's rule; evidence bytes stay here.
create table applications (
  application_id text primary key,
  alert_id text,
  household_id text not null,
  community_code text not null,
  cause text not null,
  reasons jsonb not null default '[]',
  requested_fen bigint not null,
  amount_fen bigint not null,
  policy_version text not null,
  approval_level text not null check (approval_level in ('town', 'bureau')),
  approvals_needed integer not null,
  checks jsonb not null,
  status text not null check (status in ('pending', 'approved', 'refused', 'paid')),
  applied_by text not null,
  applied_at timestamptz not null,
  refused_by text,
  refusal_reason text,
  payment_reference text,
  paid_on date,
  updated_at timestamptz not null
);
create index applications_household on applications (household_id);
create index applications_status on applications (status, applied_at);

create sequence application_number;

create table approvals (
  application_id text not null references applications,
  approver_id text not null,
  approved_at timestamptz not null,
  primary key (application_id, approver_id)
);

create table evidence (
  evidence_id text primary key,
  application_id text not null references applications,
  kind text not null,
  content_type text not null,
  bytes bytea not null,
  attached_by text not null,
  attached_at timestamptz not null
);
