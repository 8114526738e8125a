-- A disbursement may top up a temporary-assistance (临时救助) application of the same household;
-- charity keeps the applications' households from the assistance service's stream to check it.
alter table disbursements add column assistance_application_id text;

create table assistance_applications (
  application_id text primary key,
  household_id text not null
);
