import type { ApiHandler } from '../../protocol/api.ts';
import { ErrorCode } from '../../protocol/error-codes.ts';

const KEY_TYPE_GROUP = 0;
const KEY_TYPE_TRANSACTION = 1;

/** FindCoordinator v0–2: this single broker coordinates every group. */
export const findCoordinatorHandler: ApiHandler = {
  apiKey: 10,
  name: 'FindCoordinator',
  minVersion: 0,
  maxVersion: 2,
  async handle(ctx, reader, version) {
    reader.string(); // the group id: every key maps to us
    const keyType = version >= 1 ? reader.int8() : KEY_TYPE_GROUP;
    const { nodeId, advertisedHost, advertisedPort } = ctx.broker.settings;
    // Transactions are not offered, so there is no transaction coordinator to point at.
    const errorCode =
      keyType === KEY_TYPE_GROUP
        ? ErrorCode.NONE
        : keyType === KEY_TYPE_TRANSACTION
          ? ErrorCode.COORDINATOR_NOT_AVAILABLE
          : ErrorCode.INVALID_REQUEST;
    const ok = errorCode === ErrorCode.NONE;
    return (w) => {
      if (version >= 1) w.int32(0);
      w.int16(errorCode);
      if (version >= 1) w.nullableString(null);
      w.int32(ok ? nodeId : -1);
      w.string(ok ? advertisedHost : '');
      w.int32(ok ? advertisedPort : -1);
    };
  },
};
