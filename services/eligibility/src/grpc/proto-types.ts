import { fileURLToPath } from 'node:url';
import { protoTypes } from '@huimin/grpc';

export { PROTO_ROOT } from '@huimin/grpc';
export const ELIGIBILITY_PROTO = 'huimin/eligibility/v1/eligibility.proto';

/** Types generated from the proto, committed under generated/ and checked for drift by a unit test. */
export const eligibilityProtoTypes = protoTypes({
  proto: ELIGIBILITY_PROTO,
  generatedDir: fileURLToPath(new URL('./generated/', import.meta.url)),
});
