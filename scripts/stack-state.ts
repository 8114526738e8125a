// What the running dev stack is doing, read from the outside: each service's /readyz, the outbox
// backlog in Postgres, every topic's records in (end offsets) and out (committed offsets per
// consumer group), dead letters, and the alerts discovery has opened. `pnpm stack:status` prints
// it once; `pnpm start` shows it as its live status block.
import type { Admin } from 'kafkajs';
import pg from 'pg';
import type { ServiceManifest } from './stack.ts';

export interface ServiceHealth {
  name: string;
  port: number | undefined;
  state: 'ready' | 'not ready' | 'down' | 'no port';
  detail: string;
}

export interface OutboxBacklog {
  service: string;
  unsent: number;
  oldestSeconds: number | undefined;
}

export interface GroupLag {
  group: string;
  topic: string;
  /** Records the group has committed past, over all partitions. */
  consumed: number;
  behind: number;
}

export interface TopicTraffic {
  topic: string;
  /** Records ever written (the sum of the partitions' end offsets). */
  records: number;
}

export interface KafkaState {
  topics: TopicTraffic[];
  groups: GroupLag[];
  deadLetters: TopicTraffic[];
}

export interface AlertCounts {
  opened: number;
  active: number;
}

export async function readHealth(services: ServiceManifest[]): Promise<ServiceHealth[]> {
  return Promise.all(
    services.map(async ({ name, port }): Promise<ServiceHealth> => {
      if (!port) return { name, port, state: 'no port', detail: 'no HTTP port' };
      try {
        const res = await fetch(`http://127.0.0.1:${port}/readyz`, { signal: AbortSignal.timeout(3000) });
        const body = await res.text();
        return {
          name,
          port,
          state: res.ok ? 'ready' : 'not ready',
          detail: res.ok ? '' : body.slice(0, 120),
        };
      } catch (err: unknown) {
        return { name, port, state: 'down', detail: (err as Error).message };
      }
    }),
  );
}

/** Unsent outbox rows per service; throws when Postgres cannot be reached. */
export async function readOutboxes(
  client: pg.ClientBase,
  services: ServiceManifest[],
): Promise<OutboxBacklog[]> {
  const backlog: OutboxBacklog[] = [];
  for (const service of services) {
    const exists = await client.query(
      'select 1 from information_schema.tables where table_schema = $1 and table_name = $2',
      [service.schema, 'outbox'],
    );
    if (exists.rowCount === 0) continue;
    const { rows } = await client.query<{ unsent: string; oldest: Date | null }>(
      `select count(*) as unsent, min(created_at) as oldest from ${pg.escapeIdentifier(service.schema)}.outbox where sent_at is null`,
    );
    const oldest = rows[0]?.oldest;
    backlog.push({
      service: service.name,
      unsent: Number(rows[0]?.unsent ?? 0),
      oldestSeconds: oldest ? Math.round((Date.now() - oldest.getTime()) / 1000) : undefined,
    });
  }
  return backlog;
}

/** Alerts discovery has opened, and how many are still being worked; undefined before its schema exists. */
export async function readAlerts(client: pg.ClientBase): Promise<AlertCounts | undefined> {
  const { rows: found } = await client.query<{ alerts: string | null }>(
    "select to_regclass('discovery.alerts')::text as alerts",
  );
  if (!found[0]?.alerts) return undefined;
  const { rows } = await client.query<{ opened: string; active: string }>(
    `select count(*) as opened,
            count(*) filter (where status in ('open', 'acknowledged', 'visiting')) as active
       from discovery.alerts`,
  );
  return { opened: Number(rows[0]?.opened ?? 0), active: Number(rows[0]?.active ?? 0) };
}

export async function readKafka(admin: Admin): Promise<KafkaState> {
  const names = (await admin.listTopics()).filter((topic) => !topic.startsWith('__')).sort();
  const ends = new Map<string, Map<number, number>>();
  for (const topic of names) {
    const offsets = await admin.fetchTopicOffsets(topic);
    ends.set(topic, new Map(offsets.map((p) => [p.partition, Number(p.high)])));
  }
  const total = (topic: string) => [...(ends.get(topic)?.values() ?? [])].reduce((a, b) => a + b, 0);
  const { groups } = await admin.listGroups();
  const lag: GroupLag[] = [];
  for (const { groupId } of groups.sort((a, b) => a.groupId.localeCompare(b.groupId))) {
    const committed = await admin.fetchOffsets({ groupId });
    for (const { topic, partitions } of committed) {
      let consumed = 0;
      let behind = 0;
      for (const { partition, offset } of partitions) {
        const end = ends.get(topic)?.get(partition) ?? 0;
        const at = Math.max(0, Number(offset));
        consumed += at;
        behind += Math.max(0, end - at);
      }
      lag.push({ group: groupId, topic, consumed, behind });
    }
  }
  return {
    topics: names.filter((t) => !t.endsWith('.dlq')).map((topic) => ({ topic, records: total(topic) })),
    groups: lag,
    deadLetters: names.filter((t) => t.endsWith('.dlq')).map((topic) => ({ topic, records: total(topic) })),
  };
}
