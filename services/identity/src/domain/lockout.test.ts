import { describe, expect, it } from 'vitest';
import { afterFailure, isLocked, type LoginState } from './lockout.ts';

const policy = { threshold: 5, lockMinutes: 15 };
const now = new Date('2026-03-02T08:00:00Z');
const minutes = (n: number) => new Date(now.getTime() + n * 60_000);

describe('lockout', () => {
  it('locks on the fifth wrong password in a row, for fifteen minutes', () => {
    let state: LoginState = { failedLogins: 0, lockedUntil: null };
    for (let i = 0; i < 4; i++) state = afterFailure(state, policy, now);
    expect(isLocked(state, now)).toBe(false);
    state = afterFailure(state, policy, now);
    expect(isLocked(state, now)).toBe(true);
    expect(isLocked(state, new Date(minutes(15).getTime() - 1))).toBe(true);
    expect(isLocked(state, minutes(15))).toBe(false);
  });

  it('does not extend a lock for attempts made while locked', () => {
    const locked = { failedLogins: 0, lockedUntil: minutes(15) };
    expect(afterFailure(locked, policy, minutes(10))).toEqual(locked);
  });

  it('starts counting again once the lock has passed', () => {
    const expired = { failedLogins: 0, lockedUntil: minutes(15) };
    expect(afterFailure(expired, policy, minutes(20))).toEqual({ failedLogins: 1, lockedUntil: null });
  });
});
