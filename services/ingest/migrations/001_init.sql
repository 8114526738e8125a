-- Ingest owns no events (Kafka is its durable store); it keeps who may send, and evidence of
-- what was received.

-- Per-department settings; a department without a row has the defaults: signing required, the
-- service-wide rate limits.
create table department_settings (
  department text primary key,
  signing_required boolean not null default true,
  live_rate_per_second double precision check (live_rate_per_second > 0),
  live_burst integer check (live_burst >= 1),
  bulk_rate_per_second double precision check (bulk_rate_per_second > 0),
  bulk_burst integer check (bulk_burst >= 1),
  updated_at timestamptz not null default now()
);

-- API keys, stored as SHA-256 only; the signing secret sealed with INGEST_SECRETS_KEY.
create table credentials (
  key_id text primary key,
  department text not null,
  api_key_sha256 bytea not null,
  signing_secret_sealed text not null,
  label text not null default '',
  created_at timestamptz not null default now(),
  -- set when the key is rotated: the old key keeps working until then, so senders can switch
  expires_at timestamptz,
  revoked_at timestamptz
);
create index credentials_department on credentials (department);

-- The receipt log: what each department sent and what became of it. No payloads: the body's
-- SHA-256 is the evidence (a department can prove what it sent by hashing its copy).
create table receipts (
  id bigserial primary key,
  department text not null,
  -- the request's Idempotency-Key ('' when it had none, e.g. refused before reading it)
  submission_id text not null,
  -- the line of an NDJSON batch; null for a single event
  line integer,
  event_id text,
  type text not null,
  -- null when refused before the body was read (a type outside the department's grant)
  body_sha256 bytea,
  received_at timestamptz not null,
  outcome text not null check (outcome in ('accepted', 'duplicate', 'rejected', 'not-permitted')),
  reason text
);
create index receipts_submission on receipts (department, submission_id);
create index receipts_event on receipts (department, event_id) where event_id is not null;
create index receipts_received_at on receipts (received_at);
