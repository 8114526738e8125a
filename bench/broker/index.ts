// `pnpm bench broker`: the embedded Kafka broker under kafkajs.
// 1,000,000 records of 200 bytes are produced in batches of 1,000 with acks=all into a
// 6-partition topic, then a consumer group of one reads them all. The broker runs as a child
// process (its CLI) so its peak resident memory can be read from /proc. Writes the result to
// BENCH_RESULT_FILE (set by the runner) or bench/results/broker.json.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel } from 'kafkajs';

const RECORDS = 1_000_000;
const RECORD_BYTES = 200;
const BATCH = 1_000;
const PARTITIONS = 6;
const TOPIC = 'bench.records';
const TARGETS = { produceRecordsPerSec: 100_000, consumeRecordsPerSec: 150_000, brokerPeakRssMb: 300 };

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const resultFile = process.env.BENCH_RESULT_FILE ?? join(root, 'bench', 'results', 'broker.json');
const cli = join(root, 'libs', 'embedded-kafka', 'src', 'cli.ts');
// Extra node flags for the broker process, e.g. BROKER_NODE_FLAGS=--cpu-prof to profile it.
const brokerNodeFlags = (process.env.BROKER_NODE_FLAGS ?? '').split(' ').filter(Boolean);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

async function waitForPort(port: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = new Socket();
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
      socket.connect(port, '127.0.0.1');
    });
    if (ok) return;
    await sleep(50);
  }
  throw new Error(`broker did not listen on ${port}`);
}

/** Peak resident set size of a process, from the kernel's own high-water mark. */
function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? Number.NaN);
  return Math.round((kb / 1024) * 10) / 10;
}

function percentile(sorted: number[], p: number): number {
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)] ?? Number.NaN;
}

const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

const dataDir = mkdtempSync(join(os.tmpdir(), 'bench-broker-'));
const port = await freePort();
const broker = spawn(
  process.execPath,
  [...brokerNodeFlags, cli, '--port', String(port), '--data-dir', dataDir, '--log-level', 'warn'],
  {
    stdio: ['ignore', 'inherit', 'inherit'],
    cwd: root,
  },
);
const brokerExited = new Promise<void>((resolve) => broker.once('exit', () => resolve()));

try {
  await waitForPort(port);
  const kafka = new Kafka({ clientId: 'bench', brokers: [`127.0.0.1:${port}`], logLevel: logLevel.ERROR });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: PARTITIONS }], waitForLeaders: true });

  // ---- produce ----
  const value = Buffer.alloc(RECORD_BYTES, 'x');
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const latencies: number[] = [];
  const produceStart = performance.now();
  for (let sent = 0; sent < RECORDS; sent += BATCH) {
    const messages = Array.from({ length: BATCH }, () => ({ value }));
    const t0 = performance.now();
    await producer.send({ topic: TOPIC, acks: -1, messages });
    latencies.push(performance.now() - t0);
  }
  const produceSeconds = (performance.now() - produceStart) / 1000;
  await producer.disconnect();
  const ends = await admin.fetchTopicOffsets(TOPIC);
  const stored = ends.reduce((n, e) => n + Number(e.high), 0);
  if (stored !== RECORDS) throw new Error(`broker holds ${stored} records, expected ${RECORDS}`);

  // ---- consume ----
  const consumer = kafka.consumer({ groupId: 'bench-readers' });
  await consumer.connect();
  await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
  let consumed = 0;
  let consumedBytes = 0;
  const consumeStart = performance.now();
  await new Promise<void>((resolve) => {
    void consumer.run({
      eachBatch: async ({ batch }) => {
        consumed += batch.messages.length;
        for (const m of batch.messages) consumedBytes += m.value?.length ?? 0;
        if (consumed >= RECORDS) resolve();
      },
    });
  });
  const consumeSeconds = (performance.now() - consumeStart) / 1000;
  await consumer.disconnect();
  await admin.disconnect();

  const rss = peakRssMb(broker.pid ?? -1);
  latencies.sort((a, b) => a - b);
  const produceRate = RECORDS / produceSeconds;
  const consumeRate = consumed / consumeSeconds;
  const cpus = os.cpus();
  const result = {
    benchmark: 'broker',
    measuredAt: new Date().toISOString(),
    machine: {
      cpuModel: cpus[0]?.model ?? 'unknown',
      cores: cpus.length,
      memoryGb: round(os.totalmem() / 1024 ** 3),
      node: process.version,
      platform: `${os.platform()} ${os.release()}`,
    },
    workload: {
      records: RECORDS,
      recordBytes: RECORD_BYTES,
      batchRecords: BATCH,
      partitions: PARTITIONS,
      acks: 'all',
      client: 'kafkajs 2.2.4, one producer awaiting each batch, then a consumer group of one (eachBatch)',
      broker: 'embedded-kafka CLI as a child process, default fsync policy',
    },
    produce: {
      seconds: round(produceSeconds, 2),
      recordsPerSec: Math.round(produceRate),
      mbPerSec: round((produceRate * RECORD_BYTES) / 1e6),
      batchLatencyMs: {
        p50: round(percentile(latencies, 50), 2),
        p99: round(percentile(latencies, 99), 2),
        max: round(latencies[latencies.length - 1] ?? Number.NaN, 2),
      },
    },
    consume: {
      seconds: round(consumeSeconds, 2),
      records: consumed,
      recordsPerSec: Math.round(consumeRate),
      mbPerSec: round(consumedBytes / consumeSeconds / 1e6),
    },
    broker: { peakRssMb: rss },
    targets: TARGETS,
    meetsTargets: {
      produce: produceRate >= TARGETS.produceRecordsPerSec,
      consume: consumeRate >= TARGETS.consumeRecordsPerSec,
      rss: rss <= TARGETS.brokerPeakRssMb,
    },
  };
  mkdirSync(dirname(resultFile), { recursive: true });
  writeFileSync(resultFile, `${JSON.stringify(result, null, 2)}\n`);
  console.log(JSON.stringify(result, null, 2));
} finally {
  broker.kill('SIGTERM');
  await Promise.race([brokerExited, sleep(10_000)]);
  if (broker.exitCode === null && broker.signalCode === null) broker.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
}
