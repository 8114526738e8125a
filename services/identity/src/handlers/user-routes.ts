import { authenticate, inJurisdiction, requireRole, type UserPrincipal, userOf } from '@huimin/auth';
import { AppError } from '@huimin/kit';
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { checkAssignment, checkPassword, createAccount, presentUser } from '../accounts.ts';
import { hashPassword } from '../domain/passwords.ts';
import type { UserRow } from '../store/identity-store.ts';
import type { RouteContext } from './context.ts';
import { DivisionCode, ErrorBody, IdParams, RoleName, User } from './schemas.ts';

const NewUser = Type.Object(
  {
    username: Type.String({ pattern: '^[a-z0-9][a-z0-9._-]{2,63}$' }),
    displayName: Type.String({ minLength: 1, maxLength: 64 }),
    password: Type.String({ minLength: 10, maxLength: 256 }),
    role: RoleName,
    jurisdictions: Type.Array(DivisionCode, { maxItems: 50 }),
    providerId: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' })),
  },
  { additionalProperties: false },
);
const UserChanges = Type.Object(
  {
    displayName: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    role: Type.Optional(RoleName),
    jurisdictions: Type.Optional(Type.Array(DivisionCode, { maxItems: 50 })),
    providerId: Type.Optional(Type.Union([Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' }), Type.Null()])),
  },
  { additionalProperties: false, minProperties: 1 },
);
const NewPassword = Type.Object(
  { password: Type.String({ minLength: 10, maxLength: 256 }) },
  { additionalProperties: false },
);
const UserQuery = Type.Object({ role: Type.Optional(RoleName) });

/**
 * Who may see a user record: the bureau's admins and auditors anyone, a supervisor the people
 * working in their town (and themselves). Staff names are personal data too.
 */
function maySee(me: UserPrincipal, user: UserRow): boolean {
  if (me.role === 'bureau-admin' || me.role === 'auditor') return true;
  if (me.role === 'town-supervisor')
    return user.id === me.userId || user.jurisdictions.some((code) => inJurisdiction(me, code));
  return false;
}

/** Accounts: created and changed by the bureau's admins; read by admins, auditors and supervisors. */
export function userRoutes(server: FastifyInstance, context: RouteContext): void {
  const { users, now, passwordCost } = context;
  const auth = authenticate(context.verifier);
  const admin = [auth, requireRole('bureau-admin')];
  const readers = [auth, requireRole('bureau-admin', 'auditor', 'town-supervisor')];

  async function visibleUser(me: UserPrincipal, id: string): Promise<UserRow> {
    const user = await users.userById(id);
    // "Not there" and "not yours" answer alike, so ids cannot be probed.
    if (!user || !maySee(me, user)) throw new AppError('UNKNOWN_USER', 'no such user');
    return user;
  }

  server.get<{ Querystring: Static<typeof UserQuery> }>(
    '/v1/users',
    {
      schema: {
        tags: ['users'],
        summary: 'Users (admins and auditors: all; supervisors: their town’s)',
        querystring: UserQuery,
        response: { 200: Type.Object({ users: Type.Array(User) }) },
      },
      preHandler: readers,
    },
    async (request) => {
      const me = userOf(request);
      const at = now();
      const list = await users.listUsers({ role: request.query.role });
      return { users: list.filter((user) => maySee(me, user)).map((user) => presentUser(user, at)) };
    },
  );

  server.get<{ Params: Static<typeof IdParams> }>(
    '/v1/users/:id',
    {
      schema: { tags: ['users'], params: IdParams, response: { 200: User, 404: ErrorBody } },
      preHandler: readers,
    },
    async (request) => presentUser(await visibleUser(userOf(request), request.params.id), now()),
  );

  server.post<{ Body: Static<typeof NewUser> }>(
    '/v1/users',
    {
      schema: {
        tags: ['users'],
        summary: 'Create a user (bureau admin)',
        body: NewUser,
        response: { 201: User, 409: ErrorBody, 422: ErrorBody },
      },
      preHandler: admin,
    },
    async (request, reply) => {
      const created = await createAccount(users, request.body, passwordCost, now());
      request.log.info(
        { userId: created.id, role: created.role, by: userOf(request).userId },
        'user created',
      );
      return reply.code(201).send(created);
    },
  );

  server.patch<{ Params: Static<typeof IdParams>; Body: Static<typeof UserChanges> }>(
    '/v1/users/:id',
    {
      schema: {
        tags: ['users'],
        summary:
          'Change a user’s name, role, jurisdictions or provider (bureau admin); tokens follow at the next refresh',
        params: IdParams,
        body: UserChanges,
        response: { 200: User, 404: ErrorBody, 422: ErrorBody },
      },
      preHandler: admin,
    },
    async (request) => {
      const me = userOf(request);
      const user = await visibleUser(me, request.params.id);
      const changes = request.body;
      const providerId = changes.providerId === undefined ? user.providerId : changes.providerId;
      checkAssignment({
        role: changes.role ?? user.role,
        jurisdictions: changes.jurisdictions ?? user.jurisdictions,
        providerId: providerId ?? undefined,
      });
      const at = now();
      await users.updateUser(user.id, changes, at);
      request.log.info({ userId: user.id, by: me.userId }, 'user changed');
      return presentUser((await users.userById(user.id)) ?? user, at);
    },
  );

  const action = (
    path: string,
    summary: string,
    run: (user: UserRow, me: UserPrincipal, at: Date, body: unknown) => Promise<void>,
    body?: typeof NewPassword,
  ) =>
    server.post<{ Params: Static<typeof IdParams> }>(
      `/v1/users/:id/${path}`,
      {
        schema: {
          tags: ['users'],
          summary,
          params: IdParams,
          ...(body ? { body } : {}),
          response: { 200: User, 404: ErrorBody },
        },
        preHandler: admin,
      },
      async (request) => {
        const me = userOf(request);
        const user = await visibleUser(me, request.params.id);
        const at = now();
        await run(user, me, at, request.body);
        request.log.info({ userId: user.id, by: me.userId, action: path }, 'user changed');
        return presentUser((await users.userById(user.id)) ?? user, at);
      },
    );

  action(
    'disable',
    'Disable a user: no login, every session ends, alerts route past them',
    async (user, me, at) => {
      if (user.id === me.userId) throw new AppError('CONFLICT', 'you cannot disable your own account');
      await users.setDisabled(user.id, true, at);
      await users.revokeAllSessions(user.id, at);
    },
  );
  action('enable', 'Enable a disabled user', async (user, _me, at) => {
    await users.setDisabled(user.id, false, at);
  });
  action('unlock', 'Lift a lockout after wrong passwords', async (user, _me, at) => {
    await users.unlock(user.id, at);
  });
  action(
    'password',
    'Set a new password (bureau admin); the lockout is lifted and every session ends',
    async (user, _me, at, body) => {
      const { password } = body as Static<typeof NewPassword>;
      checkPassword(password);
      await users.setPassword(user.id, await hashPassword(password, passwordCost), at);
      await users.revokeAllSessions(user.id, at);
    },
    NewPassword,
  );
}
