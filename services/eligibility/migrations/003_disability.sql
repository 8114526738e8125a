-- The disability certification feed, keyed by person: every certification kept by business date;
-- a retraction withdraws one (the previous applies again). It overrides what a household snapshot says.
create table disability_certifications (
  resident_id text not null,
  business_date date not null,
  grade integer not null,
  category text not null,
  valid_until date,
  retracted boolean not null default false,
  primary key (resident_id, business_date)
);

-- Person → household for feeds keyed by person.
create index households_members on households using gin (members jsonb_path_ops);
