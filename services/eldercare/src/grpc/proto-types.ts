import { fileURLToPath } from 'node:url';
import { protoTypes } from '@huimin/grpc';

export { PROTO_ROOT } from '@huimin/grpc';
export const ORDER_PROTO = 'huimin/eldercare/v1/order.proto';

/** Types generated from the proto, committed under generated/ and checked for drift by a unit test. */
export const eldercareProtoTypes = protoTypes({
  proto: ORDER_PROTO,
  generatedDir: fileURLToPath(new URL('./generated/', import.meta.url)),
});
