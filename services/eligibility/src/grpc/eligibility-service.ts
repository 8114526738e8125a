import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type { TokenVerifier } from '@huimin/auth';
import { isCalendarDate, shanghaiDateOf, validateResidentId } from '@huimin/contracts';
import { GrpcRefusal, type GrpcService, serveGrpc } from '@huimin/grpc';
import type { Logger } from '@huimin/kit';
import type pg from 'pg';
import { type Decision, decide, type HouseholdFacts, type MemberFacts } from '../domain/decide.ts';
import { type Policy, policyOn } from '../domain/policy.ts';
import {
  CAUSES,
  type Cause,
  decideTemporaryAssistance,
  type TemporaryAssistanceDecision,
  taPolicyOn,
} from '../domain/temporary-assistance.ts';
import {
  loadCurrentDecision,
  loadFactsMany,
  loadPolicies,
  loadTemporaryAssistancePolicies,
} from '../store/facts.ts';
import type { ProtoGrpcType } from './generated/eligibility.ts';
import type { Decision as DecisionMessage } from './generated/huimin/eligibility/v1/Decision.ts';
import type { EligibilityServiceHandlers } from './generated/huimin/eligibility/v1/EligibilityService.ts';
import type { EvaluateRequest__Output } from './generated/huimin/eligibility/v1/EvaluateRequest.ts';
import type { Policy as PolicyMessage } from './generated/huimin/eligibility/v1/Policy.ts';
import type { ProposeTemporaryAssistanceRequest__Output } from './generated/huimin/eligibility/v1/ProposeTemporaryAssistanceRequest.ts';
import type { TemporaryAssistanceDecision as TemporaryAssistanceMessage } from './generated/huimin/eligibility/v1/TemporaryAssistanceDecision.ts';
import { ELIGIBILITY_PROTO, PROTO_ROOT } from './proto-types.ts';

export const ELIGIBILITY_SERVICE_NAME = 'huimin.eligibility.v1.EligibilityService';

export function loadEligibilityPackage(): protoLoader.PackageDefinition {
  return protoLoader.loadSync(ELIGIBILITY_PROTO, {
    includeDirs: [PROTO_ROOT],
    longs: String,
    enums: String,
    defaults: true,
    oneofs: true,
  });
}

/** A client error: the caller sent something to fix. */
class InvalidFacts extends Error {}

function toDecisionMessage(decision: Decision, decidedAt: Date | null): DecisionMessage {
  return {
    householdId: decision.householdId,
    asOf: decision.asOf,
    policyVersion: decision.policyVersion,
    householdSize: decision.householdSize,
    householdMonthlyIncomeFen: String(decision.householdMonthlyIncomeFen),
    perCapitaMonthlyIncomeFen: String(decision.perCapitaMonthlyIncomeFen),
    decidedAt: decidedAt ? decidedAt.toISOString() : '',
    // Members are counted, never named: no resident ID leaves through GetStatus.
    programmes: decision.programmes.map((p) => ({
      programme: p.programme,
      status: p.status,
      monthlyAmountFen: String(p.monthlyAmountFen),
      members: p.memberResidentIds?.length ?? 0,
      checks: p.checks.map((c) => ({
        code: c.code,
        passed: c.passed,
        actual: String(c.actual),
        threshold: String(c.threshold),
      })),
    })),
  };
}

function toPolicyMessage(p: Policy): PolicyMessage {
  return {
    policyVersion: p.policyVersion,
    effectiveFrom: p.effectiveFrom,
    dibaoStandardFen: String(p.dibaoStandardFen),
    tekunStandardFen: String(p.tekunStandardFen),
    edgeMultiplierBp: p.edgeMultiplierBp,
    financialAssetsMonthsOfStandard: p.financialAssetsMonthsOfStandard,
    rigidSpendingRatioBp: p.rigidSpendingRatioBp,
    rigidSpendingWindowMonths: p.rigidSpendingWindowMonths,
    lastYearDisposableIncomeFen: String(p.lastYearDisposableIncomeFen),
    disabilityLivingSubsidyFen: String(p.disabilityLivingSubsidyFen),
    disabilityNursingSubsidyFen: String(p.disabilityNursingSubsidyFen),
    assumed: p.assumed,
  };
}

function toTemporaryAssistanceMessage(d: TemporaryAssistanceDecision): TemporaryAssistanceMessage {
  return {
    householdId: d.householdId,
    asOf: d.asOf,
    policyVersion: d.policyVersion,
    standardPolicyVersion: d.standardPolicyVersion,
    dibaoStandardFen: String(d.dibaoStandardFen),
    householdSize: d.householdSize,
    cause: d.cause,
    status: d.status,
    maximumFen: String(d.maximumFen),
    proposedFen: String(d.proposedFen),
    approvalLevel: d.approvalLevel,
    nextPossibleOn: d.nextPossibleOn ?? '',
    checks: d.checks.map((c) => ({
      code: c.code,
      passed: c.passed,
      actual: String(c.actual),
      threshold: String(c.threshold),
    })),
  };
}

function fen(value: string, what: string): number {
  if (!/^\d{1,15}$/.test(value)) throw new InvalidFacts(`${what} must be a non-negative amount in fen`);
  return Number(value);
}

const WORK_ABILITY = new Set(['full', 'partial', 'none']);

/** Evaluate's input as the domain's facts; InvalidFacts names the field to fix. */
export function factsFromRequest(req: EvaluateRequest__Output, asOf: string): HouseholdFacts {
  const facts = req.facts;
  if (!facts) throw new InvalidFacts('facts are required');
  if (facts.members.length === 0 || facts.members.length > 50)
    throw new InvalidFacts('a household has 1 to 50 members');
  const members = facts.members.map((m, i): MemberFacts => {
    const id = validateResidentId(m.residentId, { today: asOf });
    if (!id.ok) throw new InvalidFacts(`members[${i}].residentId: ${id.message}`);
    if (!isCalendarDate(m.birthDate)) throw new InvalidFacts(`members[${i}].birthDate must be YYYY-MM-DD`);
    if (!WORK_ABILITY.has(m.workAbility))
      throw new InvalidFacts(`members[${i}].workAbility must be full, partial or none`);
    if (m.disabilityGrade < 0 || m.disabilityGrade > 4)
      throw new InvalidFacts(`members[${i}].disabilityGrade must be 0 (none) to 4`);
    return {
      residentId: m.residentId,
      birthDate: m.birthDate,
      ...(m.disabilityGrade > 0
        ? { disability: { grade: m.disabilityGrade, category: m.disabilityCategory || 'unspecified' } }
        : {}),
      workAbility: m.workAbility as MemberFacts['workAbility'],
      inInstitution: m.inInstitution,
      monthlyIncomeFen: fen(m.monthlyIncomeFen, `members[${i}].monthlyIncomeFen`),
      hasAbleSupporter: m.hasAbleSupporter,
    };
  });
  return {
    householdId: facts.householdId || 'what-if',
    members,
    assets: facts.assets
      ? {
          financialAssetsFen: fen(facts.assets.financialAssetsFen, 'assets.financialAssetsFen'),
          hasNonEssentialVehicle: facts.assets.hasNonEssentialVehicle,
          propertyCount: Math.max(0, facts.assets.propertyCount),
        }
      : null,
    rigidSpendingFen: fen(facts.rigidSpendingFen, 'rigidSpendingFen'),
    // A what-if states every member's income (0 when none): it is known.
    incomeKnown: true,
  };
}

export type EligibilityGrpcServer = GrpcService;

/**
 * `huimin.eligibility.v1.EligibilityService` with grpc.health.v1 and server reflection, so standard
 * tools (grpcurl, grpc_health_probe) work without our protos. Health and reflection are open;
 * the service itself answers only callers presenting a service token, verified locally.
 */
export async function startEligibilityGrpcServer(deps: {
  pool: pg.Pool;
  verifier: TokenVerifier;
  logger: Logger;
  now: () => Date;
  address: string;
}): Promise<EligibilityGrpcServer> {
  const { pool, now } = deps;
  const definition = loadEligibilityPackage();
  const loaded = grpc.loadPackageDefinition(definition) as unknown as ProtoGrpcType;
  return serveGrpc({
    definition,
    service: loaded.huimin.eligibility.v1.EligibilityService.service,
    serviceName: ELIGIBILITY_SERVICE_NAME,
    verifier: deps.verifier,
    logger: deps.logger,
    address: deps.address,
    refusalOf: (err) =>
      err instanceof InvalidFacts ? new GrpcRefusal(grpc.status.INVALID_ARGUMENT, err.message) : undefined,
    handlers: (unary): EligibilityServiceHandlers => ({
      GetStatus: unary(async (req: { householdId: string }) => {
        const current = await loadCurrentDecision(pool, req.householdId);
        if (!current?.decision)
          throw new GrpcRefusal(grpc.status.NOT_FOUND, 'no decision for that household');
        return toDecisionMessage(current.decision, current.decidedAt);
      }),
      Evaluate: unary(async (req: EvaluateRequest__Output) => {
        const asOf = req.asOf || shanghaiDateOf(now());
        if (!isCalendarDate(asOf)) throw new InvalidFacts('asOf must be YYYY-MM-DD');
        const facts = factsFromRequest(req, asOf);
        const policy = policyOn(await loadPolicies(pool), asOf);
        if (!policy) throw new GrpcRefusal(grpc.status.FAILED_PRECONDITION, `no policy in force on ${asOf}`);
        return toDecisionMessage(decide(facts, policy, asOf), null);
      }),
      ListPolicies: unary(async () => ({ policies: (await loadPolicies(pool)).map(toPolicyMessage) })),
      ProposeTemporaryAssistance: unary(async (req: ProposeTemporaryAssistanceRequest__Output) => {
        const asOf = req.asOf || shanghaiDateOf(now());
        if (!isCalendarDate(asOf)) throw new InvalidFacts('asOf must be YYYY-MM-DD');
        if (!(CAUSES as readonly string[]).includes(req.cause))
          throw new InvalidFacts(`cause must be one of ${CAUSES.join(', ')}`);
        if (req.lastGrantedOn && !isCalendarDate(req.lastGrantedOn))
          throw new InvalidFacts('lastGrantedOn must be YYYY-MM-DD');
        const requestedFen = fen(req.requestedFen || '0', 'requestedFen');
        const standard = policyOn(await loadPolicies(pool), asOf);
        const rule = taPolicyOn(await loadTemporaryAssistancePolicies(pool), asOf);
        if (!standard || !rule)
          throw new GrpcRefusal(grpc.status.FAILED_PRECONDITION, `no policy in force on ${asOf}`);
        const client = await pool.connect();
        const [known] = await loadFactsMany(client, [req.householdId], asOf).finally(() => client.release());
        if (!known) throw new GrpcRefusal(grpc.status.NOT_FOUND, 'no such household');
        const decision = decideTemporaryAssistance(known.facts, standard, rule, {
          cause: req.cause as Cause,
          requestedFen,
          ...(req.lastGrantedOn ? { lastGrantedOn: req.lastGrantedOn } : {}),
          asOf,
        });
        return toTemporaryAssistanceMessage(decision);
      }),
    }),
  });
}
