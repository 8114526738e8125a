import { fileURLToPath } from 'node:url';
import { createTestIssuer, createTokenVerifier, type TestIssuer, type UserClaims } from '@huimin/auth';
import { HouseholdRegistered, syntheticResidentId, topics } from '@huimin/contracts';
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
import type { Producer } from 'kafkajs';
import { createApp, type EldercareApp } from '../src/app.ts';
import { feedHandlers } from '../src/handlers/feeds.ts';

export interface Harness {
  env: TestEnv;
  app: EldercareApp;
  publisher: Publisher;
  issuer: TestIssuer;
  scheduler: Scheduler;
  clock: { at: Date };
  token(claims: UserClaims): Promise<string>;
  /** Publishes a household to the feed and waits until eldercare has handled it. */
  household(h: HouseholdRegistered): Promise<void>;
  close(): Promise<void>;
}

/** Eldercare against a real broker, Postgres schema and token issuer, with a clock the test moves. */
export async function startHarness(name: string, start: Date): Promise<Harness> {
  const env = await startTestEnv({
    name,
    migrationsDir: fileURLToPath(new URL('../migrations', import.meta.url)),
    redis: false,
  });
  const stoppers: (() => Promise<void>)[] = [() => env.close()];
  try {
    await ensureTopics(env.kafka, { topics: Object.values(topics), mode: 'dev', logger: env.logger });
    const producer: Producer = createProducer(env.kafka);
    await producer.connect();
    stoppers.push(() => producer.disconnect());
    const publisher = createPublisher({ producer });
    const clock = { at: start };
    const now = () => clock.at;
    const issuer = await createTestIssuer();
    stoppers.push(() => issuer.close());
    const app = await createApp({
      logger: env.logger,
      registry: createMetricsRegistry({ service: 'eldercare' }),
      pool: env.pool,
      verifier: createTokenVerifier({ issuers: [{ issuer: issuer.issuer, jwksUrl: issuer.jwksUrl }] }),
      now,
    });
    stoppers.push(() => app.close());
    const relay = createOutboxRelay({
      pool: env.pool,
      schema: env.schema,
      publisher,
      logger: env.logger,
      pollMs: 200,
      connectionString: env.databaseUrl,
    });
    await relay.start();
    stoppers.push(() => relay.stop());
    const runner = createConsumerRunner({
      kafka: env.kafka,
      pool: env.pool,
      groupId: `eldercare-${name}`,
      handlers: feedHandlers(),
      logger: env.logger,
      batchSize: 20,
    });
    await runner.start();
    stoppers.push(() => runner.stop());
    const scheduler = createScheduler({
      pool: env.pool,
      owner: 'test',
      handlers: app.checkOn.handlers,
      now,
      logger: env.logger,
    });
    return {
      env,
      app,
      publisher,
      issuer,
      scheduler,
      clock,
      token: (claims) => issuer.userToken(claims, { now: new Date() }),
      async household(h) {
        const record = await publisher.publish(HouseholdRegistered, h, { source: '/test' });
        const id = record.envelope.id;
        await waitUntil(
          async () => (await env.pool.query('select 1 from inbox where event_id = $1', [id])).rowCount === 1,
          `household ${h.householdId} handled`,
        );
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

/** A valid synthetic person (region 99, no real place) as a household member. */
export function member(
  birthDate: string,
  sex: 'male' | 'female',
  seq: number,
  relationToHead: HouseholdRegistered['members'][number]['relationToHead'] = 'head',
): HouseholdRegistered['members'][number] {
  return {
    residentId: syntheticResidentId({ birthDate, sex, seq }),
    name: '测试',
    relationToHead,
    birthDate,
    sex,
    hukouLocal: true,
    workAbility: 'none',
    inInstitution: false,
  };
}
