import { Type } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import { defineEvent, type EventDefinition } from './define-event.ts';
import { defineTopic } from './define-topic.ts';
import { taicang } from './jurisdiction/index.ts';
import { type AnyEvent, eventDefinition, events, eventsOnTopic, isEventType, topics } from './registry.ts';
import { isSyntheticResidentId } from './synthetic-resident-id.ts';
import * as topicExports from './topics.ts';
import { householdFeed } from './topics.ts';
import { validateEvent } from './validate-event.ts';

const definitions = Object.values(events) as EventDefinition[];
const allTopics = Object.values(topics);
const feedTopics = allTopics.filter((t) => t.name.startsWith('huimin.feed.'));

/** Every [pointer, value] in a JSON value. */
function* walk(value: unknown, pointer = ''): Generator<[string, unknown]> {
  yield [pointer, value];
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) yield* walk(item, `${pointer}/${i}`);
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) yield* walk(item, `${pointer}/${key}`);
  }
}

describe('the registry', () => {
  it('holds each declared type under its own ce_type and finds it again', () => {
    for (const [type, d] of Object.entries(events)) {
      expect(d.type).toBe(type);
      expect(isEventType(type)).toBe(true);
      expect(eventDefinition(type)).toBe(d);
    }
    expect(eventDefinition('huimin.nothing.v1')).toBeUndefined();
    expect(isEventType('toString')).toBe(false);
  });

  it('declares the event types later services publish', () => {
    const names = definitions.map((d) => d.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'RiskFlagged',
        'RiskCleared',
        'EligibilityDecided',
        'AlertRaised',
        'AlertAcknowledged',
        'AlertResolved',
        'AlertEscalated',
        'CheckOnMissed',
      ]),
    );
  });

  it('lists every topic topics.ts declares', () => {
    expect(allTopics.map((t) => t.name).sort()).toEqual(
      Object.values(topicExports)
        .map((t) => t.name)
        .sort(),
    );
  });

  it('puts every event on a declared topic, and every topic carries events', () => {
    for (const d of definitions) expect(topics[d.topic.name as keyof typeof topics]).toBe(d.topic);
    for (const t of allTopics) expect(eventsOnTopic(t).length).toBeGreaterThan(0);
  });

  it("keys every example by its topic's key field", () => {
    for (const d of definitions) {
      const example = d.example as Record<string, unknown>;
      const expected =
        d.topic.key === 'householdId|residentId'
          ? (example.householdId ?? example.residentId)
          : example[d.topic.key];
      expect([d.name, d.key(d.example)]).toEqual([d.name, expected]);
      expect(d.key(d.example)).not.toBe('');
    }
  });

  it('gives every feed payload a required calendar businessDate', () => {
    for (const t of feedTopics) {
      for (const d of eventsOnTopic(t)) {
        expect([d.name, d.schema.required]).toEqual([d.name, expect.arrayContaining(['businessDate'])]);
        expect(d.schema.properties.businessDate).toMatchObject({ type: 'string', format: 'date' });
      }
    }
  });

  it('gives every feed a retraction that names what it retracts', () => {
    for (const t of feedTopics) {
      const retractions = eventsOnTopic(t).filter((d) => /(Retracted|Reversed)$/.test(d.name));
      expect([t.name, retractions.length]).toEqual([t.name, 1]);
      const retraction = retractions[0];
      expect(retraction?.schema.properties).toHaveProperty('retractsEventId');
      expect(retraction?.schema.properties).toHaveProperty('reason');
    }
  });

  it('co-partitions every household-keyed topic, with room for 12 risk consumers', () => {
    const householdKeyed = allTopics.filter((t) => t.key === 'householdId');
    expect(new Set(householdKeyed.map((t) => t.partitions))).toEqual(new Set([12]));
    expect(topics['huimin.feed.medical-expense'].partitions).toBe(12);
  });

  it('closes every object of every schema, and keeps money in non-negative integer fen', () => {
    let moneyFields = 0;
    for (const d of definitions) {
      for (const [pointer, node] of walk(JSON.parse(JSON.stringify(d.schema)))) {
        if (node === null || typeof node !== 'object') continue;
        const schema = node as Record<string, unknown>;
        if (schema.type === 'object')
          expect([d.name, pointer, schema.additionalProperties]).toEqual([d.name, pointer, false]);
        if (/Fen$/.test(pointer)) {
          moneyFields++;
          expect([d.name, pointer, schema.type, schema.minimum]).toEqual([d.name, pointer, 'integer', 0]);
        }
      }
    }
    expect(moneyFields).toBeGreaterThanOrEqual(15);
  });

  it('uses only synthetic resident IDs and known communities in examples', () => {
    let ids = 0;
    for (const d of definitions) {
      for (const [pointer, value] of walk(d.example)) {
        if (typeof value !== 'string') continue;
        if (/^\d{17}[\dX]$/.test(value)) {
          ids++;
          expect([d.name, pointer, isSyntheticResidentId(value)]).toEqual([d.name, pointer, true]);
        }
        if (/communityCode$/.test(pointer)) expect(taicang.isCommunity(value)).toBe(true);
      }
    }
    expect(ids).toBeGreaterThan(10);
  });
});

describe('defineEvent and defineTopic', () => {
  const schema = Type.Object({ householdId: Type.String() }, { additionalProperties: false });
  const base = {
    name: 'SomethingHappened',
    type: 'huimin.test.something.happened.v1',
    version: 1,
    topic: householdFeed,
    key: (p: { householdId: string }) => p.householdId,
    schema,
    example: { householdId: 'h1' },
    description: 'test',
  };

  it('accepts a well-formed declaration', () => {
    expect(defineEvent(base).type).toBe('huimin.test.something.happened.v1');
  });

  it('refuses a type whose version suffix disagrees, a bad name, or an open payload', () => {
    expect(() => defineEvent({ ...base, version: 2 })).toThrow(/does not end in \.v2/);
    expect(() => defineEvent({ ...base, type: 'risk.flagged' })).toThrow(/is not huimin/);
    expect(() => defineEvent({ ...base, name: 'something_happened' })).toThrow(/PascalCase/);
    expect(() => defineEvent({ ...base, schema: Type.Object({ householdId: Type.String() }) })).toThrow(
      /closed object/,
    );
  });

  it('refuses a bad topic name or partition count', () => {
    const topic = {
      name: 'huimin.test',
      partitions: 3,
      key: 'householdId',
      retention: { dev: 'forever', prod: 'compact' },
      description: 't',
    } as const;
    expect(defineTopic(topic).name).toBe('huimin.test');
    expect(() => defineTopic({ ...topic, name: 'Test_Topic' })).toThrow(/not huimin/);
    expect(() => defineTopic({ ...topic, partitions: 0 })).toThrow(/positive integer/);
    expect(() => defineTopic({ ...topic, retention: { dev: 'forever', prod: { ms: -1 } } })).toThrow(
      /retention/,
    );
  });
});

describe('types for consumers', () => {
  it('narrows a validated payload to its event type, and AnyEvent switches exhaustively', () => {
    const result = validateEvent(
      'huimin.feed.medical-expense.recorded.v1',
      events['huimin.feed.medical-expense.recorded.v1'].example,
    );
    // Compiles only because the value is typed from the schema.
    const outOfPocket = result.ok
      ? result.value.totalCostFen - result.value.insurancePaidFen - result.value.medicalAssistancePaidFen
      : -1;
    expect(outOfPocket).toBe(1_500_200);

    const householdOf = (event: AnyEvent): string | undefined => {
      switch (event.type) {
        case 'huimin.risk.flagged.v1':
        case 'huimin.risk.cleared.v1':
          return event.payload.householdId;
        case 'huimin.feed.medical-expense.recorded.v1':
          return undefined;
        default:
          return 'householdId' in event.payload ? event.payload.householdId : undefined;
      }
    };
    expect(
      householdOf({ type: 'huimin.risk.flagged.v1', payload: events['huimin.risk.flagged.v1'].example }),
    ).toBe('HH-320585100001-0107');
  });
});
