-- Event ids a consumer has already handled; written in the same transaction as the handler's
-- effects, so a redelivered event is recognised and changes nothing.
create table inbox (
  consumer text not null,
  event_id text not null,
  received_at timestamptz not null default now(),
  primary key (consumer, event_id)
);

create index inbox_received_at on inbox (received_at);
