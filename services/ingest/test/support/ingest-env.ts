import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { type EventType, events, topics } from '@huimin/contracts';
import { createProducer, ensureTopics } from '@huimin/kafka';
import { createMetricsRegistry, loadConfig } from '@huimin/kit';
import { startTestEnv, type TestEnv } from '@huimin/testkit';
import type { Redis } from 'ioredis';
import { type AppConfig, createApp, type IngestApp } from '../../src/app.ts';
import { IngestConfig } from '../../src/config.ts';
import { type CredentialAdmin, createCredentialAdmin } from '../../src/credential-admin.ts';
import type { DepartmentCode } from '../../src/domain/departments.ts';
import { createSecretBox } from '../../src/domain/secret-box.ts';
import { signatureHeader } from '../../src/domain/signature.ts';
import { type CredentialStore, createCredentialStore } from '../../src/store/credential-store.ts';
import { connectRedis } from '../../src/store/redis-client.ts';

export const migrationsDir = fileURLToPath(new URL('../../migrations', import.meta.url));

export const feedTopics = [...new Set(Object.values(events).map((e) => e.topic.name))].filter((name) =>
  name.startsWith('huimin.feed.'),
);

export interface Issued {
  department: DepartmentCode;
  keyId: string;
  apiKey: string;
  signingSecret: string;
}

/** Dependencies a replica may get instead of the shared ones (to make one unreachable). */
export interface ReplicaDeps {
  redis?: Redis;
  kafka?: TestEnv['kafka'];
  producer?: ReturnType<typeof createProducer>;
}

export interface IngestTestEnv {
  env: TestEnv;
  app: IngestApp;
  admin: CredentialAdmin;
  store: CredentialStore;
  /** Issues a key for the department and makes every app instance see it. */
  issue(department: DepartmentCode, options?: { signing?: boolean }): Promise<Issued>;
  /** Another app instance on the same Postgres, Redis and broker (another replica). */
  replica(overrides?: Partial<AppConfig>, deps?: ReplicaDeps): Promise<IngestApp>;
  /** Reloads credentials on every instance (instead of waiting for the refresh interval). */
  refresh(): Promise<void>;
  /** Waits until every instance has written the receipts of the answers it gave (they follow the answer). */
  receiptsWritten(): Promise<void>;
  /** Records on all feed topics so far (sum of high watermarks). */
  publishedCount(): Promise<number>;
  close(): Promise<void>;
}

export function testConfig(overrides: Partial<AppConfig> = {}): AppConfig {
  return { ...loadConfig(IngestConfig, {}), ...overrides };
}

export async function startIngestEnv(
  name: string,
  overrides: Partial<AppConfig> = {},
): Promise<IngestTestEnv> {
  const env = await startTestEnv({ name, migrationsDir });
  await ensureTopics(env.kafka, {
    topics: Object.values(topics).filter((t) => feedTopics.includes(t.name)),
    mode: 'dev',
    logger: env.logger,
  });
  const producer = createProducer(env.kafka);
  await producer.connect();
  const redisClients: Redis[] = [];
  const apps: IngestApp[] = [];
  const store = createCredentialStore(env.pool);
  const config = testConfig(overrides);
  const admin = createCredentialAdmin({
    store,
    secretBox: createSecretBox(config.INGEST_SECRETS_KEY),
    now: () => new Date(),
  });
  const kafkaAdmin = env.kafka.admin();
  await kafkaAdmin.connect();

  async function replica(more: Partial<AppConfig> = {}, deps: ReplicaDeps = {}): Promise<IngestApp> {
    const redis = deps.redis ?? (await connectRedis(env.redisUrl));
    redisClients.push(redis);
    const app = await createApp({
      config: { ...config, ...more },
      logger: env.logger,
      registry: createMetricsRegistry({ service: 'ingest' }),
      pool: env.pool,
      redis,
      kafka: deps.kafka ?? env.kafka,
      producer: deps.producer ?? producer,
    });
    apps.push(app);
    return app;
  }

  const app = await replica();

  async function refresh(): Promise<void> {
    await Promise.all(apps.map((a) => a.directory.refresh()));
  }

  return {
    env,
    app,
    admin,
    store,
    replica,
    refresh,
    async issue(department, { signing = false } = {}) {
      const issued = await admin.create(department);
      await admin.setSigning(department, signing);
      await refresh();
      return issued;
    },
    async receiptsWritten() {
      await Promise.all(apps.map((a) => a.receiptsWritten()));
    },
    async publishedCount() {
      let total = 0;
      for (const topic of feedTopics) {
        const offsets = await kafkaAdmin.fetchTopicOffsets(topic);
        for (const partition of offsets) total += Number(partition.high);
      }
      return total;
    },
    async close() {
      for (const a of apps) await a.close();
      await kafkaAdmin.disconnect();
      await producer.disconnect();
      for (const redis of redisClients) redis.disconnect();
      await env.close();
    },
  };
}

/** Headers for a request by this credential, signed when asked. */
export function headers(
  issued: Issued,
  options: {
    key?: string;
    contentType?: string;
    sign?: { path: string; body: string | Buffer; at?: number };
  } = {},
): Record<string, string> {
  const result: Record<string, string> = {
    authorization: `Bearer ${issued.apiKey}`,
    'content-type': options.contentType ?? 'application/json',
  };
  result['idempotency-key'] = options.key ?? randomUUID();
  if (options.sign) {
    result['x-huimin-signature'] = signatureHeader({
      secret: issued.signingSecret,
      timestamp: options.sign.at ?? Math.floor(Date.now() / 1000),
      nonce: randomUUID(),
      method: 'POST',
      path: options.sign.path,
      body: Buffer.from(options.sign.body),
    });
  }
  return result;
}

export function eventPath(type: EventType, batch = false): string {
  return `/v1/events/${type}${batch ? '/batch' : ''}`;
}
