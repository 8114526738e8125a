-- Providers' staff register: when each caregiver started, was trained before starting (岗前培训)
-- and certified (养老护理员证书, with its number). Names stay with the provider; the platform needs
-- the dates (the plan's indicators #16 and #17).
create table caregivers (
  caregiver_id text primary key,
  provider_id text not null references providers,
  started_on date not null,
  trained_on date,
  certified_on date,
  certificate_number text,
  left_on date,
  updated_by text not null,
  updated_at timestamptz not null,
  check ((certified_on is null) = (certificate_number is null)),
  check (left_on is null or left_on >= started_on)
);
create index caregivers_provider on caregivers (provider_id);
