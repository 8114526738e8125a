-- Signing keys rotate: a new key is published before it signs (activates_at), its private half is
-- sealed when a secret is configured (private_key holds either the JWK or the sealed JWK), and is
-- destroyed (null) once every token it signed has expired. withdrawn_at takes a compromised key
-- out of the JWKS at once.
alter table signing_keys add column activates_at timestamptz;
update signing_keys set activates_at = created_at;
alter table signing_keys alter column activates_at set not null;
alter table signing_keys alter column activates_at set default now();
alter table signing_keys add column private_key text;
update signing_keys set private_key = private_jwk::text;
alter table signing_keys drop column private_jwk;
alter table signing_keys add column sealed boolean not null default false;
alter table signing_keys rename column retired_at to withdrawn_at;
create index signing_keys_activation on signing_keys (activates_at);

-- Account changes by the bureau's admins.
alter table users add column updated_at timestamptz not null default now();
alter table users add column password_changed_at timestamptz;
create index users_role on users (role);

-- Revoking every session of a user (disabled, password reset).
create index refresh_tokens_user on refresh_tokens (user_id) where revoked_at is null;

-- A leave can be cancelled or cut short: it then ends at cancelled_at, and the record stays.
alter table leaves add column cancelled_at timestamptz;
alter table leaves add column cancelled_by text;
create index leaves_delegate on leaves (delegate_id, starts_at);

-- Who changed a community's roster, and when.
alter table roster add column assigned_by text;
alter table roster add column assigned_at timestamptz not null default now();

-- Auditors page through reads newest first, and filter by service.
create index audit_reads_time on audit_reads (read_at desc, read_id desc);
create index audit_reads_service on audit_reads (service, read_at);
