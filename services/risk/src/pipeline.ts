import {
  type ConsumerRunnerOptions,
  createConsumerRunner,
  createOutboxRelay,
  type OutboxRelayOptions,
  type Publisher,
} from '@huimin/kafka';
import { joinHandlers } from './handlers/claims.ts';
import { factHandlers } from './handlers/facts.ts';
import { createRouter } from './router.ts';

export interface RiskPipelineOptions {
  kafka: ConsumerRunnerOptions['kafka'];
  pool: ConsumerRunnerOptions['pool'];
  logger: ConsumerRunnerOptions['logger'];
  registry?: ConsumerRunnerOptions['registry'];
  /** The service's schema, whose outbox the relay drains. */
  schema: string;
  publisher: Publisher;
  connectionString?: OutboxRelayOptions['connectionString'];
  now: () => Date;
  batchSize: number;
  /** Consumer and relay tuning for tests (shorter sessions, faster polls). */
  sessionTimeoutMs?: number;
  heartbeatIntervalMs?: number;
  pollMs?: number;
  partitionsConsumedConcurrently?: number;
  /** Appended to the group ids, for a benchmark that replays into fresh groups. */
  groupSuffix?: string | { router: string; join: string };
}

/**
 * One risk instance's moving parts: the outbox relay, the router (claims by patient → by
 * household from its in-memory copy of the household feed, or parked) and the join (facts and
 * re-keyed claims). The join starts first: the router's rare path reads the join's `persons`. main.ts, the tests and the
 * benchmark all run exactly this. Returns the stop, which ends the consumers before the relay so
 * the last flags still go out.
 */
export async function startRiskPipeline(options: RiskPipelineOptions): Promise<() => Promise<void>> {
  const relay = createOutboxRelay({
    pool: options.pool,
    schema: options.schema,
    publisher: options.publisher,
    logger: options.logger,
    ...(options.connectionString ? { connectionString: options.connectionString } : {}),
    ...(options.pollMs ? { pollMs: options.pollMs } : {}),
    // Flags and audit events are read on Kafka; a published row has nothing left to say.
    retainSentMs: 0,
  });
  const common = {
    kafka: options.kafka,
    pool: options.pool,
    logger: options.logger,
    batchSize: options.batchSize,
    ...(options.registry ? { registry: options.registry } : {}),
    ...(options.sessionTimeoutMs ? { sessionTimeoutMs: options.sessionTimeoutMs } : {}),
    ...(options.heartbeatIntervalMs ? { heartbeatIntervalMs: options.heartbeatIntervalMs } : {}),
    ...(options.partitionsConsumedConcurrently
      ? { partitionsConsumedConcurrently: options.partitionsConsumedConcurrently }
      : {}),
  };
  const suffix =
    typeof options.groupSuffix === 'object'
      ? options.groupSuffix
      : { router: options.groupSuffix ?? '', join: options.groupSuffix ?? '' };
  const router = createRouter({
    kafka: options.kafka,
    pool: options.pool,
    logger: options.logger,
    groupId: `risk.router${suffix.router}`,
    ...(options.sessionTimeoutMs ? { sessionTimeoutMs: options.sessionTimeoutMs } : {}),
    ...(options.heartbeatIntervalMs ? { heartbeatIntervalMs: options.heartbeatIntervalMs } : {}),
    ...(options.partitionsConsumedConcurrently
      ? { partitionsConsumedConcurrently: options.partitionsConsumedConcurrently }
      : {}),
  });
  const join = createConsumerRunner({
    ...common,
    groupId: `risk${suffix.join}`,
    handlers: [...factHandlers(options.now), ...joinHandlers(options.now)],
  });
  await relay.start();
  await join.start();
  await router.start();
  return async () => {
    await join.stop();
    await router.stop();
    await relay.stop();
  };
}
