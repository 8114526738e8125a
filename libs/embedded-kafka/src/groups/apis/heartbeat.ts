import type { ApiHandler } from '../../protocol/api.ts';
import { groupCoordinatorOf } from '../groups-service.ts';

/** Heartbeat v0–3. */
export const heartbeatHandler: ApiHandler = {
  apiKey: 12,
  name: 'Heartbeat',
  minVersion: 0,
  maxVersion: 3,
  async handle(ctx, reader, version) {
    const groupId = reader.string();
    const generationId = reader.int32();
    const memberId = reader.string();
    const groupInstanceId = version >= 3 ? reader.nullableString() : null;
    const errorCode = groupCoordinatorOf(ctx.broker).heartbeat({
      groupId,
      generationId,
      memberId,
      groupInstanceId,
    });
    return (w) => {
      if (version >= 1) w.int32(0);
      w.int16(errorCode);
    };
  },
};
