export { type ReadRecord, type ReadRecordsOptions, readRecords, waitUntil } from './read-records.ts';
export { claimRedisDb, type RedisDbClaim } from './redis-db.ts';
export { startTestEnv, type TestEnv, type TestEnvOptions } from './test-env.ts';
