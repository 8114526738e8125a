-- Discovery: alerts (cases), their history, notes and photos, the rules and SLA policies as
-- versioned data, dismissal suppressions, and the small person → household map it needs to place
-- a disability certification (which names a person only) in a community.

create table policy_versions (
  kind text not null check (kind in ('rules', 'sla')),
  version integer not null check (version > 0),
  body jsonb not null,
  note text not null default '',
  created_by text not null,
  created_at timestamptz not null default now(),
  primary key (kind, version)
);

-- One counter row per year: taking a number locks the row, so numbers are gapless and ordered.
create table alert_counters (
  year integer primary key,
  last_number bigint not null
);

create table alerts (
  id text primary key,
  -- The household id, or `person:<resident id>` while no household is known.
  subject_key text not null,
  household_id text,
  resident_id text,
  type text not null,
  title text not null,
  priority text not null check (priority in ('P1', 'P2', 'P3', 'P4')),
  origin text not null check (origin in ('signal', 'manual')),
  community_code text not null,
  town_code text not null,
  assignee_user_id text,
  on_behalf_of text,
  status text not null check (status in ('open', 'acknowledged', 'visiting', 'resolved', 'dismissed')),
  outcome text,
  dismiss_reason text,
  reasons jsonb not null,
  source_event_ids text[] not null default '{}',
  rules_version integer not null,
  sla_version integer not null,
  raised_at timestamptz not null,
  acknowledge_due_at timestamptz not null,
  visit_due_at timestamptz not null,
  acknowledged_at timestamptz,
  visit_started_at timestamptz,
  closed_at timestamptz,
  acknowledge_breached_at timestamptz,
  visit_breached_at timestamptz,
  updated_at timestamptz not null
);

-- At most one live alert per subject and type: the last line of defence behind the advisory lock
-- every opener takes, so two replicas handling two signals at once cannot open twins.
create unique index alerts_one_live on alerts (subject_key, type)
  where status in ('open', 'acknowledged', 'visiting');
create index alerts_by_community on alerts (community_code, raised_at desc, id desc);
create index alerts_by_town on alerts (town_code, raised_at desc, id desc);
create index alerts_by_household on alerts (household_id) where household_id is not null;
create index alerts_live_by_assignee on alerts (assignee_user_id)
  where status in ('open', 'acknowledged', 'visiting');

create table alert_history (
  id bigserial primary key,
  alert_id text not null references alerts (id),
  at timestamptz not null,
  actor text not null,
  action text not null,
  detail jsonb not null default '{}'
);
create index alert_history_by_alert on alert_history (alert_id, id);

create table alert_notes (
  id text primary key,
  alert_id text not null references alerts (id),
  author text not null,
  body text not null,
  created_at timestamptz not null
);
create index alert_notes_by_alert on alert_notes (alert_id, created_at);

create table alert_attachments (
  note_id text not null references alert_notes (id),
  position integer not null check (position between 1 and 10),
  alert_id text not null references alerts (id),
  content_type text not null,
  size_bytes integer not null,
  bytes bytea not null,
  primary key (note_id, position)
);

-- A dismissal keeps the same type away from the subject until `until`, unless a signal of a
-- higher priority than the dismissed alert's arrives.
create table suppressions (
  subject_key text not null,
  type text not null,
  priority text not null,
  until timestamptz not null,
  alert_id text not null,
  primary key (subject_key, type)
);

-- Every signal discovery handled and what became of it.
create table signal_log (
  event_id text primary key,
  event_type text not null,
  subject_key text,
  alert_id text,
  outcome text not null check (outcome in ('opened', 'merged', 'suppressed', 'ignored', 'parked')),
  received_at timestamptz not null,
  -- The database's clock as the handling finished (just before its commit): signal → alert latency.
  handled_at timestamptz not null default clock_timestamp()
);

-- Live alerts per assignee, kept with every assignment and closing: routing reads the load of a
-- community's handlers in one indexed lookup instead of counting their alerts.
create table handler_load (
  user_id text primary key,
  live_alerts integer not null default 0 check (live_alerts >= 0)
);

-- Round robin among equally loaded handlers: the last one each community's alert went to.
create table routing_cursor (
  community_code text primary key,
  last_user_id text not null
);

create table people (
  resident_id text primary key,
  household_id text not null,
  community_code text not null,
  town_code text not null
);

-- Signals about a person discovery cannot place yet, joined when their household arrives.
create table parked_signals (
  event_id text primary key,
  resident_id text not null,
  event_type text not null,
  payload jsonb not null,
  parked_at timestamptz not null
);
create index parked_signals_by_person on parked_signals (resident_id);
