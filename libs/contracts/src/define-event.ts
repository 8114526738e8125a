import type { Static, TObject } from '@sinclair/typebox';
import type { TopicDefinition } from './define-topic.ts';

/** A problem a JSON Schema cannot express (cross-field consistency, membership in reference data). */
export interface RuleViolation {
  pointer: string;
  code: 'INCONSISTENT' | 'DUPLICATE' | 'UNKNOWN_CODE';
  message: string;
}

export interface EventDefinition<TType extends string = string, TSchema extends TObject = TObject> {
  /** Past tense, PascalCase: what happened. */
  name: string;
  /** `huimin.<area>.<…>.v<version>`, sent as `ce_type`. */
  type: TType;
  version: number;
  topic: TopicDefinition;
  /**
   * The Kafka key: must be the field the topic is keyed by, so an aggregate's events stay in order.
   * (Method syntax on purpose: it lets any definition be used where `EventDefinition` is expected.)
   */
  key(payload: Static<TSchema>): string;
  schema: TSchema;
  example: Static<TSchema>;
  description: string;
  /**
   * Producer-side rules checked after the schema passes (ingest rejects violations). Consumers do
   * not re-run them: reference data changes (a community is merged) must not make history unreadable.
   */
  rules?(payload: Static<TSchema>): RuleViolation[];
}

const EVENT_TYPE = /^huimin(\.[a-z0-9]+(-[a-z0-9]+)*)+\.v([1-9]\d*)$/;
const EVENT_NAME = /^[A-Z][A-Za-z0-9]+$/;

/** Declares an event type once: its schema gives both the JSON Schema and the TypeScript type. */
export function defineEvent<const TType extends string, TSchema extends TObject>(
  definition: EventDefinition<TType, TSchema>,
): EventDefinition<TType, TSchema> {
  const match = EVENT_TYPE.exec(definition.type);
  if (!match) throw new Error(`event type ${definition.type} is not huimin.<…>.v<version>`);
  if (Number(match[3]) !== definition.version) {
    throw new Error(`event type ${definition.type} does not end in .v${definition.version}`);
  }
  if (!EVENT_NAME.test(definition.name)) throw new Error(`event name ${definition.name} is not PascalCase`);
  if (definition.schema.additionalProperties !== false) {
    throw new Error(`event ${definition.name}: the payload schema must be a closed object`);
  }
  return definition;
}
