-- The bureau's leaders: read-only, the county, for the plan's scorecard.
alter table users drop constraint users_role_check;
alter table users add constraint users_role_check
  check (role in ('case-handler', 'town-supervisor', 'bureau-admin', 'provider-staff', 'charity-approver',
                  'auditor', 'bureau-leader'));
