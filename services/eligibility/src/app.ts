import {
  auditRead,
  authenticate,
  inJurisdiction,
  requireRole,
  type TokenVerifier,
  userOf,
} from '@huimin/auth';
import { shanghaiDateOf } from '@huimin/contracts';
import { AppError, createHttpServer, defineErrors, kitErrors, type Logger } from '@huimin/kit';
import { withTransaction } from '@huimin/pg';
import { type Static, Type } from '@sinclair/typebox';
import type pg from 'pg';
import type { Registry } from 'prom-client';
import type { Decision } from './domain/decide.ts';
import { type Policy, programmeRules } from './domain/policy.ts';
import { publishPolicy } from './redecide.ts';
import { loadPolicies } from './store/facts.ts';

export const eligibilityErrors = defineErrors({ ...kitErrors, POLICY_CONFLICT: { status: 409, grpc: 6 } });

const Fen = Type.Integer({ minimum: 1, maximum: 1_000_000_000_000 });
const Bp = Type.Integer({ minimum: 1, maximum: 1_000_000 });
const NewPolicy = Type.Object(
  {
    policyVersion: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,63}$' }),
    effectiveFrom: Type.String({ format: 'date' }),
    dibaoStandardFen: Fen,
    tekunStandardFen: Fen,
    edgeMultiplierBp: Bp,
    financialAssetsMonthsOfStandard: Type.Integer({ minimum: 1, maximum: 600 }),
    rigidSpendingRatioBp: Bp,
    rigidSpendingWindowMonths: Type.Integer({ minimum: 1, maximum: 36 }),
    lastYearDisposableIncomeFen: Fen,
    disabilityLivingSubsidyFen: Fen,
    disabilityNursingSubsidyFen: Fen,
    riskWatchRatioBp: Bp,
    riskCatastrophicRatioBp: Bp,
    riskCapacityToPayRatioBp: Bp,
    majorIllnessClaimFen: Fen,
    // Programme rules: a version that leaves them out keeps the previous version's, sources included.
    tekunIncomeLimitBpOfDibao: Type.Optional(Bp),
    tekunExcludedFromDibao: Type.Optional(Type.Boolean()),
    sources: Type.Optional(
      Type.Array(
        Type.Object(
          {
            parameter: Type.String({ minLength: 1, maxLength: 64 }),
            source: Type.String({ minLength: 1, maxLength: 400 }),
          },
          { additionalProperties: false },
        ),
        { maxItems: 40 },
      ),
    ),
    assumed: Type.Array(Type.String({ maxLength: 64 }), { maxItems: 20, uniqueItems: true }),
  },
  { additionalProperties: false },
);

export async function createApp(deps: {
  logger: Logger;
  registry: Registry;
  pool: pg.Pool;
  verifier: TokenVerifier;
  now: () => Date;
}) {
  const { pool, now } = deps;
  const server = await createHttpServer({
    name: 'eligibility',
    logger: deps.logger,
    registry: deps.registry,
    errors: eligibilityErrors,
    openapi: { title: 'Huimin eligibility', version: '1' },
  });
  server.addReadinessCheck('postgres', async () => {
    await pool.query('select 1');
  });
  const auth = authenticate(deps.verifier);

  server.get('/v1/policies', { preHandler: [auth] }, async () => ({ policies: await loadPolicies(pool) }));

  // Periods run from one version's date to the next, so they never overlap; two versions on one
  // date are refused. A version dated today or earlier, or before the latest one, changes a
  // period already decided: accepted only with `?redecide=true`, which re-decides every household
  // at once (its switch is due in the past, so the scheduler fires it on its next tick).
  server.post(
    '/v1/policies',
    {
      schema: { body: NewPolicy, querystring: Type.Object({ redecide: Type.Optional(Type.Boolean()) }) },
      preHandler: [auth, requireRole('bureau-admin')],
    },
    async (request, reply) => {
      const body = request.body as Static<typeof NewPolicy>;
      const { redecide } = request.query as { redecide?: boolean };
      let policy = body as Policy;
      await withTransaction(pool, async (client) => {
        const previous = (await loadPolicies(client)).at(-1);
        policy = {
          ...body,
          tekunIncomeLimitBpOfDibao:
            body.tekunIncomeLimitBpOfDibao ??
            previous?.tekunIncomeLimitBpOfDibao ??
            programmeRules.tekunIncomeLimitBpOfDibao,
          tekunExcludedFromDibao:
            body.tekunExcludedFromDibao ??
            previous?.tekunExcludedFromDibao ??
            programmeRules.tekunExcludedFromDibao,
          sources: body.sources ?? previous?.sources ?? programmeRules.sources,
        };
        await client.query(`select pg_advisory_xact_lock(hashtextextended('eligibility:policies', 0))`);
        const { rows } = await client.query<{ latest: string | null; same_date: string | null }>(
          `select to_char(max(effective_from), 'YYYY-MM-DD') as latest,
                  max(policy_version) filter (where effective_from = $1) as same_date
             from policies`,
          [policy.effectiveFrom],
        );
        const latest = rows[0]?.latest;
        if (rows[0]?.same_date)
          throw new AppError(
            'POLICY_CONFLICT',
            `${rows[0].same_date} already takes effect on ${policy.effectiveFrom}`,
          );
        const today = shanghaiDateOf(now());
        const changesDecided =
          policy.effectiveFrom <= today ||
          (latest !== null && latest !== undefined && policy.effectiveFrom <= latest);
        if (changesDecided && !redecide) {
          throw new AppError(
            'POLICY_CONFLICT',
            `a version taking effect on or before ${latest && latest > today ? latest : today} changes decided periods: add ?redecide=true to re-decide every household`,
          );
        }
        if (!(await publishPolicy(client, policy, now())))
          throw new AppError('POLICY_CONFLICT', 'that policy version exists');
      });
      return reply.code(201).send(policy);
    },
  );

  server.get(
    '/v1/households/:id/eligibility',
    {
      schema: { params: Type.Object({ id: Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$' }) }) },
      preHandler: [auth, requireRole('case-handler', 'town-supervisor', 'bureau-admin', 'auditor')],
    },
    async (request) => {
      const me = userOf(request);
      const { id } = request.params as { id: string };
      const { rows } = await pool.query<{
        community_code: string;
        decision: Decision | null;
        decided_at: Date | null;
      }>(
        `select h.community_code, d.decision, d.decided_at
           from households h
           left join current_decisions c using (household_id)
           left join decisions d on d.decision_id = c.decision_id
          where h.household_id = $1`,
        [id],
      );
      const row = rows[0];
      if (!row || !inJurisdiction(me, row.community_code))
        throw new AppError('NOT_FOUND', 'no such household');
      await auditRead(pool, 'eligibility', {
        reader: me,
        subjectType: 'household',
        subjectId: id,
        view: 'masked',
        purpose: 'eligibility explanation',
      });
      if (!row.decision) return { householdId: id, communityCode: row.community_code, decision: null };
      // The explanation carries figures and codes, never a member's resident ID.
      const programmes = row.decision.programmes.map(({ memberResidentIds, ...p }) => ({
        ...p,
        members: memberResidentIds?.length ?? 0,
      }));
      return {
        householdId: id,
        communityCode: row.community_code,
        decidedAt: row.decided_at,
        decision: { ...row.decision, programmes },
      };
    },
  );
  return server;
}
