-- When the platform was told about the fund (FundOpened through the outbox); null: not yet.
alter table funds add column announced_at timestamptz;
