export interface LockoutPolicy {
  /** Wrong passwords in a row that lock the account. */
  threshold: number;
  lockMinutes: number;
}

export interface LoginState {
  failedLogins: number;
  lockedUntil: Date | null;
}

export function isLocked(state: LoginState, now: Date): boolean {
  return state.lockedUntil !== null && state.lockedUntil > now;
}

/**
 * The state after a wrong password: the threshold-th failure in a row locks the account and the
 * count starts again. Attempts while locked change nothing (they are refused before the password
 * is checked; this covers attempts that raced past that check), so a lock is never extended.
 */
export function afterFailure(state: LoginState, policy: LockoutPolicy, now: Date): LoginState {
  if (isLocked(state, now)) return state;
  const failedLogins = state.failedLogins + 1;
  if (failedLogins >= policy.threshold) {
    return { failedLogins: 0, lockedUntil: new Date(now.getTime() + policy.lockMinutes * 60_000) };
  }
  return { failedLogins, lockedUntil: null };
}
