-- The relay removes sent rows while it runs (see settleOutboxBatch), so the outbox holds what is
-- waiting plus at most the retention window of what went out. The purge finds sent rows by this
-- index, so its cost is the rows it removes, not the size of the table.
create index outbox_sent on outbox (sent_at) where sent_at is not null;
