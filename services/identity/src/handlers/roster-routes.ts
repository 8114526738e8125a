import { randomUUID } from 'node:crypto';
import { authenticate, inJurisdiction, requireRole, type UserPrincipal, userOf } from '@huimin/auth';
import { townOf } from '@huimin/contracts';
import { AppError } from '@huimin/kit';
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { overlaps, routeAlerts } from '../domain/roster.ts';
import type { UserRow } from '../store/identity-store.ts';
import type { LeaveRow } from '../store/roster-store.ts';
import { instantParam, type RouteContext } from './context.ts';
import { CommunityParams, ErrorBody, Instant, UserId } from './schemas.ts';

const RosterBody = Type.Object(
  { userIds: Type.Array(UserId, { maxItems: 50, uniqueItems: true }) },
  { additionalProperties: false },
);
const LeaveBody = Type.Object(
  { userId: UserId, delegateId: UserId, startsAt: Instant, endsAt: Instant },
  { additionalProperties: false },
);
const Leave = Type.Object({
  id: Type.String(),
  userId: Type.String(),
  delegateId: Type.String(),
  startsAt: Instant,
  endsAt: Instant,
  cancelledAt: Type.Union([Instant, Type.Null()]),
  createdBy: Type.String(),
});
const LeaveQuery = Type.Object({ userId: Type.Optional(UserId), from: Type.Optional(Instant) });
const LeaveParams = Type.Object({ id: Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$' }) });
const AtQuery = Type.Object({ at: Type.Optional(Instant) });
const OnDuty = Type.Object({ userId: Type.String(), onBehalfOf: Type.Optional(Type.String()) });
const Routing = Type.Object({
  communityCode: Type.String(),
  townCode: Type.String(),
  at: Instant,
  handlers: Type.Array(OnDuty, {
    description: 'rostered handlers, or the delegate standing in (onBehalfOf)',
  }),
  uncovered: Type.Array(Type.String(), { description: 'rostered handlers nobody stands in for' }),
  supervisors: Type.Array(Type.String()),
  recipients: Type.Array(Type.String(), {
    description: 'who gets the alert: the handlers on duty, or the town’s supervisors when there are none',
  }),
});
const RosterView = Type.Object({
  communityCode: Type.String(),
  townCode: Type.String(),
  handlers: Type.Array(
    Type.Object({ userId: Type.String(), username: Type.String(), displayName: Type.String() }),
  ),
});

const MAX_LEAVE_MS = 366 * 24 * 3_600_000;

/** A supervisor manages their town's communities; the bureau's admin any. */
function mayManage(me: UserPrincipal, communityCode: string): boolean {
  return (me.role === 'town-supervisor' || me.role === 'bureau-admin') && inJurisdiction(me, communityCode);
}

const presentLeave = (leave: LeaveRow) => ({
  id: leave.id,
  userId: leave.userId,
  delegateId: leave.delegateId,
  startsAt: leave.startsAt.toISOString(),
  endsAt: leave.endsAt.toISOString(),
  cancelledAt: leave.cancelledAt?.toISOString() ?? null,
  createdBy: leave.createdBy,
});

/** The routing roster, leave and delegation, and the routing question discovery asks. */
export function rosterRoutes(server: FastifyInstance, context: RouteContext): void {
  const { users, rosters, now, config } = context;
  const auth = authenticate(context.verifier);
  const managers = [auth, requireRole('town-supervisor', 'bureau-admin')];

  /**
   * Services on the roster-reader list, or people whose jurisdiction holds the community. Anyone
   * else, a service or a person, is told the community does not exist.
   */
  function mayRead(request: FastifyRequest, code: string): void {
    const principal = request.principal;
    if (principal?.kind === 'service') {
      if (!config.ROSTER_READER_SERVICES.includes(principal.service))
        throw new AppError('FORBIDDEN', `${principal.service} may not read rosters`);
      return;
    }
    if (!principal || !inJurisdiction(principal, code)) throw new AppError('NOT_FOUND', 'no such community');
  }

  function communityTown(code: string): string {
    const town = townOf(code);
    if (!town) throw new AppError('NOT_FOUND', 'no such community');
    return town.code;
  }

  async function handler(id: string, as: string): Promise<UserRow> {
    const user = await users.userById(id);
    if (!user) throw new AppError('UNKNOWN_USER', `no user ${id}`);
    if (user.role !== 'case-handler' || user.disabledAt)
      throw new AppError('INVALID_ASSIGNMENT', `${id} is not an active case handler and cannot be ${as}`);
    return user;
  }

  server.get<{ Params: Static<typeof CommunityParams> }>(
    '/v1/rosters/communities/:code',
    {
      schema: {
        tags: ['rosters'],
        summary: 'Handlers rostered on a community',
        params: CommunityParams,
        response: { 200: RosterView, 404: ErrorBody },
      },
      preHandler: [auth],
    },
    async (request) => {
      const { code } = request.params;
      mayRead(request, code);
      const townCode = communityTown(code);
      const rostered = await users.usersByIds(await rosters.rosterOf(code));
      return {
        communityCode: code,
        townCode,
        handlers: rostered
          .sort((a, b) => a.id.localeCompare(b.id))
          .map((u) => ({ userId: u.id, username: u.username, displayName: u.displayName })),
      };
    },
  );

  server.put<{ Params: Static<typeof CommunityParams>; Body: Static<typeof RosterBody> }>(
    '/v1/rosters/communities/:code',
    {
      schema: {
        tags: ['rosters'],
        summary: 'Set the handlers of a community (its town’s supervisor, or a bureau admin)',
        params: CommunityParams,
        body: RosterBody,
        response: {
          200: Type.Object({ communityCode: Type.String(), userIds: Type.Array(Type.String()) }),
          403: ErrorBody,
          422: ErrorBody,
        },
      },
      preHandler: managers,
    },
    async (request) => {
      const me = userOf(request);
      const { code } = request.params;
      communityTown(code);
      if (!mayManage(me, code))
        throw new AppError('FORBIDDEN', 'this community is outside your jurisdiction');
      const { userIds } = request.body;
      for (const userId of userIds) {
        const user = await handler(userId, 'rostered');
        // Routed alerts must be ones the handler may open.
        if (!user.jurisdictions.includes(code))
          throw new AppError(
            'INVALID_ASSIGNMENT',
            `${userId} does not cover community ${code}; change their jurisdictions first`,
          );
      }
      await rosters.replaceRoster(code, userIds, me.userId, now());
      request.log.info({ communityCode: code, handlers: userIds.length, by: me.userId }, 'roster changed');
      return { communityCode: code, userIds };
    },
  );

  server.post<{ Body: Static<typeof LeaveBody> }>(
    '/v1/leaves',
    {
      schema: {
        tags: ['rosters'],
        summary: 'Put a handler on leave with a delegate who takes their alerts meanwhile',
        body: LeaveBody,
        response: { 201: Leave, 403: ErrorBody, 409: ErrorBody, 422: ErrorBody },
      },
      preHandler: managers,
    },
    async (request, reply) => {
      const me = userOf(request);
      const body = request.body;
      const startsAt = new Date(body.startsAt);
      const endsAt = new Date(body.endsAt);
      const at = now();
      if (!(endsAt > startsAt)) throw new AppError('BAD_REQUEST', 'endsAt must be after startsAt');
      if (endsAt <= at) throw new AppError('BAD_REQUEST', 'the leave has already ended');
      if (endsAt.getTime() - startsAt.getTime() > MAX_LEAVE_MS)
        throw new AppError('BAD_REQUEST', 'a leave lasts at most a year; add another after it');
      if (body.userId === body.delegateId)
        throw new AppError('INVALID_ASSIGNMENT', 'a handler cannot delegate to themself');
      const user = await handler(body.userId, 'put on leave');
      const delegate = await handler(body.delegateId, 'a delegate');
      // A supervisor sets leave only for handlers working wholly in their town, with a delegate there.
      if (
        !user.jurisdictions.every((code) => mayManage(me, code)) ||
        !delegate.jurisdictions.some((code) => mayManage(me, code))
      )
        throw new AppError('FORBIDDEN', 'the handler or the delegate is outside your jurisdiction');
      const leave = {
        id: randomUUID(),
        userId: user.id,
        delegateId: delegate.id,
        startsAt,
        endsAt,
        createdBy: me.userId,
      };
      const outcome = await rosters.addLeave(leave, at, (existing) =>
        existing.find((other) => overlaps(leave, other)),
      );
      if (!outcome.added)
        throw new AppError('LEAVE_OVERLAPS', 'the handler is already on leave for part of that time', {
          leaveId: outcome.clash.id,
        });
      request.log.info(
        { leaveId: leave.id, userId: user.id, delegateId: delegate.id, by: me.userId },
        'leave added',
      );
      return reply
        .code(201)
        .send(presentLeave({ ...leave, createdAt: at, cancelledAt: null, cancelledBy: null }));
    },
  );

  server.get<{ Querystring: Static<typeof LeaveQuery> }>(
    '/v1/leaves',
    {
      schema: {
        tags: ['rosters'],
        summary:
          'Leave not yet over (or since `from`) of the handlers one manages, as the absent one or the delegate',
        querystring: LeaveQuery,
        response: { 200: Type.Object({ leaves: Type.Array(Leave) }) },
      },
      preHandler: managers,
    },
    async (request) => {
      const me = userOf(request);
      const from = instantParam(request.query.from, 'from', now);
      const handlers = (await users.listUsers({ role: 'case-handler' })).filter(
        (u) =>
          (request.query.userId === undefined || u.id === request.query.userId) &&
          u.jurisdictions.some((code) => mayManage(me, code)),
      );
      const leaves = await rosters.leavesTouching(
        handlers.map((u) => u.id),
        from,
      );
      return { leaves: leaves.map(presentLeave) };
    },
  );

  server.post<{ Params: Static<typeof LeaveParams> }>(
    '/v1/leaves/:id/cancel',
    {
      schema: {
        tags: ['rosters'],
        summary: 'End a leave now (a leave not begun is cancelled whole); the record stays',
        params: LeaveParams,
        response: { 200: Leave, 404: ErrorBody, 409: ErrorBody },
      },
      preHandler: managers,
    },
    async (request) => {
      const me = userOf(request);
      const leave = await rosters.leaveById(request.params.id);
      const user = leave && (await users.userById(leave.userId));
      if (!leave || !user?.jurisdictions.some((code) => mayManage(me, code)))
        throw new AppError('LEAVE_NOT_FOUND', 'no such leave');
      if (!(await rosters.cancelLeave(leave.id, me.userId, now())))
        throw new AppError('CONFLICT', 'the leave has already ended or was cancelled');
      request.log.info({ leaveId: leave.id, by: me.userId }, 'leave cancelled');
      return presentLeave((await rosters.leaveById(leave.id)) ?? leave);
    },
  );

  // Discovery asks this (with its service token) to route an alert; notify to address it.
  server.get<{ Params: Static<typeof CommunityParams>; Querystring: Static<typeof AtQuery> }>(
    '/v1/rosters/communities/:code/handlers',
    {
      schema: {
        tags: ['rosters'],
        summary: 'Who handles a community’s alerts at a time (default now): delegation applied',
        params: CommunityParams,
        querystring: AtQuery,
        response: { 200: Routing, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody },
      },
      preHandler: [auth],
    },
    async (request) => {
      const { code } = request.params;
      mayRead(request, code);
      const townCode = communityTown(code);
      const at = instantParam(request.query.at, 'at', now);
      const rostered = await rosters.rosterOf(code);
      const leaves = await rosters.leavesAt(at);
      const people = new Set([...rostered, ...leaves.flatMap((l) => [l.userId, l.delegateId])]);
      const active = await rosters.activeUserIds([...people]);
      const { handlers, uncovered } = routeAlerts(rostered, leaves, active, at);
      const supervisors = await rosters.supervisorsOf(townCode);
      return {
        communityCode: code,
        townCode,
        at: at.toISOString(),
        handlers,
        uncovered,
        supervisors,
        recipients: handlers.length > 0 ? handlers.map((h) => h.userId) : supervisors,
      };
    },
  );
}
