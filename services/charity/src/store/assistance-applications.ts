import { TemporaryAssistanceApplied } from '@huimin/contracts';
import { type EventHandler, on } from '@huimin/kafka';
import { AppError } from '@huimin/kit';
import type pg from 'pg';

// The assistance service's applications, as far as charity needs them: which household each is
// for, so a top-up links only an application of the same household. Kept from its stream.

export function assistanceApplicationHandlers(): EventHandler[] {
  return [
    on(TemporaryAssistanceApplied, async (a, ctx) => {
      await ctx.client.query(
        `insert into assistance_applications (application_id, household_id) values ($1, $2)
         on conflict (application_id) do nothing`,
        [a.applicationId, a.householdId],
      );
    }),
  ];
}

export async function checkAssistanceApplication(
  client: pg.Pool | pg.ClientBase,
  applicationId: string,
  householdId: string,
): Promise<void> {
  const { rows } = await client.query<{ household_id: string }>(
    'select household_id from assistance_applications where application_id = $1',
    [applicationId],
  );
  if (rows[0] === undefined)
    throw new AppError(
      'ASSISTANCE_APPLICATION_NOT_FOUND',
      `no temporary-assistance application ${applicationId}`,
    );
  if (rows[0].household_id !== householdId)
    throw new AppError(
      'ASSISTANCE_APPLICATION_MISMATCH',
      `application ${applicationId} is not about household ${householdId}`,
    );
}
