// Hostile calls to every method of every gRPC service declared under proto/ (so a new method is
// covered without editing this file): requests generated from each method's own message types,
// with injection strings, extreme numbers and huge repeated fields, and raw bytes that are not a
// valid message at all, under every kind of token.

import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import fc from 'fast-check';
import { injectionStrings } from './schema-bodies.ts';

const PROTO_ROOT = fileURLToPath(new URL('../../proto/', import.meta.url));

export interface GrpcMethod {
  /** The platform service that serves it: the package's second part (`huimin.<service>.v1`). */
  service: string;
  /** `/huimin.discovery.v1.AlertService/GetAlert` */
  path: string;
  serialize: (value: object) => Buffer;
  /** The request message's descriptor. */
  requestType: Descriptor;
  /** The services allowed to call it, as `callers.json` beside its proto declares. */
  callers: string[];
}

interface Field {
  name: string;
  label: string;
  type: string;
  typeName: string;
}
interface Descriptor {
  name: string;
  field: Field[];
}

function protoFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? protoFiles(join(dir, entry.name))
      : entry.name.endsWith('.proto')
        ? [relative(PROTO_ROOT, join(dir, entry.name))]
        : [],
  );
}

export function grpcMethods(): { methods: GrpcMethod[]; definition: protoLoader.PackageDefinition } {
  const definition = protoLoader.loadSync(protoFiles(join(PROTO_ROOT, 'huimin')), {
    includeDirs: [PROTO_ROOT],
    keepCase: true,
    longs: String,
    enums: String,
    defaults: true,
  });
  const methods: GrpcMethod[] = [];
  for (const [name, entry] of Object.entries(definition)) {
    if ('format' in entry) continue; // a message or enum, not a service
    const service = name.split('.')[1] ?? name;
    const callersFile = join(PROTO_ROOT, ...name.split('.').slice(0, -1), 'callers.json');
    const callers = JSON.parse(readFileSync(callersFile, 'utf8'))[name] as Record<string, string[]>;
    for (const [methodName, method] of Object.entries(entry as grpc.ServiceDefinition)) {
      methods.push({
        callers: callers[methodName] ?? [],
        service,
        path: method.path,
        serialize: method.requestSerialize as (value: object) => Buffer,
        requestType: (method as unknown as { requestType: { type: Descriptor } }).requestType.type,
      });
    }
  }
  return { methods, definition };
}

const strings = [...injectionStrings, '', 'A'.repeat(100_000), 'HH-0001', 'ALR-2026-000001', '2026-13-45'];
const int64s = ['9223372036854775807', '-9223372036854775808', '0', '-1', '100'];
const int32s = [2_147_483_647, -2_147_483_648, 0, -1, 7];

function messageArbitrary(
  descriptor: Descriptor,
  definition: protoLoader.PackageDefinition,
  depth: number,
  /** Inside a huge repeated field: no huge strings, no further huge arrays. */
  bounded = false,
): fc.Arbitrary<Record<string, unknown>> {
  const fields: Record<string, fc.Arbitrary<unknown>> = {};
  for (const field of descriptor.field) {
    let value: fc.Arbitrary<unknown>;
    switch (field.type) {
      case 'TYPE_STRING':
        value = fc.oneof(
          fc.constantFrom(...strings.filter((s) => !bounded || s.length < 1_000)),
          fc.string({ unit: 'binary', maxLength: 40 }),
        );
        break;
      case 'TYPE_INT64':
      case 'TYPE_UINT64':
      case 'TYPE_SINT64':
        value = fc.constantFrom(...int64s);
        break;
      case 'TYPE_INT32':
      case 'TYPE_UINT32':
      case 'TYPE_SINT32':
        value = fc.constantFrom(...int32s);
        break;
      case 'TYPE_BOOL':
        value = fc.boolean();
        break;
      case 'TYPE_MESSAGE': {
        const nested = (definition[field.typeName.replace(/^\./, '')] as { type?: Descriptor } | undefined)
          ?.type;
        value =
          nested && depth < 4 ? messageArbitrary(nested, definition, depth + 1, bounded) : fc.constant({});
        break;
      }
      default:
        value = fc.constant(undefined);
    }
    if (field.label !== 'LABEL_REPEATED') fields[field.name] = value;
    else if (bounded) fields[field.name] = fc.array(value, { maxLength: 2 });
    else {
      const small =
        field.type === 'TYPE_MESSAGE'
          ? messageArbitrary(
              (definition[field.typeName.replace(/^\./, '')] as { type: Descriptor }).type,
              definition,
              depth + 1,
              true,
            )
          : value.filter((v) => typeof v !== 'string' || v.length < 1_000);
      fields[field.name] = fc.oneof(
        { weight: 4, arbitrary: fc.array(value, { maxLength: 4 }) },
        { weight: 1, arbitrary: small.map((v) => Array.from({ length: 3_000 }, () => v)) },
      );
    }
  }
  return fc.record(fields, { requiredKeys: [] });
}

/** `runs` generated requests for one method, serialized, plus raw bytes that are no message. */
export function grpcRequests(
  method: GrpcMethod,
  definition: protoLoader.PackageDefinition,
  runs: number,
  seed: number,
): { name: string; bytes: Buffer }[] {
  const generated = fc
    .sample(messageArbitrary(method.requestType, definition, 0), { numRuns: runs, seed })
    .map((request) => ({ name: 'generated', bytes: method.serialize(request) }));
  // Field 1 as a length-delimited value that is not UTF-8, a NUL, a truncated length, garbage.
  const raw = [
    Buffer.from([0x0a, 0x02, 0xff, 0xfe]),
    Buffer.from([0x0a, 0x01, 0x00]),
    Buffer.from([0x0a, 0x7f, 0x41]),
    Buffer.from([0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]),
    ...fc.sample(fc.uint8Array({ minLength: 1, maxLength: 64 }), { numRuns: Math.max(3, runs / 2), seed }),
  ].map((bytes) => ({ name: 'raw', bytes: Buffer.from(bytes) }));
  return [...generated, ...raw];
}

export interface GrpcAnswer {
  code: grpc.status;
  details: string;
}

/** One unary call with bytes as they are (no client-side serialization). */
export function callRaw(
  client: grpc.Client,
  path: string,
  bytes: Buffer,
  authorization: string | undefined,
): Promise<GrpcAnswer> {
  const metadata = new grpc.Metadata();
  if (authorization) metadata.set('authorization', authorization);
  return new Promise((resolve) => {
    client.makeUnaryRequest(
      path,
      (b: Buffer) => b,
      (b: Buffer) => b,
      bytes,
      metadata,
      { deadline: Date.now() + 15_000 },
      (err) =>
        resolve(err ? { code: err.code, details: err.details } : { code: grpc.status.OK, details: '' }),
    );
  });
}
