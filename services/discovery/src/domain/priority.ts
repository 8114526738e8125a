export const priorities = ['P1', 'P2', 'P3', 'P4'] as const;
export type Priority = (typeof priorities)[number];

/** P1 is the most urgent: a lower rank. */
export const rank = (p: Priority): number => priorities.indexOf(p);

export const higher = (a: Priority, b: Priority): Priority => (rank(a) <= rank(b) ? a : b);

export const isPriority = (value: unknown): value is Priority =>
  typeof value === 'string' && (priorities as readonly string[]).includes(value);
