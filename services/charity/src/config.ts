import { commonEnv, port, secret } from '@huimin/kit';
import { type Static, Type } from '@sinclair/typebox';

const { LOG_LEVEL, DATABASE_URL, KAFKA_BROKERS, OTEL_EXPORTER_OTLP_ENDPOINT, SHUTDOWN_TIMEOUT_MS } =
  commonEnv;

/** Signs receipt links in dev and tests; public (it is in this file), so production sets its own. */
export const DEV_RECEIPT_LINK_SECRET = 'dev-only-receipt-link-secret-not-for-production';

const optionalString = (description: string, pattern?: string) =>
  Type.Optional(Type.String({ minLength: 1, description, ...(pattern === undefined ? {} : { pattern }) }));

export const CharityConfig = Type.Object({
  PORT: port(8086),
  LOG_LEVEL,
  DATABASE_URL,
  /** Postgres schema; the service name, except where a benchmark wants a scratch schema. */
  DATABASE_SCHEMA: Type.String({ pattern: '^[a-z_][a-z0-9_]{0,55}$', default: 'charity' }),
  KAFKA_BROKERS,
  OTEL_EXPORTER_OTLP_ENDPOINT,
  SHUTDOWN_TIMEOUT_MS,
  AUTH_ISSUER: Type.String({
    default: 'http://127.0.0.1:8087',
    description: 'the trusted token issuer (identity)',
  }),
  AUTH_JWKS_URL: Type.String({ default: 'http://127.0.0.1:8087/.well-known/jwks.json' }),
  IDENTITY_URL: Type.String({
    default: 'http://127.0.0.1:8087',
    description: 'where charity gets its service token',
  }),
  SERVICE_CLIENT_ID: Type.String({ default: 'charity' }),
  /** From identity's `clients create charity`; the default is the dev stack's, refused in production. */
  SERVICE_CLIENT_SECRET: secret({ kind: 'text' }, { default: 'dev-charity-secret' }),
  DISCOVERY_GRPC_ADDRESS: Type.String({
    pattern: '^[^\\s:]+:\\d+$',
    default: '127.0.0.1:50053',
    description: 'discovery’s gRPC AlertService, host:port',
  }),
  DISCOVERY_GRPC_DEADLINE_MS: Type.Integer({ minimum: 50, maximum: 30_000, default: 2000 }),
  RECEIPT_LINK_SECRET: secret({ kind: 'text' }, { minLength: 16, default: DEV_RECEIPT_LINK_SECRET }),
  /** Payment orders one client address may start per minute (the route needs no login). */
  PAYMENT_ORDERS_PER_MINUTE: Type.Integer({ minimum: 1, maximum: 10_000, default: 20 }),
  /** Proxies in front of charity (the ingress) whose X-Forwarded-For entry names the client; 0: the socket. */
  TRUSTED_PROXY_HOPS: Type.Integer({ minimum: 0, maximum: 5, default: 0 }),
  WECHATPAY_MCH_ID: optionalString('WeChat Pay merchant id (商户号)', '^\\d{6,20}$'),
  WECHATPAY_APIV3_KEY: optionalString('the 32-character APIv3 key', '^.{32}$'),
  WECHATPAY_PLATFORM_KEYS: optionalString(
    'comma-separated SERIAL=path-to-public-key.pem (platform certificate serial or WeChat Pay public key id)',
  ),
  WECHATPAY_TOLERANCE_SECONDS: Type.Integer({ minimum: 30, maximum: 3600, default: 300 }),
  ALIPAY_APP_ID: optionalString('Alipay app id', '^\\d{6,32}$'),
  ALIPAY_SELLER_ID: optionalString('the merchant’s Alipay partner id (PID)', '^2088\\d{12}$'),
  ALIPAY_PUBLIC_KEY_FILE: optionalString('Alipay’s public key (PEM) that signs notifications'),
  PAYMENT_SANDBOX_FILE: optionalString(
    'dev only: provider sandbox keys written by seed-dev, used when the WECHATPAY_/ALIPAY_ variables are unset',
  ),
  RECONCILE_ENABLED: Type.Boolean({ default: true, description: 'run the daily reconciliation scheduler' }),
});

export type CharityConfig = Static<typeof CharityConfig>;
