import { createHmac } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isEventType, validateEvent } from '@huimin/contracts';

// A small stand-in for ingest's HTTP API (services/ingest/README.md), strict about what it is
// sent: API key per department, the department's grant, media types, Idempotency-Key, NDJSON
// lines of exactly {id, data}, contract validation, optional signatures; idempotent like ingest
// (a known id with the same bytes is replayed, with other bytes refused). Faults are injected per
// Idempotency-Key to prove the client's retries.

const GRANTS: Record<string, readonly string[]> = {
  'medical-insurance-bureau': ['medical-expense'],
  'household-registry': ['household'],
  'human-resources': ['member-income', 'department-signal'],
  'disabled-persons-federation': ['disability'],
  'assistance-system': ['assistance-enrolment', 'member-income', 'household-assets'],
  'grid-management': ['department-signal'],
};

export type Fault =
  /** Answer 503 without looking at the request. */
  | 'unavailable'
  /** Accept the events, then answer 503 anyway (the outcome the client sees is "unknown"). */
  | 'accept-then-unavailable'
  /** Never answer (the client must time out). */
  | 'hang';

export interface ReceivedRequest {
  path: string;
  department: string | undefined;
  idempotencyKey: string;
  contentType: string;
  signature: string | undefined;
  body: string;
}

export interface FakeIngest {
  url: string;
  requests: ReceivedRequest[];
  /** Accepted events in the order accepted (each id once). */
  accepted: { department: string; type: string; id: string; body: string }[];
  /** Faults to apply to the next requests carrying a key, in order. */
  faults: Map<string, Fault[]>;
  /** Event ids to reject as invalid. */
  rejectIds: Set<string>;
  /** Problems found in what the simulator sent: must stay empty. */
  violations: string[];
  close(): Promise<void>;
}

export async function startFakeIngest(options: {
  keys: Record<string, string>;
  signingSecrets?: Record<string, string>;
  /** Delay before answering, per request (spreads answers out of order). */
  delayMs?: (key: string) => number;
}): Promise<FakeIngest> {
  const departmentOfKey = new Map(Object.entries(options.keys).map(([dept, key]) => [key, dept]));
  const seen = new Map<string, string>(); // department:id → bytes
  const hanging: ServerResponse[] = [];
  const fake: Omit<FakeIngest, 'url' | 'close'> = {
    requests: [],
    accepted: [],
    faults: new Map(),
    rejectIds: new Set(),
    violations: [],
  };

  const answer = (res: ServerResponse, status: number, body: unknown): void => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };

  /** Accepts one event unless it breaks the contract; returns its line result. */
  function take(department: string, type: string, id: string, data: unknown, bytes: string) {
    if (fake.rejectIds.has(id)) return { status: 'rejected', code: 'EVENT_INVALID', problems: [] };
    const result = validateEvent(type, data);
    if (!result.ok) {
      fake.violations.push(`${id} breaks its contract: ${JSON.stringify(result.errors)}`);
      return { status: 'rejected', code: 'EVENT_INVALID', problems: result.errors };
    }
    const known = seen.get(`${department}:${id}`);
    if (known !== undefined) {
      if (known !== bytes) {
        fake.violations.push(`${id} re-sent with other content`);
        return { status: 'rejected', code: 'IDEMPOTENCY_KEY_REUSED' };
      }
      return { status: 'accepted', ceId: `${department}:${id}`, replayed: true };
    }
    seen.set(`${department}:${id}`, bytes);
    fake.accepted.push({ department, type, id, body: bytes });
    return { status: 'accepted', ceId: `${department}:${id}`, replayed: false };
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    const body = raw.toString('utf8');
    const path = req.url ?? '';
    const key = String(req.headers['idempotency-key'] ?? '');
    const auth = /^Bearer (\S+)$/.exec(String(req.headers.authorization ?? ''))?.[1];
    const department = auth === undefined ? undefined : departmentOfKey.get(auth);
    const signature = req.headers['x-huimin-signature'] as string | undefined;
    fake.requests.push({
      path,
      department,
      idempotencyKey: key,
      contentType: String(req.headers['content-type']),
      signature,
      body,
    });

    const fault = fake.faults.get(key)?.shift();
    if (fault === 'hang') {
      hanging.push(res);
      return;
    }
    if (fault === 'unavailable') return answer(res, 503, { code: 'UNAVAILABLE', message: 'try again' });
    await new Promise((resolve) => setTimeout(resolve, options.delayMs?.(key) ?? 0));

    if (department === undefined)
      return answer(res, 401, { code: 'UNAUTHENTICATED', message: 'the API key is not valid' });
    const match = /^\/v1\/events\/([a-z0-9.-]+?)(\/batch)?$/.exec(path);
    const type = match?.[1] ?? '';
    const batch = match?.[2] !== undefined;
    if (req.method !== 'POST' || !isEventType(type))
      return answer(res, 404, { code: 'UNKNOWN_EVENT_TYPE', message: 'no such feed' });
    if (!(GRANTS[department] ?? []).some((area) => type.startsWith(`huimin.feed.${area}.`))) {
      fake.violations.push(`${department} sent ${type}, outside its grant`);
      return answer(res, 403, { code: 'NOT_PERMITTED', message: 'not this type' });
    }
    if (!/^[A-Za-z0-9][A-Za-z0-9._:-]{0,95}$/.test(key)) {
      fake.violations.push(`bad Idempotency-Key ${key}`);
      return answer(res, 400, { code: 'IDEMPOTENCY_KEY_INVALID', message: 'bad key' });
    }
    const secret = options.signingSecrets?.[department];
    if (secret !== undefined) {
      const m = /^t=(\d+),n=([A-Za-z0-9_-]{16,64}),v1=([0-9a-f]{64})$/.exec(signature ?? '');
      const expected =
        m &&
        createHmac('sha256', secret).update(`${m[1]}\n${m[2]}\nPOST\n${path}\n`).update(raw).digest('hex');
      if (!m || expected !== m[3] || Math.abs(Date.now() / 1000 - Number(m[1])) > 300) {
        fake.violations.push(`bad signature on ${key}`);
        return answer(res, 401, { code: 'SIGNATURE_INVALID', message: 'bad signature' });
      }
    }
    const mediaType = String(req.headers['content-type']).split(';')[0];
    if (mediaType !== (batch ? 'application/x-ndjson' : 'application/json')) {
      fake.violations.push(`wrong content type ${mediaType} on ${path}`);
      return answer(res, 415, { code: 'UNSUPPORTED_MEDIA_TYPE', message: 'wrong media type' });
    }

    let reply: { status: number; body: unknown };
    if (!batch) {
      const result = take(department, type, key, JSON.parse(body), body);
      reply =
        result.status === 'accepted'
          ? {
              status: 202,
              body: {
                status: 'accepted',
                id: key,
                ceId: result.ceId,
                type,
                receivedAt: new Date().toISOString(),
                replayed: result.replayed,
              },
            }
          : {
              status: result.code === 'IDEMPOTENCY_KEY_REUSED' ? 422 : 400,
              body: { code: result.code, message: 'no', details: result.problems },
            };
    } else {
      if (!body.endsWith('\n')) fake.violations.push(`batch ${key} does not end with a newline`);
      const lines = body.split('\n').filter((line) => line !== '');
      const results = lines.map((text, i) => {
        const parsed = JSON.parse(text) as Record<string, unknown>;
        if (Object.keys(parsed).sort().join(',') !== 'data,id')
          fake.violations.push(`line ${i + 1} of ${key} is not {id, data}`);
        return {
          line: i + 1,
          id: parsed.id,
          ...take(department, type, String(parsed.id), parsed.data, JSON.stringify(parsed.data)),
        };
      });
      const accepted = results.filter((r) => r.status === 'accepted').length;
      reply = {
        status: 200,
        body: {
          submissionId: key,
          lines: lines.length,
          accepted,
          rejected: lines.length - accepted,
          results,
        },
      };
    }
    if (fault === 'accept-then-unavailable')
      return answer(res, 503, { code: 'UNAVAILABLE', message: 'outcome unknown' });
    answer(res, reply.status, reply.body);
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      fake.violations.push(`fake ingest failed: ${String(err)}`);
      answer(res, 500, { code: 'INTERNAL', message: 'fake failed' });
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    ...fake,
    url: `http://127.0.0.1:${port}`,
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}
