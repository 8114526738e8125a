/**
 * Failures of the platform rather than of the event: the database is down or unreachable. Such an
 * event is not poison; dead-lettering it would throw away good data during an outage, so the
 * consumer stops and retries from the last committed offset instead.
 */
export function isInfrastructureError(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code !== 'string') return false;
  // Postgres: class 08 connection exceptions, 57P01–57P03 shutdown / cannot connect now,
  // 53300 too many connections.
  if (code.startsWith('08') || ['57P01', '57P02', '57P03', '53300'].includes(code)) return true;
  return ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN'].includes(code);
}
