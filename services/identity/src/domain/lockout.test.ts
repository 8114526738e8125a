import { describe, expect, it } from 'vitest';
import { afterFailure, isLocked } from './lockout.ts';

const policy = { threshold: 5, lockMinutes: 15 };
const now = new Date('2026-03-02T08:00:00Z');

describe('lockout', () => {
  it('locks on the fifth wrong password in a row, for fifteen minutes', () => {
    let state = { failedLogins: 0, lockedUntil: null as Date | null };
    for (let i = 0; i < 4; i++) state = afterFailure(state, policy, now);
    expect(isLocked(state, now)).toBe(false);
    state = afterFailure(state, policy, now);
    expect(isLocked(state, now)).toBe(true);
    expect(isLocked(state, new Date(now.getTime() + 15 * 60_000 - 1))).toBe(true);
    expect(isLocked(state, new Date(now.getTime() + 15 * 60_000))).toBe(false);
  });
});
