-- The assistance system's enrolment feed: who actually receives help. Every change is kept;
-- a retraction marks its change withdrawn (the enrolment stands as before it), never deletes it.
create table enrolment_changes (
  enrolment_id text not null,
  business_date date not null,
  household_id text not null,
  programme text not null,
  change text not null,
  monthly_fen bigint not null,
  retracted boolean not null default false,
  primary key (enrolment_id, business_date)
);
create index enrolment_changes_household on enrolment_changes (household_id);

-- The gaps between screening and enrolment last published per household: what a change is judged on.
create table current_gaps (
  household_id text primary key,
  gaps jsonb not null
);
