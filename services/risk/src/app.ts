import {
  auditRead,
  authenticate,
  inJurisdiction,
  maskResidentId,
  requireRole,
  type TokenVerifier,
  userOf,
} from '@huimin/auth';
import { AppError, createHttpServer, type Logger } from '@huimin/kit';
import { Type } from '@sinclair/typebox';
import type pg from 'pg';
import type { Registry } from 'prom-client';

export interface RiskAppDeps {
  logger: Logger;
  registry: Registry;
  pool: pg.Pool;
  verifier: TokenVerifier;
}

const Params = Type.Object({ id: Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$' }) });

/** Risk's HTTP face: health, metrics, and a household's risk window for the people who cover it. */
export async function createApp(deps: RiskAppDeps) {
  const { pool } = deps;
  const server = await createHttpServer({
    name: 'risk',
    logger: deps.logger,
    registry: deps.registry,
    openapi: { title: 'Huimin risk', version: '1' },
  });
  server.addReadinessCheck('postgres', async () => {
    await pool.query('select 1');
  });

  server.get(
    '/v1/households/:id/risk',
    {
      schema: { params: Params },
      preHandler: [
        authenticate(deps.verifier),
        requireRole('case-handler', 'town-supervisor', 'bureau-admin', 'auditor'),
      ],
    },
    async (request) => {
      const me = userOf(request);
      const { id } = request.params as { id: string };
      const { rows } = await pool.query<{
        community_code: string;
        level: string | null;
        assessment: Record<string, unknown> | null;
      }>(
        `select h.community_code, r.level, r.assessment
           from households h left join household_risk r using (household_id) where h.household_id = $1`,
        [id],
      );
      const household = rows[0];
      // "Not yours" answers exactly like "not there": the response reveals nothing about the household.
      if (!household || !inJurisdiction(me, household.community_code))
        throw new AppError('NOT_FOUND', 'no such household');
      const { rows: claims } = await pool.query(
        `select claim_id as "claimId", patient_resident_id as "patient", to_char(date_of_care, 'YYYY-MM-DD') as "dateOfCare",
                total_cost_fen::int as "totalCostFen", insurance_paid_fen::int as "insurancePaidFen",
                medical_assistance_paid_fen::int as "medicalAssistancePaidFen", inpatient, diagnosis_category as "diagnosisCategory",
                reversed
           from claims where household_id = $1 order by date_of_care desc`,
        [id],
      );
      await auditRead(pool, 'risk', {
        reader: me,
        subjectType: 'household',
        subjectId: id,
        view: 'masked',
        purpose: String(request.headers['x-huimin-purpose'] ?? 'risk window').slice(0, 200),
      });
      return {
        householdId: id,
        communityCode: household.community_code,
        level: household.level,
        assessment: household.assessment,
        claims: claims.map(({ patient, ...claim }) => ({
          ...claim,
          patientResidentId: maskResidentId(patient),
        })),
      };
    },
  );
  // The operator report: claims whose patient no household has named for longer than `olderThanHours`.
  // They are still joined if the person appears later; the report says where to look.
  server.get(
    '/v1/parked-claims',
    { preHandler: [authenticate(deps.verifier), requireRole('bureau-admin', 'auditor')] },
    async (request) => {
      const hours = Math.max(
        0,
        Number((request.query as { olderThanHours?: string }).olderThanHours ?? 24) || 0,
      );
      const { rows } = await pool.query<{
        claim_id: string;
        patient_resident_id: string;
        event_type: string;
        parked_at: Date;
      }>(
        `select claim_id, patient_resident_id, event_type, parked_at from parked_claims
          where parked_at < now() - make_interval(hours => $1) order by parked_at limit 1000`,
        [hours],
      );
      return {
        olderThanHours: hours,
        claims: rows.map((r) => ({
          claimId: r.claim_id,
          patientResidentId: maskResidentId(r.patient_resident_id),
          type: r.event_type,
          parkedAt: r.parked_at.toISOString(),
        })),
      };
    },
  );
  return server;
}
