import { Kafka, logLevel } from 'kafkajs';
import { afterEach, describe, expect, it } from 'vitest';
import { type BrokerProcess, freePort, startBrokerProcess } from './support/broker-process.ts';
import { RawClient, readAll } from './support/raw-client.ts';
import { tempDataDir } from './support/temp-dir.ts';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function readEverything(brokers: string, topic: string, partitions: number): Promise<string[]> {
  const client = await RawClient.connect(brokers);
  try {
    const out: string[] = [];
    for (let p = 0; p < partitions; p++) {
      for (const batch of await readAll(client, topic, p))
        out.push(...batch.records.map((r) => r.value ?? ''));
    }
    return out;
  } finally {
    client.close();
  }
}

describe('kill -9 while producing', () => {
  it('keeps every acknowledged record exactly once after SIGKILL and restart', async () => {
    const data = tempDataDir('crash');
    cleanups.push(data.remove);
    const port = await freePort();
    let broker: BrokerProcess = await startBrokerProcess(data.dir, port, ['--partitions', '3']);
    cleanups.push(() => {
      broker.child.kill('SIGKILL');
    });

    // No retries: a request cut off by the kill is reported as failed, and not re-sent, so a
    // record can never be stored twice; a failed one may be stored once or not at all.
    const kafka = new Kafka({
      brokers: [broker.brokers],
      clientId: 'crash-test',
      logLevel: logLevel.NOTHING,
      retry: { retries: 0 },
    });
    const producer = kafka.producer({ retry: { retries: 0 } });
    await producer.connect();

    const acked = new Set<string>();
    const unsure = new Set<string>();
    let killed = false;
    const senders = Array.from({ length: 4 }, async (_, sender) => {
      for (let round = 0; !killed; round++) {
        const messages = Array.from({ length: 10 }, (_, i) => ({
          key: `household-${sender}-${i % 3}`,
          value: `s${sender}-r${round}-m${i}`,
        }));
        try {
          await producer.send({ topic: 'risk.flagged', acks: -1, messages });
          for (const m of messages) acked.add(m.value);
        } catch {
          for (const m of messages) unsure.add(m.value);
          return;
        }
      }
    });
    // Let the producers get going, then kill the broker without warning.
    while (acked.size < 400) await new Promise((resolve) => setTimeout(resolve, 5));
    killed = true;
    broker.child.kill('SIGKILL');
    expect(await broker.exited).toBe('SIGKILL');
    await Promise.all(senders);
    await producer.disconnect().catch(() => {});

    broker = await startBrokerProcess(data.dir, port);
    const stored = await readEverything(broker.brokers, 'risk.flagged', 3);
    const counts = new Map<string, number>();
    for (const v of stored) counts.set(v, (counts.get(v) ?? 0) + 1);

    expect(acked.size).toBeGreaterThanOrEqual(400);
    const missing = [...acked].filter((v) => counts.get(v) !== 1);
    expect(missing).toEqual([]);
    const twice = [...counts].filter(([, n]) => n > 1);
    expect(twice).toEqual([]);
    const strangers = [...counts.keys()].filter((v) => !acked.has(v) && !unsure.has(v));
    expect(strangers).toEqual([]);

    // And the restarted broker takes new records after what survived.
    const again = new Kafka({ brokers: [broker.brokers], logLevel: logLevel.NOTHING }).producer();
    await again.connect();
    await again.send({
      topic: 'risk.flagged',
      acks: -1,
      messages: [{ key: 'after', value: 'after-restart' }],
    });
    await again.disconnect();
    expect(await readEverything(broker.brokers, 'risk.flagged', 3)).toContain('after-restart');

    broker.child.kill('SIGTERM');
    expect(await broker.exited).toBe(0);
  });
});
