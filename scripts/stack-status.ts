// `pnpm stack:status`: one screen on the running dev stack — each service's health, consumer lag
// per group, outbox backlog per service, and how many records sit in dead-letter topics.
// Exits 1 when a service is not ready or a dead-letter topic is not empty, so scripts can gate on it.
import { createKafkaClient } from '@huimin/kafka';
import { createLogger } from '@huimin/kit';
import pg from 'pg';
import { discoverServices, stackEnv } from './stack.ts';

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

async function health(): Promise<string[][]> {
  return Promise.all(
    services.map(async (service) => {
      if (!service.port) return [service.name, '-', 'no HTTP port'];
      try {
        const res = await fetch(`http://127.0.0.1:${service.port}/readyz`, {
          signal: AbortSignal.timeout(3000),
        });
        const body = await res.text();
        if (!res.ok) problems.push(`${service.name} not ready`);
        return [service.name, String(service.port), res.ok ? 'ready' : `NOT READY ${body.slice(0, 120)}`];
      } catch (err: unknown) {
        problems.push(`${service.name} down`);
        return [service.name, String(service.port), `DOWN (${(err as Error).message})`];
      }
    }),
  );
}

async function outboxes(): Promise<string[][]> {
  const client = new pg.Client({ connectionString: stackEnv.databaseUrl, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
  } catch (err: unknown) {
    return [['-', `Postgres unreachable: ${(err as Error).message}`, '']];
  }
  try {
    const rows: string[][] = [];
    for (const service of services) {
      const exists = await client.query(
        'select 1 from information_schema.tables where table_schema = $1 and table_name = $2',
        [service.schema, 'outbox'],
      );
      if (exists.rowCount === 0) continue;
      const { rows: counts } = await client.query<{ unsent: string; oldest: Date | null }>(
        `select count(*) as unsent, min(created_at) as oldest from ${pg.escapeIdentifier(service.schema)}.outbox where sent_at is null`,
      );
      const unsent = counts[0]?.unsent ?? '0';
      const oldest = counts[0]?.oldest;
      rows.push([
        service.name,
        unsent,
        oldest ? `${Math.round((Date.now() - oldest.getTime()) / 1000)} s` : '-',
      ]);
    }
    return rows;
  } finally {
    await client.end();
  }
}

async function kafkaState(): Promise<{ lag: string[][]; dlq: string[][] }> {
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
    const topics = await admin.listTopics();
    const ends = new Map<string, Map<number, number>>();
    for (const topic of topics) {
      const offsets = await admin.fetchTopicOffsets(topic);
      ends.set(topic, new Map(offsets.map((p) => [p.partition, Number(p.high)])));
    }
    const dlq = topics
      .filter((topic) => topic.endsWith('.dlq'))
      .sort()
      .map((topic) => {
        const count = [...(ends.get(topic)?.values() ?? [])].reduce((a, b) => a + b, 0);
        if (count > 0) problems.push(`${count} record(s) in ${topic}`);
        return [topic, String(count)];
      });
    const { groups } = await admin.listGroups();
    const lag: string[][] = [];
    for (const { groupId } of groups.sort((a, b) => a.groupId.localeCompare(b.groupId))) {
      const committed = await admin.fetchOffsets({ groupId });
      for (const { topic, partitions } of committed) {
        let behind = 0;
        for (const { partition, offset } of partitions) {
          const end = ends.get(topic)?.get(partition) ?? 0;
          behind += Math.max(0, end - Math.max(0, Number(offset)));
        }
        lag.push([groupId, topic, String(behind)]);
      }
    }
    return { lag, dlq };
  } finally {
    await admin.disconnect();
  }
}

console.log(`Huimin dev stack — Kafka ${brokers}, Postgres ${new URL(stackEnv.databaseUrl).host}`);
table('services', ['service', 'port', 'health'], await health());
table('outbox backlog', ['service', 'unsent', 'oldest unsent'], await outboxes());
try {
  const { lag, dlq } = await kafkaState();
  table('consumer lag', ['group', 'topic', 'records behind'], lag);
  table('dead-letter topics', ['topic', 'records'], dlq);
} catch (err: unknown) {
  problems.push('Kafka unreachable');
  console.log(`\nKafka at ${brokers} unreachable: ${(err as Error).message}`);
}
console.log(problems.length === 0 ? '\nall well' : `\nattention: ${problems.join('; ')}`);
process.exit(problems.length === 0 ? 0 : 1);
