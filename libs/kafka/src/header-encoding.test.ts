import { describe, expect, it } from 'vitest';
import { encodeHeader, headerEncodingInstalled, kafkajsHeaderEncoder } from './header-encoding.ts';

const bytes = (encoder: { buf: Buffer; offset: number }) =>
  Buffer.from(encoder.buf.subarray(0, encoder.offset));

describe('header encoding', () => {
  it('writes the same bytes as kafkajs for text, buffers, empty and missing values', () => {
    const kafkajs = kafkajsHeaderEncoder();
    const headers = [
      { key: 'ce_id', value: 'medical-insurance-bureau:YB320585-2025-000187456' },
      { key: 'ce_type', value: Buffer.from('huimin.feed.medical-expense.recorded.v1') },
      { key: 'ce_source', value: '/huimin/ingest/医保局' },
      { key: 'empty', value: '' },
      { key: 'missing', value: null },
      { key: 'long', value: 'x'.repeat(5000) },
    ];
    for (const header of headers) expect(bytes(encodeHeader(header))).toEqual(bytes(kafkajs(header)));
  });

  it('encodes a shared Buffer value once per header name', () => {
    const shared = Buffer.from('2026-12-07T10:00:00.000Z');
    expect(encodeHeader({ key: 'ce_time', value: shared })).toBe(
      encodeHeader({ key: 'ce_time', value: shared }),
    );
    expect(bytes(encodeHeader({ key: 'other', value: shared }))).toEqual(
      bytes(kafkajsHeaderEncoder()({ key: 'other', value: shared })),
    );
  });

  it('is the encoder kafkajs uses when libs/kafka is loaded first', async () => {
    await import('../src/index.ts');
    expect(headerEncodingInstalled()).toBe(true);
  });
});
