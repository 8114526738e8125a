-- The temporary-assistance (临时救助) rule's versions: who qualifies, how much by cause, the per-case
-- ceiling, the waiting period and the approval level, as policy data beside the screening policy.
create table temporary_assistance_policies (
  policy_version text primary key,
  effective_from date not null unique,
  figures jsonb not null,
  created_at timestamptz not null default now()
);
