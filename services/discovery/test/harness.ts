import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { createServiceTokenClient, devServiceCredentials } from '@huimin/auth';
import { type EventDefinition, type RiskFlagged, topics } from '@huimin/contracts';
import {
  createConsumerRunner,
  createOutboxRelay,
  createProducer,
  createPublisher,
  ensureTopics,
  type Publisher,
} from '@huimin/kafka';
import { createMetricsRegistry } from '@huimin/kit';
import { createScheduler, type Scheduler } from '@huimin/pg';
import { startTestEnv, type TestEnv, waitUntil } from '@huimin/testkit';
import type { Static, TObject } from '@sinclair/typebox';
import type { Producer } from 'kafkajs';
import { hashPassword } from '../../identity/src/domain/passwords.ts';
import { type Identity, type Person, startIdentity } from '../../identity/test/harness.ts';
import { createApp, type DiscoveryApp } from '../src/app.ts';
import { createRosterClient, type RosterSource } from '../src/roster.ts';

// Two towns of Taicang and some of their communities (libs/contracts' table).
export const LOUDONG = '320585001';
export const CHANGSHENG = '320585001001';
export const FUNAN = '320585001002';
export const LUDU = '320585002';
export const LUDU_COMMUNITY = '320585002001';

/** The people of the tests, as identity knows them. */
export const people: Person[] = [
  { id: 'u-li', username: 'handler.li', role: 'case-handler', jurisdictions: [CHANGSHENG] },
  { id: 'u-wang', username: 'handler.wang', role: 'case-handler', jurisdictions: [CHANGSHENG] },
  { id: 'u-zhou', username: 'handler.zhou', role: 'case-handler', jurisdictions: [FUNAN] },
  { id: 'u-ludu', username: 'handler.ludu', role: 'case-handler', jurisdictions: [LUDU_COMMUNITY] },
  { id: 'u-sup', username: 'supervisor.loudong', role: 'town-supervisor', jurisdictions: [LOUDONG] },
  { id: 'u-sup-ludu', username: 'supervisor.ludu', role: 'town-supervisor', jurisdictions: [LUDU] },
  { id: 'u-admin', username: 'admin', role: 'bureau-admin', jurisdictions: ['320585'] },
  { id: 'u-auditor', username: 'auditor', role: 'auditor', jurisdictions: ['320585'] },
];

export interface Harness {
  env: TestEnv;
  identity: Identity;
  app: DiscoveryApp;
  publisher: Publisher;
  roster: RosterSource;
  scheduler: Scheduler;
  clock: { at: Date };
  /** A person's access token from identity (password login). */
  token(username: string): Promise<string>;
  publish<T extends TObject>(event: EventDefinition<string, T>, payload: Static<T>): Promise<string>;
  /** Waits until discovery has handled the event (its signal log has it). */
  handled(eventId: string): Promise<void>;
  /** Builds a second discovery on the same schema, as another replica would be. */
  replica(): Promise<DiscoveryApp>;
  close(): Promise<void>;
}

/**
 * discovery against a real broker, Postgres schema, and a real identity (its own schema) that
 * answers the roster and issues the tokens; discovery's clock is the test's to move.
 */
export async function startHarness(name: string, options: { consume?: boolean } = {}): Promise<Harness> {
  const env = await startTestEnv({
    name,
    migrationsDir: fileURLToPath(new URL('../migrations', import.meta.url)),
    redis: false,
  });
  const stoppers: (() => Promise<void>)[] = [() => env.close()];
  const stop = async () => {
    for (const s of stoppers.reverse()) await s().catch(() => {});
  };
  try {
    const identity = await startIdentity({ name: `${name}_id` });
    stoppers.push(() => identity.close());
    await identity.addPeople(people);
    const { clientId, clientSecret } = devServiceCredentials('discovery');
    await identity.app.users.upsertServiceClient(clientId, await hashPassword(clientSecret, { log2N: 10 }));
    await identity.app.rosters.replaceRoster(CHANGSHENG, ['u-li', 'u-wang'], 'u-sup', identity.clock.now);
    await identity.app.rosters.replaceRoster(FUNAN, ['u-zhou'], 'u-sup', identity.clock.now);

    await ensureTopics(env.kafka, { topics: Object.values(topics), mode: 'dev', logger: env.logger });
    const producer: Producer = createProducer(env.kafka);
    await producer.connect();
    stoppers.push(() => producer.disconnect());
    const publisher = createPublisher({ producer });
    const clock = { at: new Date() };
    const now = () => clock.at;
    const tokens = createServiceTokenClient({ identityUrl: identity.baseUrl, clientId, clientSecret });
    const roster = createRosterClient({ identityUrl: identity.baseUrl, tokens, cacheMs: 0 });
    const makeApp = () =>
      createApp({
        logger: env.logger,
        registry: createMetricsRegistry({ service: 'discovery' }),
        pool: env.pool,
        verifier: identity.remoteVerifier(),
        roster,
        now,
        household: {
          eligibilityUrl: 'http://127.0.0.1:9',
          riskUrl: 'http://127.0.0.1:9',
          eldercareUrl: 'http://127.0.0.1:9',
          charityUrl: 'http://127.0.0.1:9',
          timeoutMs: 500,
        },
      });
    const app = await makeApp();
    stoppers.push(() => app.close());
    const relay = createOutboxRelay({
      pool: env.pool,
      schema: env.schema,
      publisher,
      logger: env.logger,
      pollMs: 100,
      connectionString: env.databaseUrl,
    });
    await relay.start();
    stoppers.push(() => relay.stop());
    if (options.consume !== false) {
      const runner = createConsumerRunner({
        kafka: env.kafka,
        pool: env.pool,
        groupId: `discovery-${name}`,
        handlers: app.handlers,
        logger: env.logger,
        batchSize: 20,
      });
      await runner.start();
      stoppers.push(() => runner.stop());
    }
    const scheduler = createScheduler({
      pool: env.pool,
      owner: 'test',
      handlers: app.jobs,
      now,
      logger: env.logger,
    });
    return {
      env,
      identity,
      app,
      publisher,
      roster,
      scheduler,
      clock,
      token: (username) => identity.tokenOf(username),
      async publish(event, payload) {
        const id = randomUUID();
        await publisher.publish(event, payload, { source: '/huimin/test', id });
        return id;
      },
      async handled(eventId) {
        await waitUntil(async () => {
          const { rows } = await env.pool.query('select 1 from signal_log where event_id like $1', [
            `${eventId}%`,
          ]);
          return rows.length > 0;
        }, `discovery handled ${eventId}`);
      },
      async replica() {
        const other = await makeApp();
        stoppers.push(() => other.close());
        return other;
      },
      close: stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

let flagCounter = 0;

/** A RiskFlagged as risk publishes it: 19,000 yuan out of pocket on 42,120 a year for three people. */
export function riskFlag(
  householdId: string,
  level: RiskFlagged['level'],
  communityCode = CHANGSHENG,
): RiskFlagged {
  flagCounter += 1;
  const severe = level === 'severe';
  return {
    flagId: `RF-T-${flagCounter}`,
    householdId,
    communityCode,
    level,
    asOfDate: '2026-11-28',
    windowStart: '2025-11-28',
    windowEnd: '2026-11-28',
    outOfPocketFen: level === 'watch' ? 500_000 : 1_900_000,
    annualIncomeFen: 4_212_000,
    householdSize: 3,
    outOfPocketShareBp: level === 'watch' ? 1187 : 4511,
    capacityToPayFen: 450_000,
    ...(severe ? { perCapitaMonthlyIncomeBeforeFen: 117_000, perCapitaMonthlyIncomeAfterFen: 64_222 } : {}),
    outOfPocketCapacityShareBp: level === 'watch' ? 1000 : 42_222,
    thresholds: {
      watchRatioBp: 1000,
      catastrophicRatioBp: 2500,
      capacityToPayRatioBp: 4000,
      dibaoStandardFen: 104_500,
      majorIllnessClaimFen: 5_000_000,
    },
    triggeringClaimIds: ['YB-1'],
    contributingClaims: [{ claimId: 'YB-1', dateOfCare: '2026-10-01', outOfPocketFen: 1_900_000 }],
    policyVersion: 'risk-2026-01-01',
    flaggedAt: new Date().toISOString(),
  };
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
