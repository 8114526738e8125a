// Within a published event version the only allowed change is a NEW OPTIONAL PROPERTY (plus
// documentation: descriptions, titles, examples). Both directions matter: a service deployed
// later replays old events with the new schema (so nothing may become required, narrower or
// stricter), and a consumer still on the old schema reads new events (so nothing may become wider
// or looser: a new enum value would fail its validation). Unknown properties are the one thing
// consumers tolerate, which is why adding an optional property is safe.

export type ChangeKind =
  | 'property-added'
  | 'property-removed'
  | 'property-required'
  | 'property-made-optional'
  | 'type-changed'
  | 'enum-narrowed'
  | 'enum-widened'
  | 'constraint-tightened'
  | 'constraint-loosened'
  | 'changed';

export interface SchemaChange {
  /** JSON pointer into the schema, e.g. `/properties/members/items/properties/residentId`. */
  pointer: string;
  kind: ChangeKind;
  message: string;
}

type Json = Record<string, unknown>;

/** Keys that document a schema without changing what it accepts. */
const ANNOTATIONS = new Set(['description', 'title', 'examples', 'example', '$comment', 'default', '$id']);
const LOWER_BOUNDS = ['minimum', 'exclusiveMinimum', 'minLength', 'minItems', 'minProperties'];
const UPPER_BOUNDS = ['maximum', 'exclusiveMaximum', 'maxLength', 'maxItems', 'maxProperties'];
const HANDLED = new Set([
  ...ANNOTATIONS,
  ...LOWER_BOUNDS,
  ...UPPER_BOUNDS,
  'type',
  'properties',
  'required',
  'additionalProperties',
  'items',
  'enum',
  'const',
]);

/** Every difference between a published schema and its current form; `property-added` alone is allowed. */
export function compareSchemas(published: unknown, current: unknown, pointer = ''): SchemaChange[] {
  if (!isObject(published) || !isObject(current)) {
    return equal(published, current) ? [] : [{ pointer, kind: 'changed', message: 'schema changed' }];
  }
  const changes: SchemaChange[] = [];
  const add = (kind: ChangeKind, message: string, at = pointer): void => {
    changes.push({ pointer: at, kind, message });
  };

  if (!equal(typesOf(published), typesOf(current))) {
    add('type-changed', `type changed from ${describeType(published)} to ${describeType(current)}`);
  }

  const oldValues = allowedValues(published);
  const newValues = allowedValues(current);
  if (oldValues && newValues) {
    const removed = oldValues.filter((v) => !newValues.some((n) => equal(n, v)));
    const added = newValues.filter((v) => !oldValues.some((o) => equal(o, v)));
    if (removed.length > 0) add('enum-narrowed', `allowed values removed: ${removed.map(String).join(', ')}`);
    if (added.length > 0) add('enum-widened', `allowed values added: ${added.map(String).join(', ')}`);
  } else if (newValues) {
    add('constraint-tightened', 'values restricted to an enumeration');
  } else if (oldValues) {
    add('constraint-loosened', 'enumeration of allowed values removed');
  }

  for (const key of LOWER_BOUNDS) compareBound(key, published[key], current[key], 'lower', add);
  for (const key of UPPER_BOUNDS) compareBound(key, published[key], current[key], 'upper', add);

  // Objects: properties, required, additionalProperties.
  const oldProps = isObject(published.properties) ? published.properties : {};
  const newProps = isObject(current.properties) ? current.properties : {};
  const oldRequired = new Set(stringList(published.required));
  const newRequired = new Set(stringList(current.required));
  for (const [name, schema] of Object.entries(oldProps)) {
    const at = `${pointer}/properties/${escapePointer(name)}`;
    if (!(name in newProps)) {
      add('property-removed', `property ${name} removed`, at);
      continue;
    }
    if (!oldRequired.has(name) && newRequired.has(name))
      add('property-required', `property ${name} became required`, at);
    if (oldRequired.has(name) && !newRequired.has(name)) {
      add('property-made-optional', `property ${name} is no longer required`, at);
    }
    changes.push(...compareSchemas(schema, newProps[name], at));
  }
  for (const name of Object.keys(newProps)) {
    if (name in oldProps) continue;
    const at = `${pointer}/properties/${escapePointer(name)}`;
    if (newRequired.has(name)) add('property-required', `new property ${name} is required`, at);
    else add('property-added', `optional property ${name} added`, at);
  }
  if (published.additionalProperties !== current.additionalProperties) {
    if (current.additionalProperties === false)
      add('constraint-tightened', 'undeclared properties no longer allowed');
    else if (published.additionalProperties === false)
      add('constraint-loosened', 'undeclared properties now allowed');
    else
      changes.push(
        ...compareSchemas(
          published.additionalProperties,
          current.additionalProperties,
          `${pointer}/additionalProperties`,
        ),
      );
  }

  if ('items' in published || 'items' in current) {
    changes.push(...compareSchemas(published.items, current.items, `${pointer}/items`));
  }

  // Everything else (pattern, format, multipleOf, anyOf, …) must stay exactly as published.
  for (const key of new Set([...Object.keys(published), ...Object.keys(current)])) {
    if (HANDLED.has(key) || equal(stripAnnotations(published[key]), stripAnnotations(current[key]))) continue;
    const at = `${pointer}/${escapePointer(key)}`;
    if (!(key in published)) add('constraint-tightened', `${key} added`, at);
    else if (!(key in current)) add('constraint-loosened', `${key} removed`, at);
    else add('changed', `${key} changed`, at);
  }
  return changes;
}

function compareBound(
  key: string,
  before: unknown,
  after: unknown,
  side: 'lower' | 'upper',
  add: (kind: ChangeKind, message: string) => void,
): void {
  if (before === after) return;
  if (typeof after !== 'number') {
    add('constraint-loosened', `${key} ${String(before)} removed`);
  } else if (typeof before !== 'number') {
    add('constraint-tightened', `${key} ${after} added`);
  } else {
    const tighter = side === 'lower' ? after > before : after < before;
    add(
      tighter ? 'constraint-tightened' : 'constraint-loosened',
      `${key} changed from ${before} to ${after}`,
    );
  }
}

function allowedValues(schema: Json): unknown[] | undefined {
  if (Array.isArray(schema.enum)) return schema.enum;
  if ('const' in schema) return [schema.const];
  return undefined;
}

function typesOf(schema: Json): string[] {
  if (typeof schema.type === 'string') return [schema.type];
  return Array.isArray(schema.type) ? [...schema.type].map(String).sort() : [];
}

function describeType(schema: Json): string {
  const types = typesOf(schema);
  return types.length === 0 ? 'any' : types.join('|');
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function isObject(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function stripAnnotations(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripAnnotations);
  if (!isObject(value)) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => !ANNOTATIONS.has(key))
      .map(([key, item]) => [key, stripAnnotations(item)]),
  );
}

/** Structural equality of JSON values, ignoring key order. */
function equal(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((item, i) => equal(item, b[i]));
  if (isObject(a) && isObject(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((key) => key in b && equal(a[key], b[key]));
  }
  return false;
}

function escapePointer(segment: string): string {
  return segment.replaceAll('~', '~0').replaceAll('/', '~1');
}
