import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { createTestIssuer, createTokenVerifier, type Role, type TestIssuer } from '@huimin/auth';
import { PersonRecordRead, taicang, topics } from '@huimin/contracts';
import {
  createConsumerRunner,
  createOutboxRelay,
  createProducer,
  createPublisher,
  ensureTopics,
} from '@huimin/kafka';
import { createMetricsRegistry } from '@huimin/kit';
import { startTestEnv, type TestEnv } from '@huimin/testkit';
import type { AlertDirectory } from '../src/alerts/alert-directory.ts';
import { type CharityApp, createApp } from '../src/app.ts';
import { type PaymentSandbox, sandboxProviderConfigs } from '../src/payments/payment-config.ts';
import { seedFunds } from '../src/seed-funds.ts';
import { createFundStore } from '../src/store/fund-store.ts';
import { householdStore } from '../src/store/household-store.ts';

// One charity service per test file: a fresh Postgres schema with the migrations and Taicang's
// funds, a throwaway token issuer (the real verifier), locally made provider keys, and, when a
// file reads events, the embedded broker with the outbox relay.

export const migrationsDir = fileURLToPath(new URL('../migrations', import.meta.url));

export const users = {
  approver: { userId: 'u-charity-approver-01', role: 'charity-approver', jurisdictions: ['320585'] },
  approver2: { userId: 'u-charity-approver-02', role: 'charity-approver', jurisdictions: ['320585'] },
  /** A case handler for 伟阳社区 and 常胜社区. */
  handler: {
    userId: 'u-handler-0107',
    role: 'case-handler',
    jurisdictions: ['320585100001', '320585001001'],
  },
  auditor: { userId: 'u-auditor-01', role: 'auditor', jurisdictions: ['320585'] },
} satisfies Record<string, { userId: string; role: Role; jurisdictions: string[] }>;

export interface Charity {
  env: TestEnv;
  app: CharityApp;
  sandbox: PaymentSandbox;
  registry: ReturnType<typeof createMetricsRegistry>;
  tokens: Record<keyof typeof users, string>;
  /** Makes more tokens (people the fixed users do not cover). */
  issuer: TestIssuer;
  /** Publishes the outbox now (only with a broker). */
  drainOutbox(): Promise<number>;
  /** Puts a household in charity's registry, as the household feed would. */
  registerHousehold(householdId: string, communityCode: string, businessDate?: string): Promise<void>;
  count(table: string): Promise<number>;
  close(): Promise<void>;
}

/** A sandbox with fresh keys: what WeChat Pay and Alipay would sign with. */
export function makeSandbox(): PaymentSandbox {
  return {
    wechatPay: {
      mchId: '1900000109',
      appId: 'wxd678efh567hg6787',
      apiV3Key: randomBytes(16).toString('hex'),
      serial: randomBytes(20).toString('hex').toUpperCase(),
      platformPrivateKey: generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey,
    },
    alipay: {
      appId: '2021000000000001',
      sellerId: '2088000000000001',
      alipayPrivateKey: generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey,
    },
  };
}

export async function startCharity(options: {
  name: string;
  broker?: boolean;
  alerts?: AlertDirectory;
  now?: () => Date;
  /** Payment orders per address per minute; generous unless a test is about the limit. */
  paymentOrdersPerMinute?: number;
}): Promise<Charity> {
  const env = await startTestEnv({
    name: options.name,
    migrationsDir,
    redis: false,
    broker: options.broker ?? false,
  });
  const issuer = await createTestIssuer();
  const sandbox = makeSandbox();
  const providers = sandboxProviderConfigs(sandbox, 300);
  await seedFunds(createFundStore(env.pool), taicang);
  const registry = createMetricsRegistry({ service: 'charity' });
  const app = await createApp({
    logger: env.logger,
    registry,
    pool: env.pool,
    verifier: createTokenVerifier({ issuers: [{ issuer: issuer.issuer, jwksUrl: issuer.jwksUrl }] }),
    alerts: options.alerts ?? {
      async getAlert() {
        throw new Error('this test file links no alerts');
      },
      close() {},
    },
    receiptLinkSecret: 'test-receipt-link-secret',
    ...providers,
    ...(options.now ? { now: options.now } : {}),
    paymentOrdersPerMinute: options.paymentOrdersPerMinute ?? 1000,
  });

  let drainOutbox = async () => 0;
  let stopProducer = async () => {};
  let stopConsumer = async () => {};
  if (options.broker) {
    // Charity's stream, and identity's audit stream its reads of household records go to.
    await ensureTopics(env.kafka, {
      topics: [
        topics['huimin.charity.fund'],
        PersonRecordRead.topic,
        topics['huimin.feed.household'],
        topics['huimin.assistance.application'],
      ],
      mode: 'dev',
      logger: env.logger,
    });
    const runner = createConsumerRunner({
      kafka: env.kafka,
      pool: env.pool,
      groupId: `charity-${options.name}`,
      handlers: app.handlers,
      logger: env.logger,
    });
    await runner.start();
    stopConsumer = () => runner.stop();
    const producer = createProducer(env.kafka);
    await producer.connect();
    const relay = createOutboxRelay({
      pool: env.pool,
      schema: env.schema,
      publisher: createPublisher({ producer }),
      logger: env.logger,
      connectionString: env.databaseUrl,
    });
    drainOutbox = () => relay.drain();
    stopProducer = () => producer.disconnect();
  }

  const tokens = Object.fromEntries(
    await Promise.all(
      Object.entries(users).map(async ([who, claims]) => [who, await issuer.userToken(claims)]),
    ),
  ) as Record<keyof typeof users, string>;

  return {
    env,
    app,
    issuer,
    sandbox,
    registry,
    tokens,
    drainOutbox,
    async registerHousehold(householdId, communityCode, businessDate = '2026-01-01') {
      await householdStore.place(env.pool, { householdId, communityCode, businessDate });
    },
    async count(table: string) {
      const { rows } = await env.pool.query<{ n: string }>(`select count(*) as n from ${table}`);
      return Number(rows[0]?.n ?? 0);
    },
    async close() {
      await app.close();
      await stopConsumer();
      await stopProducer();
      await issuer.close();
      await env.close();
    },
  };
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

const moneyTables = [
  'donations',
  'ledger_transactions',
  'ledger_entries',
  'notification_deliveries',
  'disbursements',
  'donation_reversals',
  'outbox',
] as const;

export type Books = Record<(typeof moneyTables)[number] | 'balances', number>;

/** How many rows each of the money tables holds, and all balances summed: "nothing written" compares two. */
export async function bookkeeping(charity: Charity): Promise<Books> {
  const counts = { balances: 0 } as Books;
  for (const table of moneyTables) counts[table] = await charity.count(table);
  const { rows } = await charity.env.pool.query<{ total: string }>(
    'select coalesce(sum(balance_fen), 0) as total from accounts',
  );
  counts.balances = Number(rows[0]?.total ?? 0);
  return counts;
}
