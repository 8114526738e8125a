import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { buildAsyncApiDocument } from './asyncapi.ts';
import { fromKafkaHeaders } from './envelope.ts';
import { jsonText } from './json-text.ts';
import { events, topics } from './registry.ts';
import { validateEvent } from './validate-event.ts';

// biome-ignore lint/suspicious/noExplicitAny: the test walks free-form JSON
type Json = Record<string, any>;

const doc = buildAsyncApiDocument() as Json;

/** Follows a local `$ref` such as `#/components/messages/RiskFlagged`. */
function resolveRef(ref: string): unknown {
  expect(ref.startsWith('#/')).toBe(true);
  return ref
    .slice(2)
    .split('/')
    .map((part) => part.replaceAll('~1', '/').replaceAll('~0', '~'))
    .reduce<unknown>((node, key) => (node as Json | undefined)?.[key], doc);
}

describe('the AsyncAPI document', () => {
  it('is AsyncAPI 3.0 with one channel per topic, addressed by the topic name, with its Kafka settings', () => {
    expect(doc.asyncapi).toBe('3.0.0');
    expect(Object.keys(doc.channels).sort()).toEqual(Object.keys(topics).sort());
    for (const topic of Object.values(topics)) {
      const channel = doc.channels[topic.name];
      expect(channel.address).toBe(topic.name);
      expect(channel.bindings.kafka).toMatchObject({ topic: topic.name, partitions: topic.partitions });
      expect(channel.bindings.kafka.topicConfiguration['cleanup.policy']).toEqual([
        topic.retention.prod === 'compact' ? 'compact' : 'delete',
      ]);
    }
  });

  it('describes every event type as a message on its topic, with its payload schema and ce_type', () => {
    const messages = doc.components.messages as Json;
    expect(Object.keys(messages).sort()).toEqual(
      Object.values(events)
        .map((e) => e.name)
        .sort(),
    );
    for (const event of Object.values(events)) {
      const message = messages[event.name];
      expect(message.payload).toEqual(JSON.parse(JSON.stringify(event.schema)));
      expect(message.headers.properties.ce_type.const).toBe(event.type);
      expect(doc.channels[event.topic.name].messages[event.name]).toEqual({
        $ref: `#/components/messages/${event.name}`,
      });
    }
  });

  it('carries examples whose payload validates and whose headers read back as an envelope of that type', () => {
    for (const event of Object.values(events)) {
      const [example] = doc.components.messages[event.name].examples;
      expect(validateEvent(event.type, example.payload).ok).toBe(true);
      const reading = fromKafkaHeaders(example.headers);
      expect(reading.ok && reading.envelope.type).toBe(event.type);
    }
  });

  it('has no dangling $ref', () => {
    const refs: string[] = [];
    const collect = (node: unknown): void => {
      if (Array.isArray(node)) node.forEach(collect);
      else if (node && typeof node === 'object') {
        for (const [key, value] of Object.entries(node)) {
          if (key === '$ref' && typeof value === 'string') refs.push(value);
          else collect(value);
        }
      }
    };
    collect(doc);
    expect(refs.length).toBeGreaterThan(Object.keys(events).length * 2);
    for (const ref of refs) expect([ref, resolveRef(ref) !== undefined]).toEqual([ref, true]);
  });
});

describe('the docs:events command', () => {
  const dir = mkdtempSync(join(tmpdir(), 'contracts-docs-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes the document where it is told to', () => {
    const out = join(dir, 'nested', 'asyncapi.json');
    const script = fileURLToPath(new URL('./cli/docs-events.ts', import.meta.url));
    execFileSync(process.execPath, [script, '--out', out], { cwd: dir });
    expect(readFileSync(out, 'utf8')).toBe(jsonText(buildAsyncApiDocument()));
  });

  it('has been re-run since the last change: the committed document matches the declarations', () => {
    const committed = fileURLToPath(new URL('../../../docs/events/asyncapi.json', import.meta.url));
    expect(readFileSync(committed, 'utf8')).toBe(jsonText(buildAsyncApiDocument()));
  });
});
