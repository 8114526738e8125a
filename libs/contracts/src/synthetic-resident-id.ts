import { isCalendarDate } from './calendar-date.ts';
import { residentIdCheckCharacter, type Sex, validateResidentId } from './resident-id.ts';

/**
 * The region code of every synthetic resident ID. Province codes (the first two digits) run from
 * 11 to 82 (83 is used by residence permits, and the 2023 foreign permanent-residence card puts a 9
 * in front of a real province code), so a number starting with 99 can belong to no real person.
 * The validator accepts it (region codes are not checked against a registry); use
 * `isSyntheticResidentId` to tell demo data from real data.
 */
export const SYNTHETIC_REGION_CODE = '990000';

export interface SyntheticPerson {
  birthDate: string;
  sex: Sex;
  /** 0–499: together with the sex it fixes the 3-digit order code. */
  seq: number;
}

/** A valid resident ID for a synthetic person; the same input always gives the same ID. */
export function syntheticResidentId({ birthDate, sex, seq }: SyntheticPerson): string {
  if (!isCalendarDate(birthDate) || birthDate < '1900-01-01') {
    throw new RangeError('birthDate must be a real calendar date on or after 1900-01-01');
  }
  if (!Number.isInteger(seq) || seq < 0 || seq > 499) throw new RangeError('seq must be an integer 0–499');
  // The order code's last digit is odd for men and even for women.
  const orderCode = seq * 2 + (sex === 'male' ? 1 : 0);
  const first17 = `${SYNTHETIC_REGION_CODE}${birthDate.replaceAll('-', '')}${String(orderCode).padStart(3, '0')}`;
  return first17 + residentIdCheckCharacter(first17);
}

/** True for a valid resident ID under the synthetic (unassigned) province 99. */
export function isSyntheticResidentId(value: unknown): boolean {
  const result = validateResidentId(value);
  return result.ok && result.regionCode.startsWith('99');
}

export interface SyntheticResidentIdGeneratorOptions {
  /** Earliest birth date drawn, inclusive; default 1930-01-01. */
  earliestBirthDate?: string;
  /** Latest birth date drawn, inclusive; default 2020-12-31 (fixed, so the sequence never depends on the clock). */
  latestBirthDate?: string;
}

/**
 * A seeded source of distinct synthetic resident IDs: the same seed yields the same sequence.
 * A call may pin the birth date and/or sex; the rest is drawn.
 */
export function createSyntheticResidentIdGenerator(
  seed: number,
  options: SyntheticResidentIdGeneratorOptions = {},
): (want?: Partial<Pick<SyntheticPerson, 'birthDate' | 'sex'>>) => string {
  const earliest = dayNumber(options.earliestBirthDate ?? '1930-01-01');
  const latest = dayNumber(options.latestBirthDate ?? '2020-12-31');
  if (latest < earliest) throw new RangeError('latestBirthDate is before earliestBirthDate');
  const random = mulberry32(seed);
  const issued = new Set<string>();
  return (want = {}) => {
    // 500 order codes per birth date and sex: a repeat is rare, and we redraw when it happens.
    for (let attempt = 0; attempt < 1000; attempt++) {
      const birthDate =
        want.birthDate ?? dateOfDayNumber(earliest + Math.floor(random() * (latest - earliest + 1)));
      const sex = want.sex ?? (random() < 0.5 ? 'male' : 'female');
      const id = syntheticResidentId({ birthDate, sex, seq: Math.floor(random() * 500) });
      if (!issued.has(id)) {
        issued.add(id);
        return id;
      }
    }
    throw new RangeError('no unused synthetic resident ID left for the requested birth date and sex');
  };
}

const DAY_MS = 86_400_000;

function dayNumber(date: string): number {
  if (!isCalendarDate(date)) throw new RangeError(`not a calendar date: ${date}`);
  return Date.parse(`${date}T00:00:00Z`) / DAY_MS;
}

function dateOfDayNumber(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

// Small, well-known 32-bit PRNG: deterministic per seed, good enough for demo data (not for secrets).
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
