import { Kind, type TObject, type TSchema } from '@sinclair/typebox';
import { type TypeCheck, TypeCompiler } from '@sinclair/typebox/compiler';
import { type ValueError, ValueErrorType } from '@sinclair/typebox/errors';
import type { EventDefinition } from './define-event.ts';
import { type EventPayload, type EventType, eventDefinition, events } from './registry.ts';
import { validateResidentId } from './resident-id.ts';

export type ValidationErrorCode =
  | 'UNKNOWN_EVENT_TYPE'
  | 'REQUIRED'
  | 'UNKNOWN_PROPERTY'
  | 'WRONG_TYPE'
  | 'NOT_INTEGER'
  | 'NOT_ALLOWED'
  | 'FORMAT'
  | 'PATTERN'
  | 'TOO_SMALL'
  | 'TOO_LARGE'
  | 'TOO_SHORT'
  | 'TOO_LONG'
  | 'INCONSISTENT'
  | 'DUPLICATE'
  | 'UNKNOWN_CODE'
  | 'INVALID';

/** One problem, located by a JSON pointer into the payload (`/members/0/residentId`). */
export interface ValidationError {
  pointer: string;
  code: ValidationErrorCode;
  /** Safe to return to the sender and to log: it never repeats the offending value. */
  message: string;
}

export type ValidationResult<T> = { ok: true; value: T } | { ok: false; errors: ValidationError[] };

export interface ValidateOptions {
  /**
   * `produce` (default): what a producer — ingest above all — must enforce: unknown properties are
   * errors and the producer rules (cross-field consistency, known community codes) run.
   * `consume`: what a consumer checks before typing a payload: unknown properties are tolerated
   * (a producer may have added an optional field since) and producer rules are not re-run.
   */
  mode?: 'produce' | 'consume';
}

/**
 * Validates a payload against its event type and reports EVERY problem with a JSON pointer, so a
 * department sending an NDJSON batch learns all it must fix at once. Producer rules run only once
 * the payload matches its schema (they read typed fields).
 */
export function validateEvent<T extends EventType>(
  type: T,
  payload: unknown,
  options?: ValidateOptions,
): ValidationResult<EventPayload<T>>;
export function validateEvent(
  type: string,
  payload: unknown,
  options?: ValidateOptions,
): ValidationResult<unknown>;
export function validateEvent(
  type: string,
  payload: unknown,
  options: ValidateOptions = {},
): ValidationResult<unknown> {
  const definition = eventDefinition(type);
  if (!definition) {
    return {
      ok: false,
      errors: [
        {
          pointer: '',
          code: 'UNKNOWN_EVENT_TYPE',
          message: `unknown event type; known types: ${Object.keys(events).join(', ')}`,
        },
      ],
    };
  }
  return validatePayload(definition, payload, options);
}

/** Validates against a definition in hand (see `validateEvent`). */
export function validatePayload<TType extends string, TSchema extends TObject>(
  definition: EventDefinition<TType, TSchema>,
  payload: unknown,
  options: ValidateOptions = {},
): ValidationResult<EventDefinition<TType, TSchema>['example']> {
  const mode = options.mode ?? 'produce';
  const check = compiled(definition, mode);
  if (!check.Check(payload)) {
    const errors: ValidationError[] = [];
    const seen = new Set<string>();
    for (const error of check.Errors(payload)) {
      // TypeBox may report one spot twice (a missing property is also "not a string"): keep the first.
      if (seen.has(error.path)) continue;
      seen.add(error.path);
      errors.push(describe(error));
    }
    return { ok: false, errors };
  }
  if (mode === 'produce' && definition.rules) {
    const violations = definition.rules(payload);
    if (violations.length > 0) return { ok: false, errors: violations };
  }
  return { ok: true, value: payload };
}

// Compiled once per definition and mode; keyed by the definition itself, so a definition built
// outside the registry never borrows a registered one's checker.
const cache = new WeakMap<EventDefinition, { produce?: TypeCheck<TObject>; consume?: TypeCheck<TObject> }>();

function compiled(definition: EventDefinition, mode: 'produce' | 'consume'): TypeCheck<TObject> {
  let checks = cache.get(definition);
  if (!checks) {
    checks = {};
    cache.set(definition, checks);
  }
  checks[mode] ??= TypeCompiler.Compile(
    mode === 'produce' ? definition.schema : openObjects(definition.schema),
  );
  return checks[mode];
}

/** A copy of the schema whose objects accept undeclared properties (keeps TypeBox's symbol keys). */
function openObjects<T extends TSchema>(schema: T): T {
  const visit = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(visit);
    if (node === null || typeof node !== 'object') return node;
    const copy: Record<PropertyKey, unknown> = {};
    for (const key of Object.getOwnPropertySymbols(node)) copy[key] = (node as Record<symbol, unknown>)[key];
    for (const [key, value] of Object.entries(node)) {
      if (key === 'additionalProperties' && value === false) continue;
      copy[key] = visit(value);
    }
    return copy;
  };
  return visit(schema) as T;
}

function describe(error: ValueError): ValidationError {
  const pointer = error.path;
  const schema = error.schema as Record<string, unknown>;
  const make = (code: ValidationErrorCode, message: string): ValidationError => ({ pointer, code, message });

  if (schema.format === 'resident-id' && typeof error.value === 'string') {
    const result = validateResidentId(error.value);
    if (!result.ok) return make('FORMAT', `invalid resident ID: ${result.message}`);
  }
  if (
    error.schema[Kind] === 'StringEnum' ||
    error.type === ValueErrorType.Literal ||
    error.type === ValueErrorType.Union
  ) {
    const allowed = Array.isArray(schema.enum) ? `: ${schema.enum.join(', ')}` : '';
    return make('NOT_ALLOWED', `must be one of the allowed values${allowed}`);
  }
  switch (error.type) {
    case ValueErrorType.ObjectRequiredProperty:
      return make('REQUIRED', 'required property is missing');
    case ValueErrorType.ObjectAdditionalProperties:
      return make('UNKNOWN_PROPERTY', 'property is not part of this event type');
    case ValueErrorType.Integer:
      return typeof error.value === 'number'
        ? make('NOT_INTEGER', 'must be a whole number (money is integer fen)')
        : make('WRONG_TYPE', 'must be an integer');
    case ValueErrorType.String:
    case ValueErrorType.Number:
    case ValueErrorType.Boolean:
    case ValueErrorType.Object:
    case ValueErrorType.Array:
      return make('WRONG_TYPE', `must be ${article(String(schema.type))}`);
    case ValueErrorType.StringFormat:
    case ValueErrorType.StringFormatUnknown:
      return make('FORMAT', formatMessage(String(schema.format)));
    case ValueErrorType.StringPattern:
      return make('PATTERN', `must match ${String(schema.pattern)}`);
    case ValueErrorType.IntegerMinimum:
    case ValueErrorType.NumberMinimum:
      return make('TOO_SMALL', `must be at least ${String(schema.minimum)}`);
    case ValueErrorType.IntegerExclusiveMinimum:
    case ValueErrorType.NumberExclusiveMinimum:
      return make('TOO_SMALL', `must be more than ${String(schema.exclusiveMinimum)}`);
    case ValueErrorType.IntegerMaximum:
    case ValueErrorType.NumberMaximum:
      return make('TOO_LARGE', `must be at most ${String(schema.maximum)}`);
    case ValueErrorType.IntegerExclusiveMaximum:
    case ValueErrorType.NumberExclusiveMaximum:
      return make('TOO_LARGE', `must be less than ${String(schema.exclusiveMaximum)}`);
    case ValueErrorType.StringMinLength:
      return make('TOO_SHORT', `must have at least ${String(schema.minLength)} characters`);
    case ValueErrorType.StringMaxLength:
      return make('TOO_LONG', `must have at most ${String(schema.maxLength)} characters`);
    case ValueErrorType.ArrayMinItems:
      return make('TOO_SHORT', `must have at least ${String(schema.minItems)} items`);
    case ValueErrorType.ArrayMaxItems:
      return make('TOO_LONG', `must have at most ${String(schema.maxItems)} items`);
    default:
      return make('INVALID', 'is not valid here');
  }
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

function formatMessage(format: string): string {
  switch (format) {
    case 'date':
      return 'must be a calendar date YYYY-MM-DD';
    case 'date-time':
      return 'must be an RFC 3339 instant with a time zone, e.g. 2025-03-02T01:15:00Z';
    default:
      return `must be a valid ${format}`;
  }
}
