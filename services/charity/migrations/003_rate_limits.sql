-- Fixed-window counters for the unauthenticated routes (payment orders), shared by replicas:
-- charity keeps no Redis, and every counted request writes a payment order row anyway.
create table rate_limit_windows (
  subject text not null,
  window_start timestamptz not null,
  hits integer not null,
  primary key (subject, window_start)
);
create index rate_limit_windows_by_start on rate_limit_windows (window_start);
