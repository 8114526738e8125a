import { groupHandlers } from '../groups/index.ts';
import { producerHandlers } from '../producers/index.ts';
import type { ApiHandler } from './api.ts';
import { type ApiVersionRange, createApiVersionsHandler } from './apis/api-versions.ts';
import { createCreateTopicsHandler } from './apis/create-topics.ts';
import { createDeleteTopicsHandler } from './apis/delete-topics.ts';
import { createFetchHandler } from './apis/fetch.ts';
import { createListOffsetsHandler } from './apis/list-offsets.ts';
import { createMetadataHandler } from './apis/metadata.ts';
import { createProduceHandler } from './apis/produce.ts';
import type { CoreBroker } from './core-broker.ts';

/** The core APIs (topics, produce, fetch, offsets, metadata), bound to one broker's log. */
function coreHandlers(core: CoreBroker): ApiHandler[] {
  return [
    createProduceHandler(core),
    createFetchHandler(core),
    createListOffsetsHandler(core),
    createMetadataHandler(core),
    createCreateTopicsHandler(core),
    createDeleteTopicsHandler(core),
  ];
}

// ─── Plug-in point for the consumer-group and idempotent-producer APIs ─────────────────────
// Their handlers live in ../groups/ and ../producers/ and are exported from the index files
// there. Whatever those arrays hold is served AND advertised through ApiVersions. They reach
// broker state through `ctx.broker` (BrokerServices), not through the core's log.
const pluginHandlers: readonly ApiHandler[] = [...groupHandlers, ...producerHandlers];
// ────────────────────────────────────────────────────────────────────────────────────────────

/** Every API this broker serves, keyed by API key. */
export type HandlerRegistry = ReadonlyMap<number, ApiHandler>;

export function createRegistry(core: CoreBroker, extra: readonly ApiHandler[] = []): HandlerRegistry {
  const byKey = new Map<number, ApiHandler>();
  const add = (h: ApiHandler): void => {
    if (byKey.has(h.apiKey)) throw new Error(`two handlers for API key ${h.apiKey}`);
    if (h.minVersion > h.maxVersion) throw new Error(`${h.name}: empty version range`);
    byKey.set(h.apiKey, h);
  };
  const advertised = (): ApiVersionRange[] =>
    [...byKey.values()]
      .sort((a, b) => a.apiKey - b.apiKey)
      .map((h) => ({ apiKey: h.apiKey, minVersion: h.minVersion, maxVersion: h.maxVersion }));
  add(createApiVersionsHandler(advertised));
  for (const h of coreHandlers(core)) add(h);
  for (const h of pluginHandlers) add(h);
  for (const h of extra) add(h);
  return byKey;
}
