import { isCalendarDate, shanghaiDateOf } from './calendar-date.ts';

// 身份证号 per GB 11643-1999: 6-digit region code, 8-digit birth date, 3-digit order code (odd for
// men, even for women), then an ISO 7064 MOD 11-2 check character.

export type Sex = 'male' | 'female';

export type ResidentIdRejection =
  | 'NOT_A_STRING'
  | 'LEGACY_15_DIGIT'
  | 'WRONG_LENGTH'
  | 'BAD_CHARACTERS'
  | 'LOWER_CASE_X'
  | 'INVALID_BIRTH_DATE'
  | 'BIRTH_DATE_BEFORE_1900'
  | 'BIRTH_DATE_IN_FUTURE'
  | 'CHECK_CHARACTER_MISMATCH';

export type ResidentIdValidation =
  | { ok: true; birthDate: string; sex: Sex; regionCode: string }
  | { ok: false; reason: ResidentIdRejection; message: string };

export interface ResidentIdOptions {
  /** Today's date (YYYY-MM-DD, Asia/Shanghai) for the "not born in the future" check; defaults to the clock. */
  today?: string;
}

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const CHECK_CHARACTERS = '10X98765432';
const CANONICAL_SHAPE = /^\d{17}[\dX]$/;

/** The check character for the first 17 digits of a resident ID. */
export function residentIdCheckCharacter(first17: string): string {
  if (!/^\d{17}$/.test(first17)) throw new RangeError('expected exactly 17 digits');
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * (WEIGHTS[i] ?? 0);
  return CHECK_CHARACTERS.charAt(sum % 11);
}

/**
 * Validates an 18-character resident ID in its canonical form. The messages never repeat the ID,
 * so they are safe to log and to return to a caller.
 *
 * A lower-case `x` check character is REJECTED, not normalised: resident IDs are Kafka keys and
 * join keys across services, compared byte for byte, so one person must have one spelling.
 * Forms that take human input call `normaliseResidentId` first.
 */
export function validateResidentId(value: unknown, options: ResidentIdOptions = {}): ResidentIdValidation {
  if (typeof value !== 'string') return reject('NOT_A_STRING', 'a resident ID must be a string');
  if (/^\d{15}$/.test(value)) {
    return reject(
      'LEGACY_15_DIGIT',
      'a 15-digit (first-generation) resident ID must be upgraded to its 18-character form',
    );
  }
  if (value.length !== 18) {
    return reject('WRONG_LENGTH', `a resident ID has 18 characters, got ${value.length}`);
  }
  if (/^\d{17}x$/.test(value)) {
    return reject('LOWER_CASE_X', 'the check character must be an upper-case X');
  }
  if (!CANONICAL_SHAPE.test(value)) {
    return reject('BAD_CHARACTERS', 'a resident ID is 17 digits followed by a digit or X');
  }
  const birthDate = `${value.slice(6, 10)}-${value.slice(10, 12)}-${value.slice(12, 14)}`;
  if (!isCalendarDate(birthDate)) {
    return reject('INVALID_BIRTH_DATE', 'positions 7–14 are not a real calendar date');
  }
  if (birthDate < '1900-01-01') {
    return reject('BIRTH_DATE_BEFORE_1900', 'the birth date is before 1900');
  }
  const today = options.today ?? shanghaiDateOf(new Date());
  if (birthDate > today) return reject('BIRTH_DATE_IN_FUTURE', 'the birth date is in the future');
  const expected = residentIdCheckCharacter(value.slice(0, 17));
  if (value.charAt(17) !== expected) {
    return reject('CHECK_CHARACTER_MISMATCH', 'the check character does not match the first 17 digits');
  }
  const orderCode = Number(value.slice(14, 17));
  return { ok: true, birthDate, sex: orderCode % 2 === 1 ? 'male' : 'female', regionCode: value.slice(0, 6) };
}

/** True when `value` is a valid resident ID in canonical form (what every event schema accepts). */
export function isResidentId(value: unknown, options: ResidentIdOptions = {}): value is string {
  return validateResidentId(value, options).ok;
}

/**
 * Puts a resident ID typed by a person into canonical form: surrounding whitespace removed and a
 * trailing lower-case x upper-cased. It does not validate; call `validateResidentId` after it.
 */
export function normaliseResidentId(input: string): string {
  const trimmed = input.trim();
  return /^\d{17}x$/.test(trimmed) ? `${trimmed.slice(0, 17)}X` : trimmed;
}

function reject(reason: ResidentIdRejection, message: string): ResidentIdValidation {
  return { ok: false, reason, message };
}
