import { randomUUID } from 'node:crypto';
import type { Role } from '@huimin/auth';
import { taicang } from '@huimin/contracts';
import { AppError } from '@huimin/kit';
import { assignmentProblems } from './domain/assignment.ts';
import { hashPassword, type PasswordCost } from './domain/passwords.ts';
import type { IdentityStore, UserRow } from './store/identity-store.ts';

export interface NewAccount {
  id?: string;
  username: string;
  displayName: string;
  password: string;
  role: Role;
  jurisdictions: string[];
  providerId?: string | undefined;
}

/** A user as others may see them: never the password hash. */
export function presentUser(user: UserRow, now: Date) {
  return {
    id: user.id,
    username: user.username,
    displayName: user.displayName,
    role: user.role,
    jurisdictions: user.jurisdictions,
    ...(user.providerId ? { providerId: user.providerId } : {}),
    disabled: user.disabledAt !== null,
    locked: user.lockedUntil !== null && user.lockedUntil > now,
  };
}

export type PresentedUser = ReturnType<typeof presentUser>;

export const MIN_PASSWORD_LENGTH = 10;

export function checkAssignment(assignment: Parameters<typeof assignmentProblems>[0]): void {
  const problems = assignmentProblems(assignment, taicang);
  if (problems.length > 0) throw new AppError('INVALID_ASSIGNMENT', problems.join('; '), { problems });
}

export function checkPassword(password: string): void {
  if ([...password].length < MIN_PASSWORD_LENGTH)
    throw new AppError('BAD_REQUEST', `a password has at least ${MIN_PASSWORD_LENGTH} characters`);
}

/** Creates a user after checking the role's jurisdictions; used by the API, the CLI and the seed. */
export async function createAccount(
  store: IdentityStore,
  input: NewAccount,
  cost: PasswordCost,
  now: Date,
): Promise<PresentedUser> {
  checkAssignment(input);
  checkPassword(input.password);
  const id = input.id ?? `u-${randomUUID()}`;
  const created = await store.createUser(
    {
      id,
      username: input.username,
      displayName: input.displayName,
      passwordHash: await hashPassword(input.password, cost),
      role: input.role,
      jurisdictions: input.jurisdictions,
      providerId: input.providerId,
    },
    now,
  );
  if (!created) throw new AppError('USERNAME_TAKEN', 'that username is taken');
  const user = await store.userById(id);
  if (!user) throw new Error('user vanished after insert');
  return presentUser(user, now);
}
