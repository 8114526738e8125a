-- Parked claims are released in the order they arrived. parked_at is the transaction's time, the
-- same for every claim parked by one batch, so a sequence orders them (and two deliveries of one
-- claim parked in the same batch no longer collide on the key).
alter table parked_claims add column seq bigserial;
alter table parked_claims drop constraint parked_claims_pkey;
alter table parked_claims add primary key (seq);
