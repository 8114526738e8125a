import { authEnv } from '@huimin/auth';
import { commonEnv, port } from '@huimin/kit';
import { type Static, Type } from '@sinclair/typebox';

const {
  LOG_LEVEL,
  DATABASE_URL,
  REDIS_URL,
  KAFKA_BROKERS,
  OTEL_EXPORTER_OTLP_ENDPOINT,
  SHUTDOWN_TIMEOUT_MS,
} = commonEnv;

export const NotifyConfig = Type.Object({
  PORT: port(8084),
  LOG_LEVEL,
  DATABASE_URL,
  /** Postgres schema; the service name, except where a benchmark wants a scratch schema. */
  DATABASE_SCHEMA: Type.String({ pattern: '^[a-z_][a-z0-9_]{0,55}$', default: 'notify' }),
  REDIS_URL,
  KAFKA_BROKERS,
  OTEL_EXPORTER_OTLP_ENDPOINT,
  SHUTDOWN_TIMEOUT_MS,
  ...authEnv,
  /** Consumer group on discovery's alert stream; replicas share it. */
  CONSUMER_GROUP: Type.String({ minLength: 1, default: 'notify' }),
  /** The case-handler console's base URL, for the link in robot messages. */
  CONSOLE_URL: Type.String({ pattern: '^https?://', default: 'http://127.0.0.1:8084' }),
  /** Where the console's static files are (issue 14); unset: notify serves no console. */
  CONSOLE_DIR: Type.Optional(Type.String({ minLength: 1 })),
  /** Where the console gateway (`/api/discovery/…`) forwards the console's alert calls. */
  DISCOVERY_URL: Type.String({ pattern: '^https?://', default: 'http://127.0.0.1:8083' }),
  /** Where the console gateway (`/api/identity/…`) forwards login, rosters and leave. */
  IDENTITY_URL: Type.String({ pattern: '^https?://', default: 'http://127.0.0.1:8087' }),
  /**
   * Proxies in front of notify (the ingress) whose X-Forwarded-For entry names the client: the
   * console gateway passes that address to identity's login limits. 0: the socket's address.
   */
  TRUSTED_PROXY_HOPS: Type.Integer({ minimum: 0, maximum: 5, default: 0 }),
  /** Where the console gateway (`/api/scorecard/…`) forwards the plan's scorecard page. */
  SCORECARD_URL: Type.String({ pattern: '^https?://', default: 'http://127.0.0.1:8088' }),
  ASSISTANCE_URL: Type.String({ pattern: '^https?://', default: 'http://127.0.0.1:8089' }),
  /** How long the delivery log keeps events for Last-Event-ID replay. */
  LOG_RETENTION_HOURS: Type.Integer({ minimum: 1, maximum: 24 * 90, default: 72 }),
  /** Hosts a robot webhook may point at (no other address is ever called: SSRF). */
  ROBOT_WEBHOOK_HOSTS: Type.Array(Type.String({ minLength: 1 }), {
    default: ['qyapi.weixin.qq.com', 'oapi.dingtalk.com'],
  }),
  /** Attempts per robot message before it is given up. */
  ROBOT_MAX_ATTEMPTS: Type.Integer({ minimum: 1, maximum: 20, default: 6 }),
  /** First retry delay; doubles each attempt up to ROBOT_MAX_BACKOFF_MS. */
  ROBOT_BACKOFF_MS: Type.Integer({ minimum: 10, maximum: 3_600_000, default: 5000 }),
  ROBOT_MAX_BACKOFF_MS: Type.Integer({ minimum: 10, maximum: 86_400_000, default: 600_000 }),
  ROBOT_TIMEOUT_MS: Type.Integer({ minimum: 100, maximum: 60_000, default: 5000 }),
  /** When the daily digest goes out, Asia/Shanghai time (HH:MM). */
  DIGEST_AT: Type.String({ pattern: '^([01]\\d|2[0-3]):[0-5]\\d$', default: '08:30' }),
  /** Live streams (SSE and WebSocket together) one person may hold per replica; a new one ends their oldest. */
  MAX_STREAMS_PER_USER: Type.Integer({ minimum: 1, maximum: 100, default: 5 }),
  /** Heartbeat comment on idle SSE streams (keeps proxies from closing them). */
  HEARTBEAT_MS: Type.Integer({ minimum: 1000, maximum: 300_000, default: 20_000 }),
});

export type NotifyConfig = Static<typeof NotifyConfig>;
