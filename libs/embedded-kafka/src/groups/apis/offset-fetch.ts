import type { ApiHandler } from '../../protocol/api.ts';
import type { Reader } from '../../protocol/reader.ts';
import { groupCoordinatorOf } from '../groups-service.ts';

/** OffsetFetch v1–4; from v2 a null topic list asks for every committed partition. */
export const offsetFetchHandler: ApiHandler = {
  apiKey: 9,
  name: 'OffsetFetch',
  minVersion: 1,
  maxVersion: 4,
  async handle(ctx, reader, version) {
    const groupId = reader.string();
    const readTopic = (r: Reader) => ({ name: r.string(), partitions: r.array((p) => p.int32()) });
    const topics = version >= 2 ? reader.nullableArray(readTopic) : reader.array(readTopic);
    const result = groupCoordinatorOf(ctx.broker).fetchOffsets(groupId, topics);
    return (w) => {
      if (version >= 3) w.int32(0);
      w.array(result.topics, (tw, t) => {
        tw.string(t.name);
        tw.array(t.partitions, (pw, p) => {
          pw.int32(p.partition);
          pw.int64(p.offset);
          pw.nullableString(p.metadata);
          pw.int16(p.errorCode);
        });
      });
      if (version >= 2) w.int16(result.errorCode);
    };
  },
};
