import { Redis } from 'ioredis';

/**
 * The Redis client ingest's request path uses. Commands fail at once while Redis is unreachable
 * (no offline queue) and give up after `commandTimeoutMs`, so a request answers 503 quickly
 * instead of hanging; commands issued in the same tick share one round trip (auto-pipelining),
 * which is what keeps several Redis calls per request cheap under load.
 */
export async function connectRedis(url: string, options: { commandTimeoutMs?: number } = {}): Promise<Redis> {
  const redis = new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    enableAutoPipelining: true,
    maxRetriesPerRequest: 1,
    commandTimeout: options.commandTimeoutMs ?? 2000,
    connectTimeout: 3000,
  });
  // Connection errors are reported by the readiness check and by failing requests; without a
  // listener ioredis would print each reconnect attempt's error as an unhandled event.
  redis.on('error', () => {});
  await redis.connect();
  return redis;
}
