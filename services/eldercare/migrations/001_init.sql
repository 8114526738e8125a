-- Eldercare: elders and their monthly quotas, providers, orders with their visit record, anomalies.

-- Versioned eldercare policy (entitlements, prices, EVV thresholds, check-on cut-off). `rules`
-- holds the figures; `assumed` names the ones still to be confirmed by the bureau.
create table policy_versions (
  policy_version text primary key,
  effective_from date not null unique,
  rules jsonb not null,
  assumed text[] not null default '{}',
  created_at timestamptz not null default now()
);

-- Elders (60+, registered in the county) projected from the household feed.
create table elders (
  elder_id text primary key,
  resident_id text not null unique,
  household_id text not null,
  name text not null,
  birth_date date not null,
  town_code text not null,
  community_code text not null,
  address_text text not null,
  lng double precision not null,
  lat double precision not null,
  living_alone boolean not null,
  disability_grade smallint,
  dependency_level smallint not null default 0 check (dependency_level between 0 and 3),
  dibao boolean not null default false,
  tekun boolean not null default false,
  active boolean not null default true,
  business_date date not null,
  updated_at timestamptz not null default now()
);
create index elders_household on elders (household_id);
create index elders_community on elders (community_code) where active;

create table providers (
  provider_id text primary key,
  name text not null,
  daily_capacity integer not null check (daily_capacity >= 0),
  active boolean not null default true
);

create table provider_offerings (
  provider_id text not null references providers,
  town_code text not null,
  service_type text not null,
  primary key (town_code, service_type, provider_id)
);

-- Orders booked per provider and service date (Asia/Shanghai), checked against daily capacity.
create table provider_load (
  provider_id text not null references providers,
  service_date date not null,
  booked integer not null check (booked >= 0),
  primary key (provider_id, service_date)
);

-- One row per elder and month: the entitlement fixed at first use and what orders took from it.
-- The checks make a negative quota impossible whatever the code does.
create table quotas (
  elder_id text not null references elders,
  month text not null,
  entitled_fen bigint not null check (entitled_fen >= 0),
  used_fen bigint not null default 0 check (used_fen >= 0),
  policy_version text not null,
  primary key (elder_id, month),
  check (used_fen <= entitled_fen)
);

create table orders (
  order_id text primary key,
  elder_id text not null references elders,
  town_code text not null,
  community_code text not null,
  service_type text not null,
  channel text not null,
  status text not null check (status in ('assigned', 'in_service', 'completed', 'rated', 'cancelled', 'no_show')),
  provider_id text references providers,
  assign_attempt integer not null default 0,
  window_start timestamptz not null,
  window_end timestamptz not null,
  service_date date not null,
  price_fen bigint not null check (price_fen >= 0),
  subsidy_fen bigint not null check (subsidy_fen >= 0),
  self_pay_fen bigint not null check (self_pay_fen >= 0),
  quota_month text not null,
  policy_version text not null,
  created_by text not null,
  caregiver_id text,
  checked_in_at timestamptz,
  check_in_lng double precision,
  check_in_lat double precision,
  check_in_distance_m integer,
  checked_out_at timestamptz,
  check_out_lng double precision,
  check_out_lat double precision,
  check_out_distance_m integer,
  rating smallint check (rating between 1 and 5),
  cancel_reason text,
  created_at timestamptz not null
);
create index orders_elder on orders (elder_id, created_at desc);
create index orders_provider on orders (provider_id, status);
create index orders_caregiver_in_service on orders (caregiver_id) where status = 'in_service';
create index orders_completed on orders (service_date) where status in ('completed', 'rated');

create table order_declines (
  order_id text not null references orders,
  provider_id text not null,
  declined_at timestamptz not null,
  primary key (order_id, provider_id)
);

create table visit_anomalies (
  anomaly_id bigserial primary key,
  order_id text not null references orders,
  provider_id text not null,
  caregiver_id text not null,
  community_code text not null,
  kind text not null,
  detail text not null,
  flagged_at timestamptz not null
);
create index visit_anomalies_provider on visit_anomalies (provider_id, flagged_at desc);

-- One row per elder living alone and day whose check-on was missed: the key makes the
-- CheckOnMissed event go out once per elder and day.
create table check_on_misses (
  elder_id text not null references elders,
  scheduled_date date not null,
  order_id text not null,
  consecutive integer not null,
  primary key (elder_id, scheduled_date)
);
