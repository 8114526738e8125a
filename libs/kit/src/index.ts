export { commonEnv, port } from './common-env.ts';
export { ConfigError, type Env, loadConfig, loadConfigOrExit } from './config.ts';
export {
  AppError,
  defineErrors,
  type ErrorCatalog,
  type ErrorSpec,
  type KitErrorCode,
  kitErrors,
} from './errors.ts';
export { createHttpServer, type HttpServer, type HttpServerOptions } from './http-server.ts';
export { createLifecycle, type Lifecycle, type LifecycleOptions, type ShutdownOutcome } from './lifecycle.ts';
export { createLogger, type Logger, type LoggerOptions } from './logger.ts';
export { maskName, maskPhone, maskResidentId } from './mask.ts';
export { createMetricsRegistry } from './metrics.ts';
export { isPersonalKey, notPersonalKeys, sensitiveKeys } from './personal-data.ts';
export { PhotoUnreadable, stripPhotoMetadata, tiffOrientation } from './photo-metadata.ts';
export type { ReadinessCheck } from './readiness.ts';
export { REDACTED, redactLogLine } from './redact-log-line.ts';
export { runService, StartupError } from './run-service.ts';
export { type SecretStrength, secret, secretStrengthOf, secretWeakness } from './secrets.ts';
export { initTelemetry, type TelemetryOptions } from './telemetry.ts';
