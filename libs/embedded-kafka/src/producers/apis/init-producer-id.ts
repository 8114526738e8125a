import type { ApiHandler } from '../../protocol/api.ts';
import { ErrorCode } from '../../protocol/error-codes.ts';
import { producerIdsOf } from '../producers-service.ts';

/** InitProducerId v0–1 for idempotent producers: a fresh id at epoch 0. Transactions are not offered. */
export const initProducerIdHandler: ApiHandler = {
  apiKey: 22,
  name: 'InitProducerId',
  minVersion: 0,
  maxVersion: 1,
  async handle(ctx, reader) {
    const transactionalId = reader.nullableString();
    reader.int32(); // transaction timeout: meaningless without transactions
    let errorCode: number = ErrorCode.NONE;
    let producerId = -1;
    let producerEpoch = -1;
    if (transactionalId !== null) {
      ctx.logger.warn(
        'InitProducerId with a transactional id refused: this broker does not offer transactions',
      );
      errorCode = ErrorCode.INVALID_REQUEST;
    } else {
      producerId = producerIdsOf(ctx.broker).next();
      producerEpoch = 0;
    }
    return (w) => {
      w.int32(0);
      w.int16(errorCode);
      w.int64(producerId);
      w.int16(producerEpoch);
    };
  },
};
