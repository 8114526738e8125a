import { describe, expect, it } from 'vitest';
import {
  isResidentId,
  normaliseResidentId,
  residentIdCheckCharacter,
  validateResidentId,
} from './resident-id.ts';

const today = '2025-06-30';

describe('validateResidentId', () => {
  it('accepts the published GB 11643-1999 example and reads birth date, sex and region', () => {
    expect(validateResidentId('11010519491231002X', { today })).toEqual({
      ok: true,
      birthDate: '1949-12-31',
      sex: 'female',
      regionCode: '110105',
    });
  });

  it('reads an odd order code as male', () => {
    // 320585 (Taicang) + 1980-05-01 + order 013 (odd); the check character is computed below.
    const first17 = '32058519800501013';
    const id = first17 + residentIdCheckCharacter(first17);
    const result = validateResidentId(id, { today });
    expect(result).toMatchObject({ ok: true, sex: 'male', birthDate: '1980-05-01', regionCode: '320585' });
  });

  it('rejects a wrong check character', () => {
    expect(validateResidentId('110105194912310021', { today })).toMatchObject({
      ok: false,
      reason: 'CHECK_CHARACTER_MISMATCH',
    });
  });

  it('rejects a lower-case x and says to use X; normaliseResidentId fixes typed input', () => {
    expect(validateResidentId('11010519491231002x', { today })).toMatchObject({
      ok: false,
      reason: 'LOWER_CASE_X',
    });
    expect(normaliseResidentId(' 11010519491231002x ')).toBe('11010519491231002X');
    expect(validateResidentId(normaliseResidentId('11010519491231002x'), { today }).ok).toBe(true);
  });

  it('rejects a 15-digit legacy ID with a reason telling to upgrade it', () => {
    const result = validateResidentId('110105491231002', { today });
    expect(result).toMatchObject({ ok: false, reason: 'LEGACY_15_DIGIT' });
    expect(result.ok === false && result.message).toMatch(/upgraded/);
  });

  it.each([
    ['empty', '', 'WRONG_LENGTH'],
    ['too long', '11010519491231002X1', 'WRONG_LENGTH'],
    ['letters inside', '1101051949A231002X', 'BAD_CHARACTERS'],
    ['X not at the end', 'X10105194912310021', 'BAD_CHARACTERS'],
    ['full-width digits', '１１０１０５１９４９１２３１００２Ｘ', 'BAD_CHARACTERS'],
  ])('rejects junk (%s)', (_label, input, reason) => {
    expect(validateResidentId(input, { today })).toMatchObject({ ok: false, reason });
  });

  it('rejects non-strings', () => {
    expect(validateResidentId(11010519491231, { today })).toMatchObject({
      ok: false,
      reason: 'NOT_A_STRING',
    });
    expect(validateResidentId(null, { today })).toMatchObject({ ok: false, reason: 'NOT_A_STRING' });
  });

  it('rejects a birth date that is not on the calendar (even with a matching check character)', () => {
    for (const date of ['19490230', '20230229', '19491301', '19490000']) {
      const first17 = `110105${date}002`;
      const id = first17 + residentIdCheckCharacter(first17);
      expect(validateResidentId(id, { today })).toMatchObject({ ok: false, reason: 'INVALID_BIRTH_DATE' });
    }
  });

  it('accepts 29 February in a leap year', () => {
    const first17 = '11010520000229002';
    expect(validateResidentId(first17 + residentIdCheckCharacter(first17), { today }).ok).toBe(true);
  });

  it('rejects a birth date before 1900 or after today', () => {
    const old = '11010518991231002';
    expect(validateResidentId(old + residentIdCheckCharacter(old), { today })).toMatchObject({
      ok: false,
      reason: 'BIRTH_DATE_BEFORE_1900',
    });
    const tomorrow = '11010520250701002';
    const id = tomorrow + residentIdCheckCharacter(tomorrow);
    expect(validateResidentId(id, { today })).toMatchObject({ ok: false, reason: 'BIRTH_DATE_IN_FUTURE' });
    // Born today is fine.
    expect(validateResidentId(id, { today: '2025-07-01' }).ok).toBe(true);
  });

  it('never repeats the ID in its message', () => {
    const id = '110105194912310021';
    const result = validateResidentId(id, { today });
    expect(result.ok === false && result.message).not.toContain(id.slice(0, 10));
  });
});

describe('isResidentId', () => {
  it('is true exactly for canonical valid IDs', () => {
    expect(isResidentId('11010519491231002X', { today })).toBe(true);
    expect(isResidentId('11010519491231002x', { today })).toBe(false);
    expect(isResidentId('110105194912310021', { today })).toBe(false);
  });
});
