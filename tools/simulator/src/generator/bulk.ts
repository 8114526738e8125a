import { ageOn, compactDate } from './calendar.ts';
import { claimRates, drawClaim } from './claims.ts';
import { createEventIds } from './event-ids.ts';
import type { FeedEvent } from './feed-event.ts';
import { snapshotOf } from './household.ts';
import { createRandom } from './random.ts';
import type { World } from './world.ts';

// The initial load: each department's extract of what it knows today, one department's type after
// another (so ingest receives long single-type batches): the household registry first, then
// disability certificates, incomes, assets, enrolments, and the last 13 months of settled claims.
// Scenario households come first in every section.

export function* bulkEvents(world: World): Generator<FeedEvent> {
  const { households, today, options } = world;
  const eventId = createEventIds(options, today);
  let position = 0;
  const id = (): string => eventId('bulk', position++);

  for (const h of households) {
    yield {
      id: id(),
      type: 'huimin.feed.household.registered.v1',
      department: 'household-registry',
      payload: snapshotOf(h, h.registeredOn),
    };
  }
  for (const h of households) {
    for (const certificate of h.certifications) {
      yield {
        id: id(),
        type: 'huimin.feed.disability.certified.v1',
        department: 'disabled-persons-federation',
        payload: certificate,
      };
    }
  }
  for (const h of households) {
    for (const [residentId, incomes] of h.incomes) {
      yield {
        id: id(),
        type: 'huimin.feed.member-income.reported.v1',
        department: 'human-resources',
        payload: { householdId: h.householdId, residentId, businessDate: h.incomesAsOf, incomes },
      };
    }
  }
  for (const h of households) {
    yield {
      id: id(),
      type: 'huimin.feed.household-assets.reported.v1',
      department: 'assistance-system',
      payload: { householdId: h.householdId, businessDate: h.assetsAsOf, ...h.assets },
    };
  }
  for (const h of households) {
    for (const enrolment of h.enrolments) {
      yield {
        id: id(),
        type: 'huimin.feed.assistance-enrolment.changed.v1',
        department: 'assistance-system',
        payload: enrolment,
      };
    }
  }

  for (const scenario of world.scenarios) {
    for (const claim of scenario.claims.filter((c) => c.phase === 'bulk')) {
      yield {
        id: id(),
        type: 'huimin.feed.medical-expense.recorded.v1',
        department: 'medical-insurance-bureau',
        payload: { claimId: claim.claimId, patientResidentId: claim.patientResidentId, ...claim.figures },
      };
    }
  }
  // History: claims whose care fell in the last 13 months, so some have already left the window.
  const random = createRandom(`${options.seed}:history`);
  const claimPrefix = `YB${options.seed}-${compactDate(today)}-H`;
  let claimNo = 0;
  for (const h of households) {
    if (h.scenario) continue;
    for (const patient of h.members) {
      const [outpatient, inpatient] = claimRates(ageOn(patient.birthDate, today));
      const visits = random.poisson((outpatient * 13) / 12);
      const stays = random.poisson((inpatient * 13) / 12);
      for (let i = 0; i < visits + stays; i++) {
        const figures = drawClaim(random, {
          patient,
          status: h.status,
          inpatient: i >= visits,
          today,
          timing: 'history',
        });
        yield {
          id: id(),
          type: 'huimin.feed.medical-expense.recorded.v1',
          department: 'medical-insurance-bureau',
          payload: {
            claimId: `${claimPrefix}${String(++claimNo).padStart(7, '0')}`,
            patientResidentId: patient.residentId,
            ...figures,
          },
        };
      }
    }
  }
}
