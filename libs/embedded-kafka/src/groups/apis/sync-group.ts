import type { ApiHandler } from '../../protocol/api.ts';
import type { SyncGroupResult } from '../group-coordinator.ts';
import { groupCoordinatorOf } from '../groups-service.ts';

/** SyncGroup v0–3; followers are held until the leader's assignment arrives. */
export const syncGroupHandler: ApiHandler = {
  apiKey: 14,
  name: 'SyncGroup',
  minVersion: 0,
  maxVersion: 3,
  async handle(ctx, reader, version) {
    const groupId = reader.string();
    const generationId = reader.int32();
    const memberId = reader.string();
    const groupInstanceId = version >= 3 ? reader.nullableString() : null;
    const assignments = reader.array((r) => ({ memberId: r.string(), assignment: Buffer.from(r.bytes()) }));
    const coordinator = groupCoordinatorOf(ctx.broker);
    const result = await new Promise<SyncGroupResult>((resolve) =>
      coordinator.syncGroup({ groupId, generationId, memberId, groupInstanceId, assignments }, resolve),
    );
    return (w) => {
      if (version >= 1) w.int32(0);
      w.int16(result.errorCode);
      w.bytes(Buffer.from(result.assignment));
    };
  },
};
