import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';

// Redis has 16 numbered databases. Test files running in parallel each claim one of 1–15 with a
// lease key in db 0 (SET NX with an expiry, so a crashed test frees its db in time), flush it,
// and release it when done. db 0 holds only the leases.
const LEASE_SECONDS = 900;
const DATABASES = 15;

export interface RedisDbClaim {
  db: number;
  url: string;
  release(): Promise<void>;
}

export async function claimRedisDb(baseUrl: string, timeoutMs = 60_000): Promise<RedisDbClaim> {
  const admin = new Redis(baseUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await admin.connect();
  const token = randomUUID();
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      const start = Math.floor(Math.random() * DATABASES);
      for (let i = 0; i < DATABASES; i++) {
        const db = ((start + i) % DATABASES) + 1;
        const claimed = await admin.set(`huimin:testkit:redis-db:${db}`, token, 'EX', LEASE_SECONDS, 'NX');
        if (claimed !== 'OK') continue;
        const url = new URL(baseUrl);
        url.pathname = `/${db}`;
        await flush(url.toString());
        return {
          db,
          url: url.toString(),
          release: async () => {
            await flush(url.toString());
            const owner = new Redis(baseUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
            await owner.connect();
            try {
              // Only the holder's own lease is removed, in case it expired and was claimed again.
              await owner.eval(
                "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end",
                1,
                `huimin:testkit:redis-db:${db}`,
                token,
              );
            } finally {
              owner.disconnect();
            }
          },
        };
      }
      if (Date.now() > deadline) throw new Error('no free Redis db index (1–15) for this test');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  } finally {
    admin.disconnect();
  }
}

async function flush(url: string): Promise<void> {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await client.connect();
  try {
    await client.flushdb();
  } finally {
    client.disconnect();
  }
}
