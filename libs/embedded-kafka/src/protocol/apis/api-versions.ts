import type { ApiHandler } from '../api.ts';
import { ErrorCode } from '../error-codes.ts';
import type { Writer } from '../writer.ts';

export const API_VERSIONS_KEY = 18;
const MAX_VERSION = 3;

export interface ApiVersionRange {
  apiKey: number;
  minVersion: number;
  maxVersion: number;
}

/**
 * ApiVersions (key 18), v0–3. v3 is flexible (librdkafka sends it first), but its response
 * header stays v0 so a client can read it before knowing what the broker speaks.
 * `supported` lists every registered handler, so what we advertise is what we serve.
 */
export function createApiVersionsHandler(supported: () => ApiVersionRange[]): ApiHandler {
  return {
    apiKey: API_VERSIONS_KEY,
    name: 'ApiVersions',
    minVersion: 0,
    maxVersion: MAX_VERSION,
    flexibleFrom: 3,
    async handle(_ctx, reader, version) {
      if (version >= 3) {
        // Client software name and version: only informative.
        reader.compactString();
        reader.compactString();
        reader.skipTaggedFields();
      }
      const ranges = supported();
      return (w) => {
        w.int16(ErrorCode.NONE);
        if (version >= 3) {
          w.compactArray(ranges, (w, r) => {
            w.int16(r.apiKey).int16(r.minVersion).int16(r.maxVersion).emptyTaggedFields();
          });
        } else {
          w.array(ranges, (w, r) => {
            w.int16(r.apiKey).int16(r.minVersion).int16(r.maxVersion);
          });
        }
        if (version >= 1) w.int32(0); // throttle_time_ms
        if (version >= 3) w.emptyTaggedFields();
      };
    },
  };
}

/**
 * The answer to an ApiVersions version we do not speak: a v0-shaped body with
 * UNSUPPORTED_VERSION and our own range, so the client retries with a version we know.
 * The connection stays open.
 */
export function writeUnsupportedApiVersions(w: Writer): void {
  w.int16(ErrorCode.UNSUPPORTED_VERSION);
  w.int32(1).int16(API_VERSIONS_KEY).int16(0).int16(MAX_VERSION);
}
