-- People who use the platform, with their role and the division codes they cover.
create table users (
  id text primary key,
  username text not null unique,
  display_name text not null,
  password_hash text not null,
  role text not null check (role in ('case-handler', 'town-supervisor', 'bureau-admin', 'provider-staff', 'charity-approver', 'auditor')),
  jurisdictions text[] not null default '{}',
  provider_id text,
  failed_logins integer not null default 0,
  locked_until timestamptz,
  disabled_at timestamptz,
  created_at timestamptz not null default now()
);

-- Refresh tokens, stored as hashes. Rotation keeps a family: reusing a rotated token revokes it all.
create table refresh_tokens (
  id text primary key,
  token_hash text not null unique,
  user_id text not null references users (id),
  family_id text not null,
  expires_at timestamptz not null,
  rotated_at timestamptz,
  revoked_at timestamptz,
  created_at timestamptz not null default now()
);
create index refresh_tokens_family on refresh_tokens (family_id);

-- Signing keys. Retired keys stay published until every token they signed has expired.
create table signing_keys (
  kid text primary key,
  private_jwk jsonb not null,
  public_jwk jsonb not null,
  created_at timestamptz not null default now(),
  retired_at timestamptz
);

-- Other Huimin services, for OAuth2 client credentials.
create table service_clients (
  client_id text primary key,
  secret_hash text not null,
  revoked_at timestamptz,
  created_at timestamptz not null default now()
);

-- Which handlers cover which community (the routing roster).
create table roster (
  community_code text not null,
  user_id text not null references users (id),
  primary key (community_code, user_id)
);

-- Leave, and who takes a handler's alerts meanwhile.
create table leaves (
  id text primary key,
  user_id text not null references users (id),
  starts_at timestamptz not null,
  ends_at timestamptz not null check (ends_at > starts_at),
  delegate_id text not null references users (id),
  created_by text not null,
  created_at timestamptz not null default now()
);
create index leaves_user on leaves (user_id, starts_at);

-- Reads of personal records by people, from every service (PersonRecordRead events). Append-only.
create table audit_reads (
  read_id text primary key,
  actor_id text not null,
  actor_role text not null,
  service text not null,
  subject_type text not null,
  subject_id text not null,
  view text not null,
  purpose text not null,
  read_at timestamptz not null,
  received_at timestamptz not null default now()
);
create index audit_reads_actor on audit_reads (actor_id, read_at);
create index audit_reads_subject on audit_reads (subject_type, subject_id, read_at);

create function audit_reads_append_only() returns trigger language plpgsql as $$
begin
  raise exception 'audit_reads is append-only: % refused', tg_op using errcode = '42501';
end;
$$;
create trigger audit_reads_no_update before update or delete on audit_reads
  for each row execute function audit_reads_append_only();
create trigger audit_reads_no_truncate before truncate on audit_reads
  for each statement execute function audit_reads_append_only();
