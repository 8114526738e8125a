import { type TObject, type TOptional, type TProperties, type TString, Type } from '@sinclair/typebox';
import type { RuleViolation } from '../define-event.ts';
import { HouseholdId, ResidentId } from '../schema-types.ts';

// Some events concern a household, a person the bureau has not tied to a household yet, or both:
// they carry a household id, a resident id, or both, and at least one.

type SubjectFields = { householdId: TOptional<TString>; residentId: TOptional<TString> };

/** A closed object with optional `householdId` and `residentId`, at least one of them present. */
export function withSubject<T extends TProperties>(properties: T): TObject<SubjectFields & T> {
  return Type.Object(
    { householdId: Type.Optional(HouseholdId), residentId: Type.Optional(ResidentId), ...properties },
    {
      additionalProperties: false,
      // JSON Schema readers see the rule here; validation reports it with a pointer via `subjectRule`.
      anyOf: [{ required: ['householdId'] }, { required: ['residentId'] }],
    },
  );
}

type Subject = { householdId?: string | undefined; residentId?: string | undefined };

export function subjectRule(p: Subject): RuleViolation[] {
  return p.householdId === undefined && p.residentId === undefined
    ? [
        {
          pointer: '/householdId',
          code: 'INCONSISTENT',
          message: 'needs a householdId, a residentId or both',
        },
      ]
    : [];
}

/** The household id when present, otherwise the resident id. */
export function subjectKey(p: Subject): string {
  return p.householdId ?? p.residentId ?? '';
}
