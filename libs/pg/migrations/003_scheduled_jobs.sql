-- Work due at a point in time (policy taking effect, SLA timers, cut-offs, reconciliation).
-- One row per firing: (kind, key) names it, so scheduling it again is an upsert, not a duplicate.
create table scheduled_jobs (
  id bigserial primary key,
  kind text not null,
  key text not null,
  -- When the firing is meant to happen; handlers see this, retries do not move it.
  due_at timestamptz not null,
  -- When the next attempt may start: due_at at first, pushed back after each failure.
  run_after timestamptz not null,
  payload jsonb not null default '{}'::jsonb,
  -- The last replica to hold the lease; kept after completion to show who ran it.
  lease_owner text,
  lease_until timestamptz,
  -- New on every claim: finishing requires the token to be unchanged, which fences out a holder
  -- whose lease expired and was taken over, or whose job was rescheduled or cancelled meanwhile.
  lease_token uuid,
  attempts integer not null default 0,
  last_error text,
  done_at timestamptz,
  created_at timestamptz not null default now(),
  unique (kind, key)
);

create index scheduled_jobs_runnable on scheduled_jobs (run_after) where done_at is null;
