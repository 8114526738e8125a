import { EVENT_ID_PATTERN } from '../domain/event-id.ts';

// JSON Schemas for the OpenAPI document (Swagger UI at /docs) and for serialising responses.
// Event payload schemas come from libs/contracts, one operation per event type.

export const Problem = {
  type: 'object',
  properties: {
    pointer: { type: 'string', description: 'JSON pointer (RFC 6901) into what was sent' },
    code: { type: 'string' },
    message: { type: 'string' },
  },
  required: ['pointer', 'code', 'message'],
} as const;

export const ErrorBody = {
  type: 'object',
  description:
    '4xx: what to fix (`details` lists every problem with its JSON pointer). 503 or a timeout: the outcome is unknown; retry with the same Idempotency-Key.',
  properties: {
    code: { type: 'string' },
    message: { type: 'string' },
    details: {},
    requestId: { type: 'string' },
  },
  required: ['code', 'message'],
} as const;

export const Accepted = {
  type: 'object',
  description: 'The event is durably in Kafka (acks=all).',
  properties: {
    status: { type: 'string', enum: ['accepted'] },
    id: { type: 'string', description: 'the event id: the Idempotency-Key sent' },
    ceId: { type: 'string', description: 'the CloudEvents id it was published under: `<department>:<id>`' },
    type: { type: 'string' },
    receivedAt: { type: 'string', format: 'date-time', description: 'when ingest first accepted it' },
    replayed: { type: 'boolean', description: 'true when this is the stored answer to an earlier request' },
  },
  required: ['status', 'id', 'ceId', 'type', 'receivedAt', 'replayed'],
} as const;

export const LineResult = {
  type: 'object',
  properties: {
    line: { type: 'integer', description: 'line number in the body, from 1' },
    id: { type: 'string' },
    status: { type: 'string', enum: ['accepted', 'rejected', 'unknown'] },
    ceId: { type: 'string' },
    receivedAt: { type: 'string', format: 'date-time' },
    replayed: { type: 'boolean' },
    code: {
      type: 'string',
      enum: [
        'MALFORMED_LINE',
        'DUPLICATE_ID',
        'EVENT_INVALID',
        'NOT_PERMITTED',
        'IDEMPOTENCY_KEY_REUSED',
        'IDEMPOTENCY_KEY_IN_FLIGHT',
      ],
    },
    problems: { type: 'array', items: Problem },
  },
  required: ['line', 'status'],
} as const;

export const BatchResult = {
  type: 'object',
  description:
    'Every line was looked at: accepted lines are durably in Kafka, rejected lines say what to fix. A 503 instead means some lines have an unknown outcome: retry the whole batch with the same Idempotency-Key; lines already accepted come back as replayed and are not published again.',
  properties: {
    submissionId: { type: 'string' },
    lines: { type: 'integer' },
    accepted: { type: 'integer' },
    rejected: { type: 'integer' },
    results: { type: 'array', items: LineResult },
  },
  required: ['submissionId', 'lines', 'accepted', 'rejected', 'results'],
} as const;

export const Receipts = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    truncated: { type: 'boolean' },
    receipts: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          submissionId: { type: 'string' },
          line: { type: ['integer', 'null'] },
          id: { type: ['string', 'null'], description: 'the event id' },
          ceId: { type: ['string', 'null'] },
          type: { type: 'string' },
          bodySha256: {
            type: ['string', 'null'],
            description: 'hex SHA-256 of the body (or the line) as received',
          },
          receivedAt: { type: 'string', format: 'date-time' },
          outcome: { type: 'string', enum: ['accepted', 'duplicate', 'rejected', 'not-permitted'] },
          reason: { type: ['string', 'null'] },
        },
        required: [
          'submissionId',
          'line',
          'id',
          'ceId',
          'type',
          'bodySha256',
          'receivedAt',
          'outcome',
          'reason',
        ],
      },
    },
  },
  required: ['id', 'truncated', 'receipts'],
} as const;

const authorization = {
  type: 'string',
  description: 'Bearer <API key>: `Authorization: Bearer hmk_<key id>_<secret>`',
};

const signature = {
  type: 'string',
  description:
    'When the department signs: `t=<unix seconds>,n=<nonce>,v1=<hex HMAC-SHA256(signing secret, t + "\\n" + n + "\\n" + METHOD + "\\n" + path + "\\n" + body)>`; a new nonce (16–64 of A-Z a-z 0-9 _ -) for every request and retry',
};

export const eventHeaders = {
  type: 'object',
  properties: {
    authorization,
    'idempotency-key': {
      type: 'string',
      pattern: EVENT_ID_PATTERN,
      description:
        'For a single event: the event id (published as ce_id `<department>:<key>`). For a batch: names the submission (GET /v1/receipts/{key}). A retry within 24 h with the same key and body gets the original answer and publishes nothing.',
    },
    'x-huimin-signature': signature,
  },
  required: ['authorization', 'idempotency-key'],
} as const;

export const readHeaders = {
  type: 'object',
  properties: { authorization, 'x-huimin-signature': signature },
  required: ['authorization'],
} as const;

/** A batch line: the event id and the payload. */
export function lineSchema(payload: unknown): object {
  return {
    type: 'object',
    description: 'One line of the NDJSON body (application/x-ndjson); up to 10,000 lines or 16 MiB.',
    properties: {
      id: { type: 'string', pattern: EVENT_ID_PATTERN, description: 'the event id, unique per department' },
      data: payload,
    },
    required: ['id', 'data'],
    additionalProperties: false,
  };
}
