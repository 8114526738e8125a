// The departments that send feeds to ingest, by the codes ingest's credentials carry. Which of
// them sends what follows ingest's grants (services/ingest/README.md, "Who may send what"); the
// generator sets the department on every event it makes.

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
