import { defineTopic } from '@huimin/contracts';

/**
 * Risk's internal repartition topic: the medical-expense feed re-keyed from patient to household,
 * with the household feed's partition count (co-partitioned: a household's claims and facts share
 * a partition number). Internal to risk, so it is created by risk at start rather than declared
 * among the platform's contracts; its records are the feed's own contract events.
 */
export const CLAIMS_BY_HOUSEHOLD = defineTopic({
  name: 'huimin.risk.claims-by-household',
  partitions: 12,
  key: 'householdId',
  retention: { dev: 'forever', prod: { ms: 400 * 86_400_000 } },
  description: 'medical claims re-keyed by household (internal to risk)',
});
