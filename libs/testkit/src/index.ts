export { claimRedisDb, type RedisDbClaim } from './redis-db.ts';
export { startTestEnv, type TestEnv, type TestEnvOptions } from './test-env.ts';
