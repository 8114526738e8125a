-- The assistance system's enrolment feed, kept whatever arrives first: an enrolment consumed
-- before its household (they travel on different topics, with no order between them) waits here
-- and is applied to the household's elders when the household arrives. Every change is kept by
-- business date; a retraction withdraws one (the enrolment stands as before it).
create table enrolment_changes (
  enrolment_id text not null,
  business_date date not null,
  household_id text not null,
  programme text not null,
  change text not null,
  beneficiary_resident_ids text[] not null default '{}',
  retracted boolean not null default false,
  primary key (enrolment_id, business_date)
);
create index enrolment_changes_household on enrolment_changes (household_id);

-- Elders projected before this table existed keep the flags they were given; from now on each
-- household's flags are recomputed from the changes kept here whenever either side moves.
