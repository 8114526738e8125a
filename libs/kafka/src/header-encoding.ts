// kafkajs encodes every header of every record into an encoder of its own, each starting as a
// zero-filled 512-byte buffer: with CloudEvents' seven or eight headers that is most of the cost
// of producing a record (profiles of ingest's NDJSON batches: about a fifth of its CPU in those
// allocations and the garbage they leave). This replaces kafkajs's header encoder (same bytes) with
// one that sizes each encoder to its header and encodes a header whose value is a Buffer once per
// Buffer, so a batch that shares one Buffer per header across its records encodes it once.
//
// It works by putting the replacement into the CommonJS module cache before kafkajs loads its
// record encoder, so this module must be imported before kafkajs (libs/kafka's index.ts imports it
// first). Loaded later, kafkajs simply keeps its own encoder: slower, the same bytes.
import { createRequire, Module } from 'node:module';

interface EncoderLike {
  buf: Buffer;
  offset: number;
  writeVarIntString(value: string): EncoderLike;
  writeVarIntBytes(value: Buffer | string | null | undefined): EncoderLike;
}
type EncoderClass = new (initialSize?: number) => EncoderLike;
type HeaderValue = Buffer | string | null | undefined;

const require = createRequire(import.meta.url);
const kafkajsRoot = require.resolve('kafkajs').replace(/index\.js$/, '');
const headerPath = require.resolve(`${kafkajsRoot}src/protocol/recordBatch/header/v0/index.js`);
const Encoder = require(`${kafkajsRoot}src/protocol/encoder.js`) as EncoderClass;

const encodedOnce = new WeakMap<Buffer, Map<string, EncoderLike>>();

function encode(key: string, value: HeaderValue): EncoderLike {
  const size = Buffer.byteLength(key) + (value == null ? 0 : Buffer.byteLength(value)) + 10;
  return new Encoder(size).writeVarIntString(key).writeVarIntBytes(value);
}

/** kafkajs's `Header({ key, value })`: an encoder holding the header's bytes (read, never written). */
export function encodeHeader({ key, value }: { key: string; value: HeaderValue }): EncoderLike {
  if (!Buffer.isBuffer(value)) return encode(key, value);
  let byKey = encodedOnce.get(value);
  if (byKey === undefined) {
    byKey = new Map();
    encodedOnce.set(value, byKey);
  }
  let encoded = byKey.get(key);
  if (encoded === undefined) {
    encoded = encode(key, value);
    byKey.set(key, encoded);
  }
  return encoded;
}

/** kafkajs's own header encoder, for the test that compares bytes. */
export function kafkajsHeaderEncoder(): (header: { key: string; value: HeaderValue }) => EncoderLike {
  return ({ key, value }) => new Encoder().writeVarIntString(key).writeVarIntBytes(value);
}

if (require.cache[headerPath] === undefined) {
  const replacement = new Module(headerPath);
  replacement.filename = headerPath;
  replacement.loaded = true;
  replacement.exports = encodeHeader;
  require.cache[headerPath] = replacement;
}

/** True when kafkajs encodes headers with encodeHeader (it loaded after this module). */
export function headerEncodingInstalled(): boolean {
  return require.cache[headerPath]?.exports === encodeHeader;
}
