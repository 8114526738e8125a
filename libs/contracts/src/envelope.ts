import { isInstant } from './calendar-date.ts';

// CloudEvents 1.0 attributes of every Huimin event, carried in binary mode per the CloudEvents
// Kafka protocol binding: each attribute is a `ce_<name>` header, `datacontenttype` is the
// `content-type` header, the Kafka value is the JSON payload. W3C `traceparent` rides alongside.

export interface EventEnvelope {
  /** Unique per event from this source; consumers deduplicate on it (the inbox). */
  id: string;
  /** URI-reference of the producer, e.g. `/huimin/ingest/medical-insurance-bureau`. */
  source: string;
  /** Versioned event type, e.g. `huimin.risk.flagged.v1`. */
  type: string;
  specversion: '1.0';
  /** RFC 3339 instant the event happened (UTC). */
  time: string;
  /** What the event is about within the source, when useful for routing without reading the payload. */
  subject?: string;
  datacontenttype: 'application/json';
  /** W3C trace context of the producing span. */
  traceparent?: string;
}

export interface EnvelopeAttributes {
  type: string;
  source: string;
  subject?: string;
  traceparent?: string;
}

/** A fresh envelope; id and time come from the injected generators so tests stay deterministic. */
export function createEnvelope(
  attributes: EnvelopeAttributes,
  deps: { newId: () => string; now: () => Date },
): EventEnvelope {
  const envelope: EventEnvelope = {
    id: deps.newId(),
    source: attributes.source,
    type: attributes.type,
    specversion: '1.0',
    time: deps.now().toISOString(),
    datacontenttype: 'application/json',
  };
  if (attributes.subject !== undefined) envelope.subject = attributes.subject;
  if (attributes.traceparent !== undefined) envelope.traceparent = attributes.traceparent;
  return envelope;
}

/** Header values as Kafka clients hand them over: bytes or strings, sometimes repeated. */
export type KafkaHeaderValue = Uint8Array | string;
export type KafkaHeaders = Record<string, KafkaHeaderValue | KafkaHeaderValue[] | undefined>;

export function toKafkaHeaders(envelope: EventEnvelope): Record<string, string> {
  const headers: Record<string, string> = {
    ce_id: envelope.id,
    ce_source: envelope.source,
    ce_type: envelope.type,
    ce_specversion: envelope.specversion,
    ce_time: envelope.time,
    'content-type': envelope.datacontenttype,
  };
  if (envelope.subject !== undefined) headers.ce_subject = envelope.subject;
  if (envelope.traceparent !== undefined) headers.traceparent = envelope.traceparent;
  return headers;
}

export type EnvelopeRejection =
  | 'MISSING_HEADER'
  | 'CONFLICTING_HEADER'
  | 'NOT_UTF8'
  | 'UNSUPPORTED_SPECVERSION'
  | 'UNSUPPORTED_CONTENT_TYPE'
  | 'INVALID_TIME';

export type EnvelopeReading =
  | { ok: true; envelope: EventEnvelope }
  | { ok: false; reason: EnvelopeRejection; header: string; message: string };

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Reads the envelope back from Kafka headers. A malformed envelope is a result, not an exception,
 * so a consumer can dead-letter the record with the reason. An invalid `traceparent` is dropped
 * rather than rejected, as W3C Trace Context asks (the consumer then starts a new trace).
 */
export function fromKafkaHeaders(headers: KafkaHeaders): EnvelopeReading {
  const read = (
    name: string,
  ): { ok: true; value: string | undefined } | Extract<EnvelopeReading, { ok: false }> => {
    const raw = headers[name];
    if (raw === undefined) return { ok: true, value: undefined };
    const values: string[] = [];
    for (const item of Array.isArray(raw) ? raw : [raw]) {
      if (typeof item === 'string') {
        values.push(item);
        continue;
      }
      try {
        values.push(utf8.decode(item));
      } catch (_err: unknown) {
        return { ok: false, reason: 'NOT_UTF8', header: name, message: `header ${name} is not valid UTF-8` };
      }
    }
    // A repeated header is only acceptable when every copy agrees.
    if (values.some((v) => v !== values[0])) {
      return {
        ok: false,
        reason: 'CONFLICTING_HEADER',
        header: name,
        message: `header ${name} has conflicting values`,
      };
    }
    return { ok: true, value: values[0] };
  };

  const values: Record<string, string | undefined> = {};
  for (const name of [
    'ce_id',
    'ce_source',
    'ce_type',
    'ce_specversion',
    'ce_time',
    'ce_subject',
    'content-type',
    'traceparent',
  ]) {
    const result = read(name);
    if (!result.ok) return result;
    values[name] = result.value;
  }
  for (const name of ['ce_id', 'ce_source', 'ce_type', 'ce_specversion', 'ce_time', 'content-type']) {
    if (!values[name]) {
      return {
        ok: false,
        reason: 'MISSING_HEADER',
        header: name,
        message: `header ${name} is missing or empty`,
      };
    }
  }
  if (values.ce_specversion !== '1.0') {
    return {
      ok: false,
      reason: 'UNSUPPORTED_SPECVERSION',
      header: 'ce_specversion',
      message: 'only CloudEvents specversion 1.0 is supported',
    };
  }
  // Media-type parameters (charset=utf-8) do not change what the payload is.
  const mediaType = values['content-type']?.split(';')[0]?.trim().toLowerCase();
  if (mediaType !== 'application/json') {
    return {
      ok: false,
      reason: 'UNSUPPORTED_CONTENT_TYPE',
      header: 'content-type',
      message: 'the payload must be application/json',
    };
  }
  const time = values.ce_time ?? '';
  if (!isInstant(time)) {
    return {
      ok: false,
      reason: 'INVALID_TIME',
      header: 'ce_time',
      message: 'ce_time is not an RFC 3339 instant',
    };
  }

  const envelope: EventEnvelope = {
    id: values.ce_id ?? '',
    source: values.ce_source ?? '',
    type: values.ce_type ?? '',
    specversion: '1.0',
    time,
    datacontenttype: 'application/json',
  };
  if (values.ce_subject) envelope.subject = values.ce_subject;
  if (values.traceparent && isTraceparent(values.traceparent)) envelope.traceparent = values.traceparent;
  return { ok: true, envelope };
}

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$/;

/** W3C Trace Context: version 00 shape, not version ff, and neither id all zeros. */
export function isTraceparent(value: string): boolean {
  const match = TRACEPARENT.exec(value);
  if (!match) return false;
  return match[1] !== 'ff' && !/^0+$/.test(match[2] ?? '') && !/^0+$/.test(match[3] ?? '');
}
