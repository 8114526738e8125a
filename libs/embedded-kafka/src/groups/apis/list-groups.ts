import type { ApiHandler } from '../../protocol/api.ts';
import { ErrorCode } from '../../protocol/error-codes.ts';
import { groupCoordinatorOf } from '../groups-service.ts';

/** ListGroups v0–2. */
export const listGroupsHandler: ApiHandler = {
  apiKey: 16,
  name: 'ListGroups',
  minVersion: 0,
  maxVersion: 2,
  async handle(ctx, _reader, version) {
    const groups = groupCoordinatorOf(ctx.broker).listGroups();
    return (w) => {
      if (version >= 1) w.int32(0);
      w.int16(ErrorCode.NONE);
      w.array(groups, (gw, g) => {
        gw.string(g.groupId);
        gw.string(g.protocolType);
      });
    };
  },
};
