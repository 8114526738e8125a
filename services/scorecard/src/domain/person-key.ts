import { createHash } from 'node:crypto';

/**
 * The scorecard counts people without holding their resident IDs: a person is their ID's sha-256
 * (the same key from the household feed and the enrolment feed, so the two join).
 */
export function personKey(residentId: string): string {
  return createHash('sha256').update(residentId.toUpperCase()).digest('hex').slice(0, 32);
}
