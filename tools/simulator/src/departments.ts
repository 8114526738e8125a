// The departments that send feeds to ingest, by the codes ingest's credentials carry, and which
// department sends each event type the simulator produces (ingest refuses a type outside the
// sender's grant).

export const departmentCodes = [
  'medical-insurance-bureau',
  'household-registry',
  'human-resources',
  'disabled-persons-federation',
  'assistance-system',
  'grid-management',
] as const;

export type Department = (typeof departmentCodes)[number];

export function isDepartment(value: string): value is Department {
  return (departmentCodes as readonly string[]).includes(value);
}
