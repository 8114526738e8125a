import { fileURLToPath } from 'node:url';
import { protoTypes } from '@huimin/grpc';

export { PROTO_ROOT } from '@huimin/grpc';
export const ALERT_PROTO = 'huimin/discovery/v1/alert.proto';

/** Types generated from the proto, committed under generated/ and checked for drift by a unit test. */
export const discoveryProtoTypes = protoTypes({
  proto: ALERT_PROTO,
  generatedDir: fileURLToPath(new URL('./generated/', import.meta.url)),
});
