-- The claims table is the join's inbox: a claim event applies only if it is at least as new as
-- what the row holds, by business date and then by the event's CloudEvents time.
alter table claims add column event_time timestamptz;

-- Hot tables: vacuumed and analysed early and without throttling, so dead rows (verdicts are
-- rewritten per batch, the outbox is deleted as it goes out, the inbox grows with every fact) never
-- pile up into a long stop-the-world vacuum in the middle of a run; verdict rows leave room on
-- their page for a HOT update (no index touched).
alter table household_risk set (fillfactor = 70, autovacuum_vacuum_scale_factor = 0.02,
  autovacuum_analyze_scale_factor = 0.02, autovacuum_vacuum_cost_delay = 0);
alter table claims set (autovacuum_vacuum_scale_factor = 0.05, autovacuum_analyze_scale_factor = 0.02,
  autovacuum_vacuum_insert_scale_factor = 0.05, autovacuum_vacuum_cost_delay = 0);
alter table outbox set (autovacuum_vacuum_scale_factor = 0.0, autovacuum_vacuum_threshold = 5000,
  autovacuum_vacuum_cost_delay = 0);
alter table inbox set (autovacuum_vacuum_insert_scale_factor = 0.05, autovacuum_analyze_scale_factor = 0.02,
  autovacuum_vacuum_cost_delay = 0);
