export { PROTO_ROOT, type ProtoTypes, protoTypes, runProtoTypesCli } from './proto-types.ts';
export {
  GrpcRefusal,
  type GrpcService,
  grpcError,
  type ServeOptions,
  serveGrpc,
  type Unary,
} from './serve.ts';
