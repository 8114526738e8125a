import {
  FormatRegistry,
  Kind,
  type TObject,
  type TProperties,
  type TUnsafe,
  Type,
  TypeRegistry,
} from '@sinclair/typebox';
import { isCalendarDate, isInstant } from './calendar-date.ts';
import { isResidentId } from './resident-id.ts';

// Building blocks every event schema is made of, so a resident ID, a date or an amount of money
// means the same thing in every event.

// Standard JSON Schema formats keep their standard meaning; `resident-id` is ours.
FormatRegistry.Set('date', isCalendarDate);
FormatRegistry.Set('date-time', isInstant);
FormatRegistry.Set('resident-id', (value) => isResidentId(value));

// A closed set of strings as plain JSON Schema `{ type: 'string', enum: [...] }`, which reads
// better in the generated docs than TypeBox's union of literals.
TypeRegistry.Set<{ enum: readonly string[] }>(
  'StringEnum',
  (schema, value) => typeof value === 'string' && schema.enum.includes(value),
);

export function stringEnum<const T extends readonly string[]>(
  values: T,
  options: { description?: string } = {},
): TUnsafe<T[number]> {
  return Type.Unsafe<T[number]>({ ...options, [Kind]: 'StringEnum', type: 'string', enum: [...values] });
}

/**
 * An object schema that rejects properties it does not declare. Producers (ingest above all) treat
 * input as hostile; consumers validate in `consume` mode, which tolerates unknown properties so a
 * producer may add an optional field without breaking them.
 */
export function closedObject<T extends TProperties>(
  properties: T,
  options: { description?: string } = {},
): TObject<T> {
  return Type.Object(properties, { ...options, additionalProperties: false });
}

export const ResidentId = Type.String({
  format: 'resident-id',
  pattern: '^\\d{17}[\\dX]$',
  description:
    '18-character resident ID (GB 11643-1999) with a valid ISO 7064 MOD 11-2 check character, upper-case X',
});

export const CalendarDate = Type.String({
  format: 'date',
  description: 'calendar date YYYY-MM-DD, Asia/Shanghai',
});

export const BusinessDate = Type.String({
  format: 'date',
  description: 'calendar date (YYYY-MM-DD, Asia/Shanghai) the reported facts hold from',
});

export const Instant = Type.String({ format: 'date-time', description: 'RFC 3339 instant' });

/** Money: whole fen (分), never a float. */
export const Fen = Type.Integer({
  minimum: 0,
  maximum: Number.MAX_SAFE_INTEGER,
  description: 'amount in fen (分)',
});

export const HouseholdId = Type.String({
  pattern: '^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$',
  description: "the civil-affairs bureau's household number",
});

export const CommunityCode = Type.String({
  pattern: '^\\d{12}$',
  description: '12-digit statistical division code of a community or village (村（社区）)',
});

export const TownCode = Type.String({
  pattern: '^\\d{9}$',
  description: '9-digit statistical division code of a town or street office (镇 / 街道)',
});

export const JurisdictionCode = Type.String({
  pattern: '^\\d{6}(\\d{3}(\\d{3})?)?$',
  description: 'division code of the county (6 digits), a town (9) or a community (12)',
});

export const PersonName = Type.String({ minLength: 1, maxLength: 50, description: 'name as registered' });

/** A source system's identifier for a record (claim number, certificate number, case number, …). */
export const RecordId = Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$' });

export const EventId = Type.String({
  minLength: 1,
  maxLength: 128,
  description: 'CloudEvents id of an event',
});

export const UserId = Type.String({
  minLength: 1,
  maxLength: 64,
  description: 'platform user id (identity service)',
});

export const Sex = stringEnum(['male', 'female']);

export const DisabilityCategory = stringEnum(
  ['visual', 'hearing', 'speech', 'physical', 'intellectual', 'mental', 'multiple'],
  { description: '残疾类别: 视力, 听力, 言语, 肢体, 智力, 精神, 多重' },
);

export const DisabilityGrade = Type.Integer({
  minimum: 1,
  maximum: 4,
  description: '残疾等级, 1 is the most severe',
});

export const AssistanceProgramme = stringEnum(
  [
    'dibao',
    'edge',
    'tekun-dispersed',
    'tekun-centralised',
    'hardship',
    'disability-living',
    'disability-nursing',
  ],
  {
    description:
      '低保, 低保边缘, 特困(分散供养), 特困(集中供养), 支出型困难, 残疾人生活补贴, 重度残疾人护理补贴',
  },
);

export const RetractionReason = stringEnum([
  'entered-in-error',
  'duplicate',
  'wrong-subject',
  'withdrawn-by-source',
]);

/**
 * The fields every retraction carries besides the natural id of what it retracts. Its
 * `businessDate` is the business date of the report withdrawn, so a projection that keeps the
 * latest report by business date knows which one to drop.
 */
export const retractionFields = {
  businessDate: Type.String({ format: 'date', description: 'business date of the report being retracted' }),
  retractsEventId: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 128,
      description: 'id of the exact event retracted; without it, the report for this id and business date',
    }),
  ),
  reason: RetractionReason,
  note: Type.Optional(Type.String({ maxLength: 200 })),
};
