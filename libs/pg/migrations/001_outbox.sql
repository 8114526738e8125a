-- Events waiting to be published. A service writes its state change and the outbox row in one
-- transaction; a relay publishes rows in seq order and stamps sent_at.
create table outbox (
  seq bigserial primary key,
  id uuid not null unique,
  topic text not null,
  key text not null,
  type text not null,
  headers jsonb not null default '{}'::jsonb,
  payload jsonb not null,
  created_at timestamptz not null default now(),
  sent_at timestamptz
);

-- The relay only ever scans unsent rows; once sent they drop out of this index.
create index outbox_unsent on outbox (seq) where sent_at is null;
