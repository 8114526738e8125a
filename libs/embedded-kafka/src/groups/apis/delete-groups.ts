import type { ApiHandler } from '../../protocol/api.ts';
import { groupCoordinatorOf } from '../groups-service.ts';

/** DeleteGroups v0–1: only Empty groups can go; their committed offsets go with them. */
export const deleteGroupsHandler: ApiHandler = {
  apiKey: 42,
  name: 'DeleteGroups',
  minVersion: 0,
  maxVersion: 1,
  async handle(ctx, reader) {
    const groupIds = reader.array((r) => r.string());
    const results = groupCoordinatorOf(ctx.broker).deleteGroups(groupIds);
    return (w) => {
      w.int32(0);
      w.array(results, (rw, r) => {
        rw.string(r.groupId);
        rw.int16(r.errorCode);
      });
    };
  },
};
