import { HouseholdRegistered, HouseholdUpdated } from '@huimin/contracts';
import { type EventHandler, on } from '@huimin/kafka';
import { householdStore } from '../store/household-store.ts';

/**
 * The household feed, for where each household lives. The upsert keeps the latest report by
 * business date, so a redelivered or late event changes nothing (it is its own inbox).
 */
export function householdFeedHandlers(): EventHandler[] {
  return [
    on(HouseholdRegistered, (h, ctx) => householdStore.place(ctx.client, h)),
    on(HouseholdUpdated, (h, ctx) => householdStore.place(ctx.client, h)),
  ];
}
