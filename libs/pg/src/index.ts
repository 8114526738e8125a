export type { CreatePoolOptions } from './create-pool.ts';
export { createPool, DEFAULT_DATABASE_URL } from './create-pool.ts';
export type { PgLibErrorCode } from './errors.ts';
export { PgLibError } from './errors.ts';
export { purgeInbox, recordInbox } from './inbox.ts';
export type { PgLogger } from './logger.ts';
export type { AppliedMigration, MigrateOptions, MigrationReport } from './migrate.ts';
export { migrate } from './migrate.ts';
export type { MigrationScope } from './migration-files.ts';
export type {
  OutboxBatch,
  OutboxMessage,
  SettleOptions,
  SettleOutcome,
  StoredOutboxMessage,
} from './outbox.ts';
export {
  appendToOutbox,
  claimOutboxBatch,
  markOutboxSent,
  outboxChannel,
  purgeSentOutbox,
  settleOutboxBatch,
} from './outbox.ts';
export { describePostgresRefusal } from './postgres-refusal.ts';
export type { Queryable } from './queryable.ts';
export { requireTransaction } from './require-transaction.ts';
export type { ScheduleOutcome, ScheduleRequest } from './scheduled-jobs.ts';
export { cancel, purgeDoneJobs, schedule } from './scheduled-jobs.ts';
export type { JobHandler, ScheduledJob, Scheduler, SchedulerOptions } from './scheduler.ts';
export { createScheduler } from './scheduler.ts';
export type { IsolationLevel, TransactionOptions } from './with-transaction.ts';
export { withTransaction } from './with-transaction.ts';
