import { describe, expect, it } from 'vitest';
import { validateResidentId } from './resident-id.ts';
import {
  createSyntheticResidentIdGenerator,
  isSyntheticResidentId,
  SYNTHETIC_REGION_CODE,
  syntheticResidentId,
} from './synthetic-resident-id.ts';

describe('syntheticResidentId', () => {
  it('is deterministic, valid, and carries the requested birth date and sex under the synthetic region', () => {
    const id = syntheticResidentId({ birthDate: '1956-08-17', sex: 'female', seq: 12 });
    expect(id).toBe(syntheticResidentId({ birthDate: '1956-08-17', sex: 'female', seq: 12 }));
    expect(id.startsWith(SYNTHETIC_REGION_CODE)).toBe(true);
    expect(validateResidentId(id)).toEqual({
      ok: true,
      birthDate: '1956-08-17',
      sex: 'female',
      regionCode: SYNTHETIC_REGION_CODE,
    });
    expect(
      validateResidentId(syntheticResidentId({ birthDate: '1956-08-17', sex: 'male', seq: 12 })),
    ).toMatchObject({
      ok: true,
      sex: 'male',
    });
  });

  it('gives distinct IDs for distinct seq and sex', () => {
    const ids = new Set<string>();
    for (let seq = 0; seq < 500; seq++) {
      ids.add(syntheticResidentId({ birthDate: '1990-01-01', sex: 'male', seq }));
      ids.add(syntheticResidentId({ birthDate: '1990-01-01', sex: 'female', seq }));
    }
    expect(ids.size).toBe(1000);
  });

  it('refuses impossible input', () => {
    expect(() => syntheticResidentId({ birthDate: '1990-02-30', sex: 'male', seq: 1 })).toThrow(RangeError);
    expect(() => syntheticResidentId({ birthDate: '1899-12-31', sex: 'male', seq: 1 })).toThrow(RangeError);
    expect(() => syntheticResidentId({ birthDate: '1990-01-01', sex: 'male', seq: 500 })).toThrow(RangeError);
    expect(() => syntheticResidentId({ birthDate: '1990-01-01', sex: 'male', seq: 1.5 })).toThrow(RangeError);
  });
});

describe('isSyntheticResidentId', () => {
  it('tells synthetic IDs from real-looking ones and rejects invalid ones', () => {
    expect(isSyntheticResidentId(syntheticResidentId({ birthDate: '1970-03-03', sex: 'male', seq: 0 }))).toBe(
      true,
    );
    expect(isSyntheticResidentId('11010519491231002X')).toBe(false);
    const valid = syntheticResidentId({ birthDate: '1970-03-03', sex: 'male', seq: 0 });
    const broken = valid.slice(0, 17) + (valid.endsWith('0') ? '1' : '0');
    expect(isSyntheticResidentId(broken)).toBe(false);
  });
});

describe('createSyntheticResidentIdGenerator', () => {
  it('yields the same valid, distinct sequence for the same seed and a different one for another seed', () => {
    const a = createSyntheticResidentIdGenerator(42);
    const b = createSyntheticResidentIdGenerator(42);
    const c = createSyntheticResidentIdGenerator(43);
    const fromA = Array.from({ length: 200 }, () => a());
    const fromB = Array.from({ length: 200 }, () => b());
    const fromC = Array.from({ length: 200 }, () => c());
    expect(fromA).toEqual(fromB);
    expect(fromA).not.toEqual(fromC);
    expect(new Set(fromA).size).toBe(200);
    for (const id of fromA) {
      const result = validateResidentId(id);
      expect(result.ok).toBe(true);
      if (result.ok) {
        expect(result.birthDate >= '1930-01-01' && result.birthDate <= '2020-12-31').toBe(true);
      }
      expect(isSyntheticResidentId(id)).toBe(true);
    }
  });

  it('honours a pinned birth date and sex, and never repeats an ID even when all 500 are drawn', () => {
    const next = createSyntheticResidentIdGenerator(7);
    const ids = Array.from({ length: 500 }, () => next({ birthDate: '1948-10-01', sex: 'female' }));
    expect(new Set(ids).size).toBe(500);
    for (const id of ids) {
      expect(validateResidentId(id)).toMatchObject({ ok: true, birthDate: '1948-10-01', sex: 'female' });
    }
    expect(() => next({ birthDate: '1948-10-01', sex: 'female' })).toThrow(RangeError);
  });

  it('draws within a custom birth-date range', () => {
    const next = createSyntheticResidentIdGenerator(1, {
      earliestBirthDate: '2010-01-01',
      latestBirthDate: '2010-01-31',
    });
    for (let i = 0; i < 50; i++) {
      const result = validateResidentId(next());
      expect(result.ok && result.birthDate.startsWith('2010-01-')).toBe(true);
    }
  });
});
