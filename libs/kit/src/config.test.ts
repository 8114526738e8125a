import { Type } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import { commonEnv, port } from './common-env.ts';
import { ConfigError, loadConfig } from './config.ts';

const { LOG_LEVEL, DATABASE_URL, KAFKA_BROKERS, OTEL_EXPORTER_OTLP_ENDPOINT, SHUTDOWN_TIMEOUT_MS } =
  commonEnv;

function problemsOf(run: () => unknown): readonly string[] {
  try {
    run();
  } catch (err: unknown) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  const Config = Type.Object({
    PORT: port(8082),
    LOG_LEVEL,
    DATABASE_URL,
    KAFKA_BROKERS,
    OTEL_EXPORTER_OTLP_ENDPOINT,
    SHUTDOWN_TIMEOUT_MS,
    RISK_WATCH_RATIO: Type.Number({ exclusiveMinimum: 0, maximum: 1 }),
    RISK_REPLAY: Type.Boolean({ default: false }),
  });

  it('coerces strings to numbers, booleans and lists, and fills defaults', () => {
    const config = loadConfig(Config, {
      PORT: '9000',
      KAFKA_BROKERS: 'kafka-1:9092, kafka-2:9092',
      RISK_WATCH_RATIO: '0.1',
      RISK_REPLAY: 'true',
    });
    expect(config).toEqual({
      PORT: 9000,
      LOG_LEVEL: 'info',
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/huimin',
      KAFKA_BROKERS: ['kafka-1:9092', 'kafka-2:9092'],
      SHUTDOWN_TIMEOUT_MS: 10_000,
      RISK_WATCH_RATIO: 0.1,
      RISK_REPLAY: true,
    });
  });

  it('returns a frozen config', () => {
    const config = loadConfig(Config, { RISK_WATCH_RATIO: '0.25' });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.KAFKA_BROKERS)).toBe(true);
  });

  it('reports every missing or invalid variable, one line each', () => {
    const problems = problemsOf(() =>
      loadConfig(Config, {
        PORT: 'abc',
        LOG_LEVEL: 'loud',
        DATABASE_URL: 'mysql://root:hunter2@db/huimin',
        KAFKA_BROKERS: 'kafka-1',
        OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318',
        SHUTDOWN_TIMEOUT_MS: '1.5',
        RISK_REPLAY: 'maybe',
      }),
    );
    expect(problems).toEqual([
      'PORT: expected an integer 1–65535, got "abc"',
      'LOG_LEVEL: expected one of fatal, error, warn, info, debug, trace, silent, got "loud"',
      'DATABASE_URL: expected a postgres:// URL, got "mysql://root:***@db/huimin"',
      'KAFKA_BROKERS: expected a comma-separated list of host:port (at least 1), got "kafka-1"',
      'OTEL_EXPORTER_OTLP_ENDPOINT: expected an http(s):// URL of an OTLP collector, got "collector:4318"',
      'SHUTDOWN_TIMEOUT_MS: expected an integer 100–600000, got "1.5"',
      'RISK_WATCH_RATIO: required, not set',
      'RISK_REPLAY: expected true or false, got "maybe"',
    ]);
  });

  it('says which variable is required when a required one is unset or empty', () => {
    const Required = Type.Object({ DATABASE_URL: Type.String(), REDIS_URL: Type.String() });
    expect(problemsOf(() => loadConfig(Required, { REDIS_URL: '  ' }))).toEqual([
      'DATABASE_URL: required, not set',
      'REDIS_URL: required, not set',
    ]);
  });

  it('rejects out-of-range numbers and hex or empty-looking numbers', () => {
    expect(problemsOf(() => loadConfig(Config, { PORT: '70000', RISK_WATCH_RATIO: '0x1' }))).toEqual([
      'PORT: expected an integer 1–65535, got "70000"',
      'RISK_WATCH_RATIO: expected a number > 0 and ≤ 1, got "0x1"',
    ]);
  });

  it('hides the value of a secret', () => {
    const Secret = Type.Object({ JWT_SIGNING_KEY: Type.String({ minLength: 32 }) });
    expect(problemsOf(() => loadConfig(Secret, { JWT_SIGNING_KEY: 'short-secret' }))).toEqual([
      'JWT_SIGNING_KEY: expected a string of at least 32 characters, got a value of 12 characters (hidden)',
    ]);
  });

  it('puts every problem in the error message, so an uncaught ConfigError still reads well', () => {
    const error = (() => {
      try {
        loadConfig(Config, { PORT: '0' });
      } catch (err: unknown) {
        return err;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toBe(
      'invalid configuration:\n  PORT: expected an integer 1–65535, got "0"\n  RISK_WATCH_RATIO: required, not set',
    );
  });
});
