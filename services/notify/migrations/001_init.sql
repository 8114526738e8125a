-- Notify's own state: the log of what it pushed to people (replayed on reconnect with
-- Last-Event-ID), a small projection of alerts for the daily digest, who stands in for whom,
-- and the group robots with the log of what was sent to them.

-- One row per alert event that concerns someone. `seq` is the SSE / WebSocket event id. Rows are
-- appended under a transaction-level advisory lock, so seq order is commit order: a reader that
-- sees seq n has seen every committed row below it (no gaps for a replaying client).
create table delivery_log (
  seq bigserial primary key,
  event_id uuid not null unique,
  event_type text not null,
  alert_id text not null,
  community_code text not null,
  town_code text not null,
  assignee_user_id text,
  -- Delegates known to stand in for the assignee (from discovery's assignments on their behalf).
  stand_in_user_ids text[] not null default '{}',
  -- The town's supervisors receive it (an escalation, or any later event of an escalated alert).
  to_supervisors boolean not null default false,
  escalated_user_ids text[] not null default '{}',
  -- What a client receives: no resident ID, no name (see domain/notice.ts).
  notice jsonb not null,
  occurred_at timestamptz not null,
  logged_at timestamptz not null default now()
);
create index delivery_log_assignee on delivery_log (assignee_user_id, seq);
create index delivery_log_town on delivery_log (town_code, seq) where to_supervisors;
create index delivery_log_logged_at on delivery_log (logged_at);

-- Where the fan-out to Redis stands, and the oldest seq replay can still serve.
create table fanout_state (
  id boolean primary key default true check (id),
  published_upto bigint not null default 0,
  purged_below bigint not null default 0
);
insert into fanout_state default values;

-- The alerts notify has seen, for the digest and for titles of later events.
create table alerts (
  alert_id text primary key,
  community_code text not null,
  town_code text not null,
  assignee_user_id text,
  alert_type text,
  title text,
  priority text,
  status text not null default 'open' check (status in ('open', 'closed', 'dismissed')),
  raised_at timestamptz,
  acknowledge_due_at timestamptz,
  visit_due_at timestamptz,
  acknowledged_at timestamptz,
  visit_started_at timestamptz,
  escalated boolean not null default false,
  updated_at timestamptz not null
);
create index alerts_open_by_community on alerts (community_code) where status = 'open';

-- A delegate seen assigned on behalf of an absent handler; a token covering the community is still
-- required at delivery, so a delegation that ended (identity drops the community from the
-- delegate's token) stops delivery within one token lifetime.
create table stand_ins (
  absent_user_id text not null,
  delegate_user_id text not null,
  community_code text not null,
  seen_at timestamptz not null,
  primary key (absent_user_id, delegate_user_id, community_code)
);

create table robots (
  id uuid primary key,
  community_code text not null,
  platform text not null check (platform in ('wecom', 'dingtalk')),
  label text,
  webhook_url text not null,
  -- DingTalk's signing secret (加签); never returned by the API nor logged.
  secret text,
  created_by text not null,
  created_at timestamptz not null,
  deleted_at timestamptz
);
create index robots_by_community on robots (community_code) where deleted_at is null;

-- The robot delivery log: one row per message per robot, with its attempts.
create table robot_messages (
  id uuid primary key,
  robot_id uuid not null references robots (id),
  community_code text not null,
  kind text not null check (kind in ('alert', 'escalation', 'digest')),
  -- The alert event, or the digest date, the message is about (one message per robot for each).
  about text not null,
  title text not null,
  markdown text not null,
  status text not null default 'pending' check (status in ('pending', 'delivered', 'given-up')),
  attempts integer not null default 0,
  last_error text,
  created_at timestamptz not null,
  delivered_at timestamptz,
  unique (robot_id, about)
);
create index robot_messages_by_community on robot_messages (community_code, created_at desc);
