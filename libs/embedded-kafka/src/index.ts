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
