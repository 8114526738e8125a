// @huimin/simulator: a seeded synthetic feed of one county's departments (households, incomes,
// assets, disabilities, enrolments, medical claims, registry changes, signals) and a poster that
// sends it through ingest as the departments would.

export { type Department, departmentCodes, isDepartment } from './departments.ts';
export { devCredentials } from './dev-credentials.ts';
export { createFeed, type Feed, take } from './generator/feed.ts';
export { type FeedEvent, type FeedEventOf, publishedEventId } from './generator/feed-event.ts';
export type { ScenarioHousehold, ScenarioLevel } from './generator/scenarios.ts';
export { DEFAULT_SIGNAL_KINDS, type FeedOptions, type SignalKind } from './generator/world.ts';
export {
  type Credentials,
  createHttpIngestClient,
  type DepartmentCredential,
  type HttpIngestClientOptions,
  type IngestClient,
  type Rejection,
  type RetryNotice,
  type SendResult,
  signatureHeader,
} from './ingest-client.ts';
export { type PostFeedOptions, type PostProgress, type PostResult, postFeed } from './poster.ts';
export { runSimulation, type SimulationOptions } from './run-simulation.ts';
export { SimulatorError, type SimulatorErrorCode } from './simulator-error.ts';
