export { PROTO_ROOT, type ProtoTypes, protoTypes, runProtoTypesCli } from './proto-types.ts';
export {
  type Callers,
  callersOf,
  GrpcRefusal,
  type GrpcService,
  grpcError,
  type ServeOptions,
  serveGrpc,
  type Unary,
} from './serve.ts';
