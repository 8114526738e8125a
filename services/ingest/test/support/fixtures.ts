import { HouseholdRegistered, MedicalExpenseRecorded, syntheticResidentId } from '@huimin/contracts';

export const CLAIM = 'huimin.feed.medical-expense.recorded.v1' as const;
export const HOUSEHOLD = 'huimin.feed.household.registered.v1' as const;
export const SIGNAL = 'huimin.feed.department-signal.reported.v1' as const;

/** A valid settled claim (synthetic patient), with whatever fields the test changes. */
export function claim(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...MedicalExpenseRecorded.example, ...overrides };
}

export function household(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return structuredClone({ ...HouseholdRegistered.example, ...overrides }) as Record<string, unknown>;
}

/** A synthetic resident ID with its check character changed to a wrong one. */
export function residentIdWithWrongCheck(): string {
  const id = syntheticResidentId({ birthDate: '1970-01-01', sex: 'male', seq: 1 });
  const wrong = id.endsWith('1') ? '2' : '1';
  return `${id.slice(0, 17)}${wrong}`;
}
