// @huimin/simulator: a seeded synthetic feed of one county's departments (households, incomes,
// assets, disabilities, enrolments, medical claims, registry changes, signals) and a poster that
// sends it through ingest as the departments would.

export { type Department, departmentCodes, isDepartment } from './departments.ts';
export { createFeed, type Feed, take } from './generator/feed.ts';
export { type FeedEvent, type FeedEventOf, publishedEventId } from './generator/feed-event.ts';
export type { ScenarioHousehold, ScenarioLevel } from './generator/scenarios.ts';
export { DEFAULT_SIGNAL_KINDS, type FeedOptions, type SignalKind } from './generator/world.ts';
