import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningBroker, startBroker } from '../src/index.ts';
import { testLogger } from './support/quiet-logger.ts';
import { tempDataDir } from './support/temp-dir.ts';

// kafkajs 2.2.4 scheduled its request queue's check with a negative delay whenever nothing was
// pending, which Node 24 reports as a TimeoutNegativeWarning in every process that uses it; the
// workspace patches it (patches/kafkajs@2.2.4.patch). This runs a client in a child process on the
// pinned Node and reads its stderr.
const fixture = fileURLToPath(new URL('./fixtures/kafkajs-round-trip.ts', import.meta.url));
const run = promisify(execFile);

describe('kafkajs on Node 24', () => {
  const data = tempDataDir('kafkajs-node24');
  let broker: RunningBroker;

  beforeAll(async () => {
    broker = await startBroker({ dataDir: data.dir, logger: testLogger() });
  });

  afterAll(async () => {
    await broker?.close();
    data.remove();
  });

  it('connects, produces and consumes without a TimeoutNegativeWarning', async () => {
    const { stdout, stderr } = await run(process.execPath, ['--trace-warnings', fixture], {
      env: { ...process.env, BROKERS: broker.brokers, KAFKAJS_NO_PARTITIONER_WARNING: '1' },
    });
    expect(process.version).toMatch(/^v24\./);
    expect(stdout).toContain(`received hello on node ${process.version}`);
    expect(stderr).not.toContain('TimeoutNegativeWarning');
    expect(stderr).toBe('');
  });
});
