import { fileURLToPath } from 'node:url';
import { createTestIssuer, createTokenVerifier, type TestIssuer, type UserClaims } from '@huimin/auth';
import {
  type EventDefinition,
  type HouseholdRegistered,
  syntheticResidentId,
  topics,
} from '@huimin/contracts';
import {
  createConsumerRunner,
  createProducer,
  createPublisher,
  ensureTopics,
  type Publisher,
} from '@huimin/kafka';
import { createMetricsRegistry } from '@huimin/kit';
import { startTestEnv, type TestEnv, waitUntil } from '@huimin/testkit';
import type { Static, TObject } from '@sinclair/typebox';
import { createApp, type ScorecardApp } from '../src/app.ts';
import { feedHandlers } from '../src/handlers/feeds.ts';

export interface Harness {
  env: TestEnv;
  app: ScorecardApp;
  publisher: Publisher;
  clock: { at: Date };
  token(claims: UserClaims): Promise<string>;
  /** Publishes an event to its topic and returns its id (the scorecard has not necessarily seen it yet). */
  publish<S extends TObject>(event: EventDefinition<string, S>, payload: Static<S>): Promise<string>;
  /** Waits until the scorecard's consumers have handled every event published so far. */
  settle(): Promise<void>;
  close(): Promise<void>;
}

/** The scorecard against a real broker, Postgres schema and token issuer, with a clock the test sets. */
export async function startHarness(name: string, start: Date): Promise<Harness> {
  const env = await startTestEnv({
    name,
    migrationsDir: fileURLToPath(new URL('../migrations', import.meta.url)),
    redis: false,
  });
  const stoppers: (() => Promise<void>)[] = [() => env.close()];
  try {
    await ensureTopics(env.kafka, { topics: Object.values(topics), mode: 'dev', logger: env.logger });
    const producer = createProducer(env.kafka);
    await producer.connect();
    stoppers.push(() => producer.disconnect());
    const publisher = createPublisher({ producer });
    const clock = { at: start };
    const issuer: TestIssuer = await createTestIssuer();
    stoppers.push(() => issuer.close());
    const app = await createApp({
      logger: env.logger,
      registry: createMetricsRegistry({ service: 'scorecard' }),
      pool: env.pool,
      verifier: createTokenVerifier({ issuers: [{ issuer: issuer.issuer, jwksUrl: issuer.jwksUrl }] }),
      now: () => clock.at,
    });
    stoppers.push(() => app.close());
    const runner = createConsumerRunner({
      kafka: env.kafka,
      pool: env.pool,
      groupId: `scorecard-${name}`,
      handlers: feedHandlers(),
      logger: env.logger,
      batchSize: 20,
    });
    await runner.start();
    stoppers.push(() => runner.stop());
    const published: string[] = [];
    return {
      env,
      app,
      publisher,
      clock,
      token: (claims) => issuer.userToken(claims, { now: new Date() }),
      async publish(event, payload) {
        const record = await publisher.publish(event, payload, { source: '/test' });
        published.push(record.envelope.id);
        return record.envelope.id;
      },
      async settle() {
        const ids = [...published];
        await waitUntil(async () => {
          const { rows } = await env.pool.query<{ n: number }>(
            'select count(*)::int as n from inbox where event_id = any($1)',
            [ids],
          );
          return rows[0]?.n === ids.length;
        }, `${ids.length} events handled`);
      },
      async close() {
        for (const stop of stoppers.reverse()) await stop();
      },
    };
  } catch (err: unknown) {
    for (const stop of stoppers.reverse()) await stop().catch(() => {});
    throw err;
  }
}

let seq = 0;

/** A valid synthetic person (region 99, no real place) as a household member. */
export function person(
  birthDate: string,
  options: { head?: boolean; hukouLocal?: boolean } = {},
): HouseholdRegistered['members'][number] {
  seq += 1;
  return {
    residentId: syntheticResidentId({ birthDate, sex: 'female', seq: seq % 500 }),
    name: '测试',
    relationToHead: options.head === false ? 'other' : 'head',
    birthDate,
    sex: 'female',
    hukouLocal: options.hukouLocal ?? true,
    workAbility: 'none',
    inInstitution: false,
  };
}

/** A household report: the first member is its head. */
export function household(
  householdId: string,
  businessDate: string,
  communityCode: string,
  members: HouseholdRegistered['members'],
): HouseholdRegistered {
  return {
    householdId,
    businessDate,
    townCode: communityCode.slice(0, 9),
    communityCode,
    address: { text: '太仓市测试路1号', lng: 121.1, lat: 31.45 },
    members: members.map((m, i) => ({ ...m, relationToHead: i === 0 ? 'head' : 'other' })),
    legalSupporters: [],
  };
}
