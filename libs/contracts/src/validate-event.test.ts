import { describe, expect, it } from 'vitest';
import { HouseholdRegistered } from './events/household.ts';
import { MedicalExpenseRecorded } from './events/medical-expense.ts';
import { events } from './registry.ts';
import { validateEvent } from './validate-event.ts';

const clone = <T>(value: T): T => structuredClone(value);

/** A resident ID with its check character changed to another valid-looking one. */
function withWrongCheckCharacter(id: string): string {
  const last = id.charAt(17);
  return id.slice(0, 17) + (last === '0' ? '1' : '0');
}

describe('every declared example', () => {
  it.each(Object.values(events).map((d) => [d.type, d] as const))(
    '%s validates, rules included',
    (type, d) => {
      const result = validateEvent(type, d.example);
      expect(result).toEqual({ ok: true, value: d.example });
    },
  );
});

describe('validateEvent on broken payloads', () => {
  const claim = MedicalExpenseRecorded.example;

  it('reports a wrong check character at the resident ID, saying why', () => {
    const result = validateEvent(MedicalExpenseRecorded.type, {
      ...claim,
      patientResidentId: withWrongCheckCharacter(claim.patientResidentId),
    });
    expect(result).toEqual({
      ok: false,
      errors: [
        { pointer: '/patientResidentId', code: 'FORMAT', message: expect.stringMatching(/check character/) },
      ],
    });
  });

  it('reports float money', () => {
    const result = validateEvent(MedicalExpenseRecorded.type, { ...claim, totalCostFen: 86423.5 });
    expect(result).toEqual({
      ok: false,
      errors: [{ pointer: '/totalCostFen', code: 'NOT_INTEGER', message: expect.any(String) }],
    });
  });

  it('reports a missing businessDate', () => {
    const { businessDate: _omitted, ...rest } = claim;
    const result = validateEvent(MedicalExpenseRecorded.type, rest);
    expect(result).toEqual({
      ok: false,
      errors: [{ pointer: '/businessDate', code: 'REQUIRED', message: expect.any(String) }],
    });
  });

  it('reports every problem of one payload, each at its own pointer', () => {
    const { businessDate: _omitted, ...rest } = claim;
    const result = validateEvent(MedicalExpenseRecorded.type, {
      ...rest,
      patientResidentId: withWrongCheckCharacter(claim.patientResidentId),
      totalCostFen: -5,
      insurancePaidFen: '100',
      inpatient: 'yes',
      diagnosisCategory: 'flu',
      dateOfCare: '2025-02-30',
      hospitalName: '太仓市第一人民医院',
    });
    expect(result.ok).toBe(false);
    const byPointer = Object.fromEntries((result.ok ? [] : result.errors).map((e) => [e.pointer, e.code]));
    expect(byPointer).toEqual({
      '/businessDate': 'REQUIRED',
      '/hospitalName': 'UNKNOWN_PROPERTY',
      '/patientResidentId': 'FORMAT',
      '/totalCostFen': 'TOO_SMALL',
      '/insurancePaidFen': 'WRONG_TYPE',
      '/inpatient': 'WRONG_TYPE',
      '/diagnosisCategory': 'NOT_ALLOWED',
      '/dateOfCare': 'FORMAT',
    });
  });

  it('points into nested arrays', () => {
    const household = clone(HouseholdRegistered.example);
    const second = household.members[1];
    if (!second) throw new Error('the example has a second member');
    second.residentId = withWrongCheckCharacter(second.residentId);
    (household.members[0] as { monthlyIncome?: number }).monthlyIncome = 1;
    household.address.lng = 200;
    const result = validateEvent(HouseholdRegistered.type, household);
    expect(result.ok).toBe(false);
    expect((result.ok ? [] : result.errors).map((e) => [e.pointer, e.code])).toEqual(
      expect.arrayContaining([
        ['/members/1/residentId', 'FORMAT'],
        ['/members/0/monthlyIncome', 'UNKNOWN_PROPERTY'],
        ['/address/lng', 'TOO_LARGE'],
      ]),
    );
  });

  it('never echoes the offending value in a message', () => {
    const bad = withWrongCheckCharacter(claim.patientResidentId);
    const result = validateEvent(MedicalExpenseRecorded.type, { ...claim, patientResidentId: bad });
    expect(JSON.stringify(result)).not.toContain(bad);
  });

  it('rejects a lower-case x check character in a payload', () => {
    const id = HouseholdRegistered.example.members.find((m) => m.residentId.endsWith('X'))?.residentId;
    // Not every synthetic example ends in X; build one that does when needed.
    const withX = id ?? '11010519491231002X';
    const result = validateEvent(MedicalExpenseRecorded.type, {
      ...claim,
      patientResidentId: withX.replace('X', 'x'),
    });
    expect(result).toMatchObject({ ok: false, errors: [{ pointer: '/patientResidentId', code: 'FORMAT' }] });
  });

  it('reports a non-object payload at the root', () => {
    expect(validateEvent(MedicalExpenseRecorded.type, [claim])).toMatchObject({
      ok: false,
      errors: [{ pointer: '', code: 'WRONG_TYPE' }],
    });
  });

  it('answers an unknown type with a clear error instead of throwing', () => {
    const result = validateEvent('huimin.feed.medical-expense.recorded.v9', claim);
    expect(result).toEqual({
      ok: false,
      errors: [
        {
          pointer: '',
          code: 'UNKNOWN_EVENT_TYPE',
          message: expect.stringContaining('huimin.feed.medical-expense.recorded.v1'),
        },
      ],
    });
  });
});

describe('producer rules', () => {
  it('catches members whose birth date or sex contradicts their resident ID, and a missing head', () => {
    const household = clone(HouseholdRegistered.example);
    const [head, spouse] = household.members;
    if (!head || !spouse) throw new Error('the example has two members');
    head.relationToHead = 'other';
    spouse.birthDate = '1961-11-02';
    spouse.sex = 'male';
    const result = validateEvent(HouseholdRegistered.type, household);
    expect(result.ok).toBe(false);
    expect((result.ok ? [] : result.errors).map((e) => [e.pointer, e.code])).toEqual([
      ['/members', 'INCONSISTENT'],
      ['/members/1/birthDate', 'INCONSISTENT'],
      ['/members/1/sex', 'INCONSISTENT'],
    ]);
  });

  it('catches a community outside the jurisdiction table and a town that does not hold the community', () => {
    const unknown = validateEvent(HouseholdRegistered.type, {
      ...HouseholdRegistered.example,
      communityCode: '320585100999',
    });
    expect(unknown).toMatchObject({
      ok: false,
      errors: [{ pointer: '/communityCode', code: 'UNKNOWN_CODE' }],
    });
    const wrongTown = validateEvent(HouseholdRegistered.type, {
      ...HouseholdRegistered.example,
      townCode: '320585109',
    });
    expect(wrongTown).toMatchObject({ ok: false, errors: [{ pointer: '/townCode', code: 'INCONSISTENT' }] });
  });

  it('catches a duplicated member', () => {
    const household = clone(HouseholdRegistered.example);
    const head = household.members[0];
    if (!head) throw new Error('the example has a head');
    household.members.push({ ...head, relationToHead: 'other' });
    expect(validateEvent(HouseholdRegistered.type, household)).toMatchObject({
      ok: false,
      errors: [{ pointer: '/members/3/residentId', code: 'DUPLICATE' }],
    });
  });

  it('catches payments above the total cost of a claim', () => {
    const claim = MedicalExpenseRecorded.example;
    expect(
      validateEvent(MedicalExpenseRecorded.type, { ...claim, insurancePaidFen: claim.totalCostFen }),
    ).toMatchObject({ ok: false, errors: [{ pointer: '/insurancePaidFen', code: 'INCONSISTENT' }] });
  });

  it('catches a department signal that names neither a household nor a person', () => {
    const {
      householdId: _h,
      residentId: _r,
      ...anonymous
    } = events['huimin.feed.department-signal.reported.v1'].example;
    expect(validateEvent('huimin.feed.department-signal.reported.v1', anonymous)).toMatchObject({
      ok: false,
      errors: [{ pointer: '/householdId', code: 'INCONSISTENT' }],
    });
  });

  it('catches a disability certificate number that does not match holder, category and grade', () => {
    const certified = events['huimin.feed.disability.certified.v1'].example;
    expect(validateEvent('huimin.feed.disability.certified.v1', { ...certified, grade: 3 })).toMatchObject({
      ok: false,
      errors: [{ pointer: '/certificateNo', code: 'INCONSISTENT' }],
    });
  });
});

describe('consume mode', () => {
  it('tolerates a property a newer producer added, where produce mode rejects it', () => {
    const newer = { ...MedicalExpenseRecorded.example, hospitalLevel: 'tertiary' };
    expect(validateEvent(MedicalExpenseRecorded.type, newer).ok).toBe(false);
    expect(validateEvent(MedicalExpenseRecorded.type, newer, { mode: 'consume' })).toEqual({
      ok: true,
      value: newer,
    });
    const household = clone(HouseholdRegistered.example) as { members: Record<string, unknown>[] };
    const member = household.members[0];
    if (member) member.ethnicity = '汉族';
    expect(validateEvent(HouseholdRegistered.type, household, { mode: 'consume' }).ok).toBe(true);
  });

  it('still rejects what the schema forbids', () => {
    const result = validateEvent(
      MedicalExpenseRecorded.type,
      { ...MedicalExpenseRecorded.example, totalCostFen: 1.5 },
      {
        mode: 'consume',
      },
    );
    expect(result).toMatchObject({ ok: false, errors: [{ pointer: '/totalCostFen', code: 'NOT_INTEGER' }] });
  });

  it('does not re-run producer rules (a community merged since must not make history unreadable)', () => {
    const old = { ...HouseholdRegistered.example, communityCode: '320585100999' };
    expect(validateEvent(HouseholdRegistered.type, old, { mode: 'consume' }).ok).toBe(true);
  });
});
