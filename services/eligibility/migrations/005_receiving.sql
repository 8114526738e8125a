-- The programmes the assistance system pays each household, as last published with its gaps:
-- discovery reads them to tell "already assisted" from "not assisted" (a severe medical flag of a
-- household already below the line, a severe-disability certificate).
alter table current_gaps add column receiving jsonb not null default '[]'::jsonb;
