import { authenticate, inJurisdiction, requireRole, type TokenVerifier, userOf } from '@huimin/auth';
import { isCommunity, nameOf } from '@huimin/contracts';
import { AppError, type HttpServer } from '@huimin/kit';
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import type pg from 'pg';
import { maskWebhookUrl } from '../domain/robot-payload.ts';
import {
  deleteRobot,
  insertRobot,
  type Robot,
  type RobotMessageRecord,
  robotMessagesOf,
  robotsOf,
} from '../store/robots-store.ts';

const CommunityParams = Type.Object({ code: Type.String({ pattern: '^\\d{12}$' }) });
const RobotParams = Type.Object({
  code: Type.String({ pattern: '^\\d{12}$' }),
  id: Type.String({ format: 'uuid' }),
});
const NewRobot = Type.Object(
  {
    platform: Type.Union([Type.Literal('wecom'), Type.Literal('dingtalk')], {
      description: 'wecom: 企业微信群机器人; dingtalk: 钉钉自定义机器人',
    }),
    webhookUrl: Type.String({
      minLength: 10,
      maxLength: 1000,
      description: 'the robot’s webhook URL, key included',
    }),
    secret: Type.Optional(
      Type.String({
        minLength: 8,
        maxLength: 200,
        description: 'DingTalk only: the signing secret (加签, starts with SEC); stored, never returned',
      }),
    ),
    label: Type.Optional(Type.String({ minLength: 1, maxLength: 60, description: 'e.g. 常胜社区工作群' })),
  },
  { additionalProperties: false },
);
const RobotView = Type.Object({
  id: Type.String(),
  communityCode: Type.String(),
  communityName: Type.String(),
  platform: Type.String(),
  label: Type.Union([Type.String(), Type.Null()]),
  webhookUrl: Type.String({ description: 'masked: the key is not shown again' }),
  signed: Type.Boolean({ description: 'a DingTalk signing secret is set' }),
  createdBy: Type.String(),
  createdAt: Type.String(),
});
const MessageView = Type.Object({
  id: Type.String(),
  robotId: Type.String(),
  kind: Type.String(),
  title: Type.String(),
  markdown: Type.String(),
  status: Type.String(),
  attempts: Type.Integer(),
  lastError: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(),
  deliveredAt: Type.Union([Type.String(), Type.Null()]),
});
const LogQuery = Type.Object({ limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }) });

const loopbackHosts = new Set(['127.0.0.1', 'localhost', '[::1]']);

function present(robot: Robot): Static<typeof RobotView> {
  return {
    id: robot.id,
    communityCode: robot.communityCode,
    communityName: nameOf(robot.communityCode) ?? robot.communityCode,
    platform: robot.platform,
    label: robot.label,
    webhookUrl: maskWebhookUrl(robot.webhookUrl),
    signed: robot.secret !== null,
    createdBy: robot.createdBy,
    createdAt: robot.createdAt.toISOString(),
  };
}

function presentMessage(m: RobotMessageRecord): Static<typeof MessageView> {
  return {
    id: m.id,
    robotId: m.robotId,
    kind: m.kind,
    title: m.title,
    markdown: m.markdown,
    status: m.status,
    attempts: m.attempts,
    lastError: m.lastError,
    createdAt: m.createdAt.toISOString(),
    deliveredAt: m.deliveredAt?.toISOString() ?? null,
  };
}

/**
 * A community's group robots: registered by the supervisor of its town or a bureau admin. The
 * webhook URL (its key) and DingTalk's secret are stored and never shown again; the URL may only
 * point at an allowed host, so the API cannot be used to make notify call anything else.
 */
export function registerRobotRoutes(
  server: HttpServer,
  deps: {
    pool: pg.Pool;
    verifier: TokenVerifier;
    allowedHosts: readonly string[];
    now: () => Date;
    newId: () => string;
  },
): void {
  const { pool } = deps;
  const guard = [authenticate(deps.verifier), requireRole('town-supervisor', 'bureau-admin')];

  function community(request: FastifyRequest, code: string): string {
    if (!isCommunity(code)) throw new AppError('COMMUNITY_NOT_FOUND', `no community ${code}`);
    if (!inJurisdiction(userOf(request), code)) {
      throw new AppError('FORBIDDEN', 'the community is outside your jurisdiction');
    }
    return code;
  }

  function checkWebhook(body: Static<typeof NewRobot>): void {
    let url: URL;
    try {
      url = new URL(body.webhookUrl);
    } catch {
      throw new AppError('INVALID_WEBHOOK', 'webhookUrl is not a URL');
    }
    if (!deps.allowedHosts.includes(url.host) && !deps.allowedHosts.includes(url.hostname)) {
      throw new AppError('WEBHOOK_HOST_NOT_ALLOWED', `robots may only call ${deps.allowedHosts.join(', ')}`);
    }
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopbackHosts.has(url.hostname))) {
      throw new AppError('INVALID_WEBHOOK', 'webhookUrl must be https');
    }
    if (url.username || url.password || url.hash) {
      throw new AppError('INVALID_WEBHOOK', 'webhookUrl must carry no credentials or fragment');
    }
    const tokenParam = body.platform === 'wecom' ? 'key' : 'access_token';
    if (!url.searchParams.get(tokenParam)) {
      throw new AppError('INVALID_WEBHOOK', `a ${body.platform} webhook carries its ${tokenParam} parameter`);
    }
    if (body.secret !== undefined && body.platform !== 'dingtalk') {
      throw new AppError('INVALID_WEBHOOK', 'only DingTalk robots are signed with a secret');
    }
  }

  server.post<{ Params: Static<typeof CommunityParams>; Body: Static<typeof NewRobot> }>(
    '/v1/communities/:code/robots',
    {
      schema: {
        tags: ['robots'],
        summary: 'Register a WeCom or DingTalk group robot for a community',
        params: CommunityParams,
        body: NewRobot,
        response: { 201: RobotView },
      },
      preHandler: guard,
    },
    async (request, reply) => {
      const code = community(request, request.params.code);
      checkWebhook(request.body);
      const robot: Robot = {
        id: deps.newId(),
        communityCode: code,
        platform: request.body.platform,
        label: request.body.label ?? null,
        webhookUrl: request.body.webhookUrl,
        secret: request.body.secret ?? null,
        createdBy: userOf(request).userId,
        createdAt: deps.now(),
      };
      await insertRobot(pool, robot);
      request.log.info(
        { robotId: robot.id, communityCode: code, platform: robot.platform },
        'robot registered',
      );
      return reply.code(201).send(present(robot));
    },
  );

  server.get<{ Params: Static<typeof CommunityParams> }>(
    '/v1/communities/:code/robots',
    {
      schema: {
        tags: ['robots'],
        summary: 'The community’s group robots (keys and secrets are never returned)',
        params: CommunityParams,
        response: { 200: Type.Object({ robots: Type.Array(RobotView) }) },
      },
      preHandler: guard,
    },
    async (request) => {
      const code = community(request, request.params.code);
      return { robots: (await robotsOf(pool, code)).map(present) };
    },
  );

  server.delete<{ Params: Static<typeof RobotParams> }>(
    '/v1/communities/:code/robots/:id',
    {
      schema: { tags: ['robots'], summary: 'Remove a group robot', params: RobotParams },
      preHandler: guard,
    },
    async (request, reply) => {
      const code = community(request, request.params.code);
      if (!(await deleteRobot(pool, code, request.params.id, deps.now()))) {
        throw new AppError('ROBOT_NOT_FOUND', 'no such robot in this community');
      }
      request.log.info({ robotId: request.params.id, communityCode: code }, 'robot removed');
      return reply.code(204).send();
    },
  );

  server.get<{ Params: Static<typeof CommunityParams>; Querystring: Static<typeof LogQuery> }>(
    '/v1/communities/:code/robot-messages',
    {
      schema: {
        tags: ['robots'],
        summary: 'The robot delivery log of a community, newest first',
        params: CommunityParams,
        querystring: LogQuery,
        response: { 200: Type.Object({ messages: Type.Array(MessageView) }) },
      },
      preHandler: guard,
    },
    async (request) => {
      const code = community(request, request.params.code);
      return { messages: (await robotMessagesOf(pool, code, request.query.limit)).map(presentMessage) };
    },
  );
}
