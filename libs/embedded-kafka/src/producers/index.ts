import type { ApiHandler } from '../protocol/api.ts';
import { initProducerIdHandler } from './apis/init-producer-id.ts';

export { createProducerStateStore } from './producers-service.ts';
export type { ProducerCheck, ProducerStateStore } from './types.ts';

/** Handlers for the producer APIs (InitProducerId); registered in ../protocol/registry.ts. */
export const producerHandlers: ApiHandler[] = [initProducerIdHandler];
