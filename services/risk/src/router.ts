import {
  type EventDefinition,
  fromKafkaHeaders,
  HouseholdDissolved,
  HouseholdRegistered,
  HouseholdUpdated,
  MedicalExpenseCorrected,
  MedicalExpenseRecorded,
  MedicalExpenseReversed,
  validatePayload,
} from '@huimin/contracts';
import {
  type ConsumerRunnerOptions,
  createGlobalTable,
  createRepartitioner,
  type RepartitionedRecord,
  type RouteOutcome,
} from '@huimin/kafka';
import { withTransaction } from '@huimin/pg';
import type { TObject } from '@sinclair/typebox';
import { CLAIMS_BY_HOUSEHOLD } from './handlers/topics.ts';
import { householdsOf, lockPeople, parkClaims } from './store/risk-store.ts';

/**
 * Person → household as the household feed says it, in memory: snapshots (registered, updated)
 * applied when no older than what the household last said; a member a newer snapshot leaves out
 * is no longer placed by it; a person's own newest placement wins. The same rules as the join's
 * `persons` table, so both agree once both have read the feed.
 */
export class HomeMap {
  private readonly homes = new Map<string, { householdId: string; businessDate: string }>();
  private readonly households = new Map<string, { businessDate: string; members: Set<string> }>();

  get size(): number {
    return this.homes.size;
  }

  householdOf(residentId: string): string | undefined {
    return this.homes.get(residentId)?.householdId;
  }

  snapshot(householdId: string, businessDate: string, residentIds: readonly string[]): void {
    const known = this.households.get(householdId);
    if (known && known.businessDate > businessDate) return;
    const members = new Set(residentIds);
    for (const former of known?.members ?? []) {
      if (!members.has(former) && this.homes.get(former)?.householdId === householdId)
        this.homes.delete(former);
    }
    const placed = new Set<string>();
    for (const residentId of members) {
      const home = this.homes.get(residentId);
      if (home && home.businessDate > businessDate) continue;
      if (home && home.householdId !== householdId)
        this.households.get(home.householdId)?.members.delete(residentId);
      this.homes.set(residentId, { householdId, businessDate });
      placed.add(residentId);
    }
    this.households.set(householdId, { businessDate, members: placed });
  }

  dissolved(householdId: string, businessDate: string): void {
    const known = this.households.get(householdId);
    if (known && known.businessDate <= businessDate) known.businessDate = businessDate;
  }
}

class PoisonEventError extends Error {
  override name = 'PoisonEventError';
}

const claimEvents = new Map<string, EventDefinition<string, TObject>>(
  [MedicalExpenseRecorded, MedicalExpenseCorrected, MedicalExpenseReversed].map((e) => [e.type, e]),
);

/** Reads a feed record as the consumer runner does: CloudEvents headers, JSON, the contract. */
function readClaim(
  record: RepartitionedRecord,
): { patientResidentId: string; claimId: string; type: string; payload: unknown } | 'skip' | Error {
  const reading = fromKafkaHeaders(record.headers);
  if (!reading.ok) return new PoisonEventError(reading.message);
  const event = claimEvents.get(reading.envelope.type);
  if (!event) return 'skip';
  let payload: unknown;
  try {
    payload = JSON.parse(record.value?.toString('utf8') ?? '');
  } catch (err: unknown) {
    return new PoisonEventError(`value is not JSON: ${(err as Error).message}`);
  }
  const verdict = validatePayload(event, payload, { mode: 'consume' });
  if (!verdict.ok) {
    return new PoisonEventError(
      `payload breaks ${event.type}: ${verdict.errors.map((e) => `${e.pointer || '/'} ${e.message}`).join('; ')}`,
    );
  }
  const claim = payload as { patientResidentId: string; claimId: string };
  return { patientResidentId: claim.patientResidentId, claimId: claim.claimId, type: event.type, payload };
}

function readSnapshot(
  record: RepartitionedRecord,
):
  | { kind: 'snapshot'; householdId: string; businessDate: string; members: string[] }
  | { kind: 'dissolved'; householdId: string; businessDate: string }
  | undefined {
  const reading = fromKafkaHeaders(record.headers);
  if (!reading.ok) return undefined;
  const type = reading.envelope.type;
  if (type !== HouseholdRegistered.type && type !== HouseholdUpdated.type && type !== HouseholdDissolved.type)
    return undefined;
  try {
    const payload = JSON.parse(record.value?.toString('utf8') ?? '') as HouseholdRegistered;
    if (typeof payload.householdId !== 'string' || typeof payload.businessDate !== 'string') return undefined;
    if (type === HouseholdDissolved.type)
      return { kind: 'dissolved', householdId: payload.householdId, businessDate: payload.businessDate };
    if (!Array.isArray(payload.members)) return undefined;
    return {
      kind: 'snapshot',
      householdId: payload.householdId,
      businessDate: payload.businessDate,
      members: payload.members.map((m) => m.residentId),
    };
  } catch {
    // The join dead-letters what it cannot read; the map simply does not learn from it.
    return undefined;
  }
}

export interface RouterOptions {
  kafka: ConsumerRunnerOptions['kafka'];
  pool: ConsumerRunnerOptions['pool'];
  logger: ConsumerRunnerOptions['logger'];
  groupId: string;
  sessionTimeoutMs?: number;
  heartbeatIntervalMs?: number;
  partitionsConsumedConcurrently?: number;
}

/**
 * The router: claims keyed by patient are produced straight to the internal topic keyed by the
 * patient's household, looked up in this replica's in-memory copy of the whole household feed; the
 * feed's offsets are committed only once the produce is acknowledged. Nothing is written to
 * Postgres for them. A patient the map does not know yet (the rare path) is looked up in the join's
 * `persons` table under the person's lock, as the household handler takes it when it releases
 * parked claims, and parked there if no household names them, so a claim is either routed or
 * parked and later released — never lost between them.
 */
export function createRouter(options: RouterOptions): { start(): Promise<void>; stop(): Promise<void> } {
  const { kafka, pool, logger } = options;
  const log = logger.child({ component: 'risk-router' });
  const homes = new HomeMap();
  const table = createGlobalTable({
    kafka,
    topic: HouseholdRegistered.topic.name,
    groupPrefix: `${options.groupId}.households`,
    logger,
    apply(records) {
      for (const record of records) {
        const fact = readSnapshot(record);
        if (fact?.kind === 'snapshot') homes.snapshot(fact.householdId, fact.businessDate, fact.members);
        else if (fact?.kind === 'dissolved') homes.dissolved(fact.householdId, fact.businessDate);
      }
    },
  });

  async function route(records: RepartitionedRecord[]): Promise<RouteOutcome[]> {
    const outcomes: RouteOutcome[] = [];
    const unknown: { index: number; claim: Exclude<ReturnType<typeof readClaim>, 'skip' | Error> }[] = [];
    for (const [index, record] of records.entries()) {
      const claim = readClaim(record);
      if (claim === 'skip') outcomes.push({ skip: true });
      else if (claim instanceof Error) outcomes.push({ error: claim });
      else {
        const householdId = homes.householdOf(claim.patientResidentId);
        if (householdId) outcomes.push({ key: householdId });
        else {
          outcomes.push({ held: true });
          unknown.push({ index, claim });
        }
      }
    }
    if (unknown.length === 0) return outcomes;
    const parked = await withTransaction(pool, async (client) => {
      const patients = unknown.map((u) => u.claim.patientResidentId);
      await lockPeople(client, patients);
      const known = await householdsOf(client, patients);
      const toPark: Parameters<typeof parkClaims>[1][number][] = [];
      for (const { index, claim } of unknown) {
        const householdId = known.get(claim.patientResidentId);
        if (householdId) {
          outcomes[index] = { key: householdId };
          continue;
        }
        const record = records[index] as RepartitionedRecord;
        toPark.push({
          claimId: claim.claimId,
          eventType: claim.type,
          patientResidentId: claim.patientResidentId,
          headers: record.headers,
          payload: claim.payload,
        });
      }
      await parkClaims(client, toPark);
      return toPark.length;
    });
    if (parked > 0) log.info({ parked }, 'claims parked until their patients are known');
    return outcomes;
  }

  const repartitioner = createRepartitioner({
    kafka,
    groupId: options.groupId,
    from: MedicalExpenseRecorded.topic.name,
    to: CLAIMS_BY_HOUSEHOLD.name,
    route,
    logger,
    ...(options.sessionTimeoutMs ? { sessionTimeoutMs: options.sessionTimeoutMs } : {}),
    ...(options.heartbeatIntervalMs ? { heartbeatIntervalMs: options.heartbeatIntervalMs } : {}),
    ...(options.partitionsConsumedConcurrently
      ? { partitionsConsumedConcurrently: options.partitionsConsumedConcurrently }
      : {}),
  });

  return {
    async start() {
      await table.start();
      log.info({ people: homes.size }, 'person → household map ready');
      await repartitioner.start();
    },
    async stop() {
      await repartitioner.stop();
      await table.stop();
    },
  };
}
