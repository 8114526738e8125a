// `pnpm test:apache-kafka`: the platform on Apache Kafka itself. Starts ONE three-broker KRaft
// cluster (the pinned version of infra/kafka/pom.xml; replication factor 3, min.insync.replicas 2)
// and runs against it, in turn:
//   1. `pnpm topics:create --mode prod`, then checks every topic is on three brokers;
//   2. the e2e exactly-once suite at CI size, its broker fault turned into real-cluster faults
//      (kill -9 a broker, restart it, a rolling restart of all three) — alone on the cluster, as it
//      waits for every consumer group to drain;
//   3. the libs/kafka integration suite;
//   4. the Apache-only suites (*.apache.test.ts): the stall each fault costs the flow, and the
//      parity of the embedded broker with Apache Kafka.
// Stops the cluster at the end (its node logs are printed on failure). Longer runs are opt-in as
// usual (E2E_FULL=1 etc. pass through).
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { topics as contractTopics } from '@huimin/contracts';
import { ApacheKafkaCluster, checkJavaAndMaven } from '@huimin/testkit/apache-kafka';
import { Kafka, logLevel } from 'kafkajs';
import { root } from './stack.ts';

const tools = checkJavaAndMaven();
if (!tools.ok) {
  console.error(tools.hint);
  process.exit(1);
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer()
      .once('error', () => resolve(false))
      .listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** Client ports base..base+2 and controller ports base+100..base+102, all free. */
async function freeBase(): Promise<number> {
  for (let base = 19_300; base < 19_900; base += 10) {
    const ports = [0, 1, 2, 100, 101, 102].map((i) => base + i);
    if ((await Promise.all(ports.map(portFree))).every(Boolean)) return base;
  }
  throw new Error('no free ports for the Apache Kafka cluster in 19300–20002');
}

const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(0)} s`;
const step = (what: string) => console.log(`\n== ${what} (${elapsed()})`);

const dir = join(root, '.data', 'apache-kafka', `test-${process.pid}`);
step('Apache Kafka: three brokers');
const cluster = ApacheKafkaCluster.create({
  dir,
  brokers: 3,
  basePort: await freeBase(),
  fresh: true,
  log: console.log,
});
let failed = false;
const cleanup = async () => {
  await cluster.stop();
  if (failed)
    for (const node of cluster.nodes) {
      const log = readFileSync(cluster.logFile(node.id), 'utf8').split('\n');
      console.error(`\n-- broker ${node.id}, last lines of ${cluster.logFile(node.id)}:`);
      console.error(
        log
          .filter((line) => / (WARN|ERROR) /.test(line))
          .slice(-15)
          .join('\n'),
      );
    }
  else spawnSync('rm', ['-rf', dir]);
};
// Ctrl-C, or CI's budget running out: the brokers are detached processes, stop them too.
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.on(signal, () => {
    failed = true;
    void cleanup().then(() => process.exit(130));
  });

const env = {
  ...process.env,
  KAFKA_BROKERS: cluster.bootstrap,
  HUIMIN_APACHE_KAFKA_DIR: dir,
};
/** One suite as a child process (not spawnSync: the event loop stays free for signals). */
async function run(what: string, command: string, args: string[], extraEnv: Record<string, string> = {}) {
  step(what);
  const child = spawn(command, args, { cwd: root, stdio: 'inherit', env: { ...env, ...extraEnv } });
  const [code, signal] = (await once(child, 'exit')) as [number | null, string | null];
  if (code !== 0) throw new Error(`${what} failed (exit ${code ?? signal})`);
}

try {
  await cluster.start();
  console.log(`Apache Kafka ${cluster.version} ready: KAFKA_BROKERS=${cluster.bootstrap}`);

  await run('pnpm topics:create --mode prod', 'pnpm', ['--silent', 'topics:create', '--mode', 'prod']);
  const admin = new Kafka({
    clientId: 'test-apache-kafka',
    brokers: cluster.bootstrap.split(','),
    logLevel: logLevel.NOTHING,
  }).admin();
  await admin.connect();
  const names = Object.values(contractTopics).map((t) => t.name);
  const { topics } = await admin.fetchTopicMetadata({ topics: names });
  await admin.disconnect();
  const thin = topics.filter((t) => t.partitions.some((p) => p.replicas.length !== 3));
  if (topics.length !== names.length || thin.length > 0)
    throw new Error(`topics not all created on three brokers: ${thin.map((t) => t.name).join(', ')}`);
  console.log(`${topics.length} topics, each partition on three brokers`);

  await run(
    'e2e exactly-once on Apache Kafka',
    'pnpm',
    ['exec', 'vitest', 'run', 'e2e/exactly-once.test.ts'],
    {
      E2E_SUMMARY: '1',
    },
  );
  await run('libs/kafka integration suite on Apache Kafka', 'pnpm', [
    'exec',
    'vitest',
    'run',
    'libs/kafka/test/',
  ]);
  await run('faults and parity (*.apache.test.ts)', 'pnpm', [
    'exec',
    'vitest',
    'run',
    '--config',
    'vitest.apache-kafka.config.ts',
  ]);
  const stalls = join(root, '.data', 'apache-kafka', 'stalls.json');
  if (existsSync(stalls)) console.log(`\nstall per fault: ${readFileSync(stalls, 'utf8')}`);
  console.log(`\nApache Kafka tests passed in ${elapsed()}`);
} catch (err) {
  failed = true;
  console.error(`\nFAILED: ${(err as Error).message}`);
} finally {
  await cleanup();
}
process.exit(failed ? 1 : 0);
