// `pnpm stack:status`: one screen on the running dev stack — each service's health, consumer lag
// per group, outbox backlog per service, and how many records sit in dead-letter topics.
// Exits 1 when a service is not ready or a dead-letter topic is not empty, so scripts can gate on it.
import { createKafkaClient } from '@huimin/kafka';
import { createLogger } from '@huimin/kit';
import pg from 'pg';
import { discoverServices, stackEnv } from './stack.ts';
import { readHealth, readKafka, readOutboxes } from './stack-state.ts';

const brokers = process.env.KAFKA_BROKERS || `127.0.0.1:${stackEnv.kafkaPort}`;
const services = discoverServices();
const problems: string[] = [];

function table(title: string, header: string[], rows: string[][]): void {
  console.log(`\n${title}`);
  if (rows.length === 0) {
    console.log('  (none)');
    return;
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: string[]) => `  ${cells.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ')}`;
  console.log(line(header));
  for (const row of rows) console.log(line(row));
}

async function outboxes(): Promise<string[][]> {
  const client = new pg.Client({ connectionString: stackEnv.databaseUrl, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
  } catch (err: unknown) {
    return [['-', `Postgres unreachable: ${(err as Error).message}`, '']];
  }
  try {
    return (await readOutboxes(client, services)).map((o) => [
      o.service,
      String(o.unsent),
      o.oldestSeconds === undefined ? '-' : `${o.oldestSeconds} s`,
    ]);
  } finally {
    await client.end();
  }
}

console.log(`Huimin dev stack — Kafka ${brokers}, Postgres ${new URL(stackEnv.databaseUrl).host}`);
const health = await readHealth(services);
for (const h of health) {
  if (h.state === 'not ready') problems.push(`${h.name} not ready`);
  if (h.state === 'down') problems.push(`${h.name} down`);
}
table(
  'services',
  ['service', 'port', 'health'],
  health.map((h) => [
    h.name,
    h.port ? String(h.port) : '-',
    h.state === 'ready' ? 'ready' : h.state === 'not ready' ? `NOT READY ${h.detail}` : `DOWN (${h.detail})`,
  ]),
);
table('outbox backlog', ['service', 'unsent', 'oldest unsent'], await outboxes());
try {
  const logger = createLogger({ name: 'stack-status', level: 'silent' });
  const kafka = createKafkaClient({
    brokers,
    clientId: 'huimin-stack-status',
    logger,
    retry: { retries: 1 },
  });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const state = await readKafka(admin);
    table(
      'consumer lag',
      ['group', 'topic', 'records behind'],
      state.groups.map((g) => [g.group, g.topic, String(g.behind)]),
    );
    for (const d of state.deadLetters)
      if (d.records > 0) problems.push(`${d.records} record(s) in ${d.topic}`);
    table(
      'dead-letter topics',
      ['topic', 'records'],
      state.deadLetters.map((d) => [d.topic, String(d.records)]),
    );
  } finally {
    await admin.disconnect();
  }
} catch (err: unknown) {
  problems.push('Kafka unreachable');
  console.log(`\nKafka at ${brokers} unreachable: ${(err as Error).message}`);
}
console.log(problems.length === 0 ? '\nall well' : `\nattention: ${problems.join('; ')}`);
process.exit(problems.length === 0 ? 0 : 1);
