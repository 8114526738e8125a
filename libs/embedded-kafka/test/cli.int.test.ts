import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type BrokerProcess, freePort, startBrokerProcess } from './support/broker-process.ts';
import { produce, RawClient } from './support/raw-client.ts';
import { encodeBatch } from './support/record-batch.ts';
import { tempDataDir } from './support/temp-dir.ts';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0).reverse()) c();
});

describe('the broker as a process', () => {
  it('puts a relative --data-dir under the directory pnpm was run from and stops cleanly on SIGTERM', async () => {
    const root = tempDataDir('cli');
    cleanups.push(root.remove);
    const port = await freePort();
    const broker: BrokerProcess = await startBrokerProcess('relative/kafka-data', port, [], {
      INIT_CWD: root.dir,
    });
    cleanups.push(() => broker.child.kill('SIGKILL'));

    const client = await RawClient.connect(broker.brokers);
    expect((await produce(client, 'cli-topic', 0, encodeBatch([{ key: null, value: 'x' }]))).error).toBe(0);
    client.close();

    broker.child.kill('SIGTERM');
    expect(await broker.exited).toBe(0);
    const topicDir = path.join(root.dir, 'relative', 'kafka-data', 'topics', 'cli-topic');
    expect(fs.existsSync(path.join(topicDir, 'topic.json'))).toBe(true);
    // A clean stop leaves the active segment's index written and the lock released.
    expect(fs.readdirSync(path.join(topicDir, '0'))).toContain('00000000000000000000.index');
    expect(fs.existsSync(path.join(root.dir, 'relative', 'kafka-data', 'broker.lock'))).toBe(false);
  });

  it('refuses to start on a data dir another running broker holds', async () => {
    const data = tempDataDir('cli-lock');
    cleanups.push(data.remove);
    const first = await startBrokerProcess(data.dir, await freePort());
    cleanups.push(() => first.child.kill('SIGKILL'));
    await expect(startBrokerProcess(data.dir, await freePort())).rejects.toThrow(/locked by running process/);
  });
});
