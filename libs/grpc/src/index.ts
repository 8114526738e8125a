export { PROTO_ROOT, type ProtoTypes, protoTypes, runProtoTypesCli } from './proto-types.ts';
