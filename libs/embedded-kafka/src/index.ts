export type { FsyncPolicy } from './log/log-manager.ts';
export type { LogDefaults } from './log/topic-config.ts';
export type {
  ApiHandler,
  BrokerServices,
  BrokerSettings,
  Clock,
  PartitionOffsets,
  RequestContext,
  ResponseBody,
  TopicCatalog,
  TopicInfo,
} from './protocol/api.ts';
export { ErrorCode } from './protocol/error-codes.ts';
export { MalformedRequestError, Reader } from './protocol/reader.ts';
export { Writer } from './protocol/writer.ts';
export { type BrokerOptions, type RunningBroker, startBroker, systemClock } from './server/broker.ts';
