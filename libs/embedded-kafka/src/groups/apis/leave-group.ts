import type { ApiHandler } from '../../protocol/api.ts';
import type { LeavingMember } from '../group-coordinator.ts';
import { groupCoordinatorOf } from '../groups-service.ts';

/** LeaveGroup v0–3 (v3 takes a list of members). */
export const leaveGroupHandler: ApiHandler = {
  apiKey: 13,
  name: 'LeaveGroup',
  minVersion: 0,
  maxVersion: 3,
  async handle(ctx, reader, version) {
    const groupId = reader.string();
    const leaving: LeavingMember[] =
      version >= 3
        ? reader.array((r) => ({ memberId: r.string(), groupInstanceId: r.nullableString() }))
        : [{ memberId: reader.string(), groupInstanceId: null }];
    const result = groupCoordinatorOf(ctx.broker).leaveGroup(groupId, leaving);
    // Before v3 the one member's outcome is the answer.
    const errorCode =
      version >= 3 || result.errorCode !== 0
        ? result.errorCode
        : (result.members[0]?.errorCode ?? result.errorCode);
    return (w) => {
      if (version >= 1) w.int32(0);
      w.int16(errorCode);
      if (version >= 3) {
        w.array(result.members, (mw, m) => {
          mw.string(m.memberId);
          mw.nullableString(m.groupInstanceId);
          mw.int16(m.errorCode);
        });
      }
    };
  },
};
