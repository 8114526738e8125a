import { describe, expect, it } from 'vitest';
import {
  createEnvelope,
  type EventEnvelope,
  fromKafkaHeaders,
  isTraceparent,
  toKafkaHeaders,
} from './envelope.ts';

const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

const full: EventEnvelope = {
  id: '0b9f6c1e-7d3a-4a52-9c55-2f1e8a6d4b10',
  source: '/huimin/ingest/medical-insurance-bureau',
  type: 'huimin.feed.medical-expense.recorded.v1',
  specversion: '1.0',
  time: '2025-03-02T01:15:00.000Z',
  subject: 'claim/JS-TC-2025-000123',
  datacontenttype: 'application/json',
  traceparent,
};

describe('createEnvelope', () => {
  it('takes id and time from the injected generators', () => {
    const envelope = createEnvelope(
      { type: 'huimin.risk.flagged.v1', source: '/huimin/risk' },
      { newId: () => 'evt-1', now: () => new Date('2025-03-02T01:15:00Z') },
    );
    expect(envelope).toEqual({
      id: 'evt-1',
      source: '/huimin/risk',
      type: 'huimin.risk.flagged.v1',
      specversion: '1.0',
      time: '2025-03-02T01:15:00.000Z',
      datacontenttype: 'application/json',
    });
  });
});

describe('Kafka binary-mode headers', () => {
  it('writes the CloudEvents Kafka binding header names', () => {
    expect(toKafkaHeaders(full)).toEqual({
      ce_id: full.id,
      ce_source: full.source,
      ce_type: full.type,
      ce_specversion: '1.0',
      ce_time: full.time,
      ce_subject: full.subject,
      'content-type': 'application/json',
      traceparent,
    });
  });

  it('omits optional attributes that are absent', () => {
    const { subject: _s, traceparent: _t, ...bare } = full;
    const headers = toKafkaHeaders(bare);
    expect(Object.keys(headers).sort()).toEqual(
      ['ce_id', 'ce_source', 'ce_type', 'ce_specversion', 'ce_time', 'content-type'].sort(),
    );
  });

  it('round-trips through string headers and through Buffer headers', () => {
    const strings = toKafkaHeaders(full);
    expect(fromKafkaHeaders(strings)).toEqual({ ok: true, envelope: full });
    const buffers = Object.fromEntries(Object.entries(strings).map(([k, v]) => [k, Buffer.from(v, 'utf8')]));
    expect(fromKafkaHeaders(buffers)).toEqual({ ok: true, envelope: full });
  });

  it('keeps non-ASCII attribute values intact through bytes', () => {
    const headers = toKafkaHeaders({ ...full, subject: '城厢镇/伟阳社区' });
    const buffers = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, Buffer.from(v)]));
    const result = fromKafkaHeaders(buffers);
    expect(result.ok && result.envelope.subject).toBe('城厢镇/伟阳社区');
  });

  it('accepts a repeated header whose copies agree, rejects one whose copies differ', () => {
    const headers = toKafkaHeaders(full);
    expect(fromKafkaHeaders({ ...headers, ce_id: [Buffer.from(full.id), full.id] }).ok).toBe(true);
    expect(fromKafkaHeaders({ ...headers, ce_id: [full.id, 'other'] })).toMatchObject({
      ok: false,
      reason: 'CONFLICTING_HEADER',
      header: 'ce_id',
    });
  });

  it.each(['ce_id', 'ce_source', 'ce_type', 'ce_specversion', 'ce_time', 'content-type'])(
    'rejects a record without %s',
    (name) => {
      const headers: Record<string, string> = toKafkaHeaders(full);
      delete headers[name];
      expect(fromKafkaHeaders(headers)).toMatchObject({ ok: false, reason: 'MISSING_HEADER', header: name });
    },
  );

  it('rejects another specversion, a non-JSON content type, a bad time and invalid UTF-8', () => {
    const headers = toKafkaHeaders(full);
    expect(fromKafkaHeaders({ ...headers, ce_specversion: '0.3' })).toMatchObject({
      reason: 'UNSUPPORTED_SPECVERSION',
    });
    expect(fromKafkaHeaders({ ...headers, 'content-type': 'application/avro' })).toMatchObject({
      reason: 'UNSUPPORTED_CONTENT_TYPE',
    });
    expect(fromKafkaHeaders({ ...headers, ce_time: '2025-03-02 01:15' })).toMatchObject({
      reason: 'INVALID_TIME',
    });
    expect(fromKafkaHeaders({ ...headers, ce_time: '2025-02-30T01:15:00Z' })).toMatchObject({
      reason: 'INVALID_TIME',
    });
    expect(fromKafkaHeaders({ ...headers, ce_source: Buffer.from([0xff, 0xfe]) })).toMatchObject({
      reason: 'NOT_UTF8',
      header: 'ce_source',
    });
  });

  it('accepts application/json with a charset parameter', () => {
    const result = fromKafkaHeaders({
      ...toKafkaHeaders(full),
      'content-type': 'application/json; charset=utf-8',
    });
    expect(result.ok && result.envelope.datacontenttype).toBe('application/json');
  });

  it('drops an invalid traceparent instead of rejecting the event', () => {
    const result = fromKafkaHeaders({ ...toKafkaHeaders(full), traceparent: '00-zz-00-01' });
    expect(result.ok).toBe(true);
    expect(result.ok && 'traceparent' in result.envelope).toBe(false);
  });
});

describe('isTraceparent', () => {
  it('follows W3C Trace Context', () => {
    expect(isTraceparent(traceparent)).toBe(true);
    expect(isTraceparent('ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01')).toBe(false);
    expect(isTraceparent('00-00000000000000000000000000000000-00f067aa0ba902b7-01')).toBe(false);
    expect(isTraceparent('00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01')).toBe(false);
    expect(isTraceparent('00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01')).toBe(false);
  });
});
