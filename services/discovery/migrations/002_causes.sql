-- What the assistance system pays each household, as eligibility last published it with its gaps
-- (`EnrolmentGapsChanged.receiving`): a severe medical flag of a household already below the line
-- and a severe-disability certificate are judged against it. No row: nothing known to be paid.
create table household_programmes (
  household_id text primary key,
  receiving text[] not null,
  as_of date not null,
  updated_at timestamptz not null
);

-- Households eligibility cannot decide for want of a fact, since when, and the reason a
-- "data missing" alert would carry once the grace period has run out with the fact still missing.
create table data_missing (
  household_id text primary key,
  community_code text not null,
  decision_id text not null,
  reason jsonb not null,
  since timestamptz not null
);
