-- Where each household lives, from the household feed: an application for help takes the
-- household's community from here, never from the request (a handler could otherwise claim a
-- household of another town for their own community).
create table households (
  household_id text primary key,
  community_code text not null check (community_code ~ '^\d{12}$'),
  business_date date not null,
  updated_at timestamptz not null default now()
);
