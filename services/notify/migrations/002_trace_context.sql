-- The W3C trace context of the consumer span that logged the event, so the write to a person's
-- stream (after the Redis fan-out, possibly on another replica) joins the claim's trace.
alter table delivery_log add column traceparent text;
