import type { DepartmentSignalReported, MedicalExpenseRecorded } from '@huimin/contracts';
import { addDays, ageOn, compactDate, laterOf } from './calendar.ts';
import { claimRates, drawClaim } from './claims.ts';
import { createEventIds } from './event-ids.ts';
import type { FeedEvent, FeedEventOf } from './feed-event.ts';
import { publishedEventId } from './feed-event.ts';
import { type Member, monthlyIncomeFen, type SimHousehold, snapshotOf } from './household.ts';
import { pickSurname } from './names.ts';
import { pickOtherPlace } from './places.ts';
import { createMember } from './population.ts';
import { createRandom, type Random } from './random.ts';
import type { World } from './world.ts';

// The live trickle: what the departments send through the day, endlessly. Mostly claims settled
// today (some for care weeks ago), a few corrections and reversals of earlier claims, income and
// asset changes, registry changes (births, deaths, moves), enrolment changes and department
// signals. Scenario households' crossing claims sit at fixed positions (`livePositions`); nothing
// random touches those households.

type Step = 'claim' | 'income' | 'grid-report' | 'registry' | 'assets' | 'enrolment' | 'disability';
const STEPS: readonly (readonly [Step, number])[] = [
  ['claim', 86],
  ['income', 4],
  ['grid-report', 2],
  ['registry', 2],
  ['assets', 2],
  ['enrolment', 1],
  ['disability', 1],
];

const INPATIENT_SHARE = 0.06;
const CORRECTED_SHARE = 0.03;
const REVERSED_SHARE = 0.007;

const GRID_REPORTS = [
  '独居老人，近一周未见出门，邻居反映行动不便，需上门核实。',
  '家中主要劳动力因病住院，家属反映医药费负担重。',
  '老人患慢性病长期服药，子女在外地，生活照料困难。',
  '家庭成员新近失业，房租和子女学费压力较大。',
  '残疾人家庭，照护者年迈，申请上门了解情况。',
  '邻里反映老人近期记忆力明显下降，独自外出曾走失。',
];

/** Where each scenario's crossing claim goes in the live stream: ~10 s apart at the given rate, all within 50 s. */
export function livePositions(scenarioCount: number, liveRate: number): number[] {
  const spacingSeconds = Math.min(10, 50 / Math.max(1, scenarioCount));
  return Array.from({ length: scenarioCount }, (_, i) => Math.round(liveRate * spacingSeconds * (i + 1)));
}

export function* liveEvents(world: World): Generator<FeedEvent> {
  const { options, today, ctx } = world;
  const random = createRandom(`${options.seed}:live`);
  // Registry changes draw new people from the world's resident-ID source, so IDs never repeat.
  const liveCtx = { ...ctx, random };
  const eventId = createEventIds(options, today);
  const day = compactDate(today);
  const households = world.households.filter((h) => !h.scenario);
  const signalKinds = new Set(options.signalKinds);
  const onDibao = households.filter((h) => h.enrolments.some((e) => e.programme === 'dibao'));

  const scenarioAt = new Map<number, FeedEventOf<'huimin.feed.medical-expense.recorded.v1'>>();
  livePositions(world.scenarios.length, options.liveRate).forEach((position, i) => {
    const claim = world.scenarios[i]?.claims.find((c) => c.phase === 'live');
    if (!claim) return;
    scenarioAt.set(position, {
      id: eventId('live', position),
      type: 'huimin.feed.medical-expense.recorded.v1',
      department: 'medical-insurance-bureau',
      payload: { claimId: claim.claimId, patientResidentId: claim.patientResidentId, ...claim.figures },
    });
  });
  // Corrections and reversals due at a later position, built when they fall due.
  const due = new Map<number, FeedEventOf<'huimin.feed.medical-expense.recorded.v1'>[]>();
  const queue: Omit<FeedEvent, 'id'>[] = [];
  let claimNo = 0;
  let signalNo = 0;

  const pickHousehold = (): SimHousehold => random.pick(households);
  const signal = (
    h: SimHousehold,
    member: Member | undefined,
    kind: DepartmentSignalReported['kind'],
    detail: string,
  ): void => {
    if (!signalKinds.has(kind)) return;
    const source = {
      death: ['household-registry', 'public-security', 'GA'],
      unemployment: ['human-resources', 'human-resources', 'RS'],
      hospitalisation: ['medical-insurance-bureau', 'medical-insurance', 'YB'],
      'grid-worker-report': ['grid-management', 'grid-management', 'WG'],
    } as const;
    const [department, reportedBy, prefix] = source[kind];
    const payload: DepartmentSignalReported = {
      signalId: `${prefix}${options.seed}-${day}-${String(++signalNo).padStart(6, '0')}`,
      householdId: h.householdId,
      businessDate: today,
      kind,
      reportedBy,
      communityCode: h.place.communityCode,
      detail,
    };
    if (member) payload.residentId = member.residentId;
    queue.push({ type: 'huimin.feed.department-signal.reported.v1', department, payload });
  };
  const registryUpdate = (h: SimHousehold): void => {
    queue.push({
      type: 'huimin.feed.household.updated.v1',
      department: 'household-registry',
      payload: snapshotOf(h, today),
    });
  };

  const steps: Record<Step, () => boolean> = {
    claim: () => {
      // Older people claim more often: accept a drawn person in proportion to their claim rate.
      for (let attempt = 0; attempt < 100; attempt++) {
        const h = pickHousehold();
        const patient = random.pick(h.members);
        const [outpatient, inpatient] = claimRates(ageOn(patient.birthDate, today));
        if (!random.chance((outpatient + inpatient) / 6.4)) continue;
        const isInpatient = random.chance(INPATIENT_SHARE);
        const figures = drawClaim(random, {
          patient,
          status: h.status,
          inpatient: isInpatient,
          today,
          timing: 'live',
        });
        if (isInpatient && random.chance(0.3)) {
          signal(h, patient, 'hospitalisation', '住院结算');
        }
        queue.push({
          type: 'huimin.feed.medical-expense.recorded.v1',
          department: 'medical-insurance-bureau',
          payload: {
            claimId: `YB${options.seed}-${day}-L${String(++claimNo).padStart(7, '0')}`,
            patientResidentId: patient.residentId,
            ...figures,
          },
        });
        return true;
      }
      return false;
    },
    income: () => {
      const h = pickHousehold();
      const earners = h.members.filter((m) =>
        (h.incomes.get(m.residentId) ?? []).some((i) => i.type === 'wage'),
      );
      const member = earners.length > 0 ? random.pick(earners) : undefined;
      if (!member) return false;
      const incomes = h.incomes.get(member.residentId) ?? [];
      const lostJob = random.chance(0.3);
      const updated = lostJob
        ? incomes.filter((i) => i.type !== 'wage')
        : incomes.map((i) =>
            i.type === 'wage'
              ? {
                  type: i.type,
                  monthlyFen: Math.round((i.monthlyFen * random.between(1.02, 1.12)) / 100) * 100,
                }
              : i,
          );
      h.incomes.set(member.residentId, updated);
      queue.push({
        type: 'huimin.feed.member-income.reported.v1',
        department: 'human-resources',
        payload: {
          householdId: h.householdId,
          residentId: member.residentId,
          businessDate: today,
          incomes: updated,
        },
      });
      if (lostJob) signal(h, member, 'unemployment', '办理失业登记');
      return true;
    },
    'grid-report': () => {
      const h = pickHousehold();
      signal(h, random.pick(h.members), 'grid-worker-report', random.pick(GRID_REPORTS));
      return signalKinds.has('grid-worker-report');
    },
    registry: () => {
      const change = random.weighted([
        ['birth', 35],
        ['death', 30],
        ['move', 35],
      ] as const);
      if (change === 'move') {
        const h = pickHousehold();
        h.place = pickOtherPlace(random, h.place.communityCode);
        registryUpdate(h);
        return true;
      }
      for (let attempt = 0; attempt < 50; attempt++) {
        const h = pickHousehold();
        if (change === 'birth') {
          if (!addBirth(liveCtx, h)) continue;
          registryUpdate(h);
          return true;
        }
        const deceased = recordDeath(random, h, today);
        if (!deceased) continue;
        registryUpdate(h);
        signal(h, deceased, 'death', '死亡，户口已注销');
        return true;
      }
      return false;
    },
    assets: () => {
      const h = pickHousehold();
      h.assets = {
        ...h.assets,
        financialAssetsFen: Math.round((h.assets.financialAssetsFen * random.between(0.8, 1.2)) / 100) * 100,
      };
      queue.push({
        type: 'huimin.feed.household-assets.reported.v1',
        department: 'assistance-system',
        payload: { householdId: h.householdId, businessDate: today, ...h.assets },
      });
      return true;
    },
    enrolment: () => {
      // The assistance system re-checks a dibao household's income and re-assesses the benefit
      // as the gap (standard × size − income), or ends it when there is none.
      if (onDibao.length === 0) return false;
      const h = random.pick(onDibao);
      const index = h.enrolments.findIndex((e) => e.programme === 'dibao' && e.change !== 'exited');
      const current = h.enrolments[index];
      const adult = h.members.find((m) => h.incomes.has(m.residentId) && m.workAbility !== 'none');
      if (!current || !adult) return false;
      const before = (h.incomes.get(adult.residentId) ?? []).reduce((sum, i) => sum + i.monthlyFen, 0);
      const after =
        before > 0
          ? Math.round((before * random.between(0.5, 1.8)) / 100) * 100
          : random.int(800, 2_500) * 100;
      const incomes = [{ type: 'wage' as const, monthlyFen: after }];
      h.incomes.set(adult.residentId, incomes);
      queue.push({
        type: 'huimin.feed.member-income.reported.v1',
        department: 'assistance-system',
        payload: { householdId: h.householdId, residentId: adult.residentId, businessDate: today, incomes },
      });
      const gap = options.dibaoStandardFen * h.members.length - monthlyIncomeFen(h);
      const next = {
        ...current,
        businessDate: laterOf(today, current.businessDate),
        change: gap > 0 ? ('amount-changed' as const) : ('exited' as const),
        monthlyAmountFen: Math.max(0, gap),
      };
      h.enrolments[index] = next;
      queue.push({
        type: 'huimin.feed.assistance-enrolment.changed.v1',
        department: 'assistance-system',
        payload: next,
      });
      return true;
    },
    disability: () => {
      const h = pickHousehold();
      const member = random.pick(h.members);
      if (member.disability || ageOn(member.birthDate, today) < 40) return false;
      const grade = random.chance(0.4) ? 3 : 4;
      const category = random.weighted([
        ['physical', 45],
        ['visual', 20],
        ['hearing', 25],
        ['multiple', 10],
      ] as const);
      member.disability = { grade, category };
      const digit = { physical: 4, visual: 1, hearing: 2, multiple: 7 }[category];
      queue.push({
        type: 'huimin.feed.disability.certified.v1',
        department: 'disabled-persons-federation',
        payload: {
          residentId: member.residentId,
          businessDate: today,
          grade,
          category,
          certificateNo: `${member.residentId}${digit}${grade}`,
          validUntil: addDays(today, 3652),
        },
      });
      return true;
    },
  };

  const ready: FeedEventOf<'huimin.feed.medical-expense.recorded.v1'>[] = [];
  for (let position = 0; ; position++) {
    const arriving = due.get(position);
    if (arriving) {
      ready.push(...arriving);
      due.delete(position);
    }
    const scripted = scenarioAt.get(position);
    if (scripted) {
      yield scripted;
      continue;
    }
    const original = ready.shift();
    if (original) {
      yield { id: eventId('live', position), ...followUp(random, original, today) } as FeedEvent;
      continue;
    }
    while (queue.length === 0) steps[random.weighted(STEPS)]();
    const event = { id: eventId('live', position), ...queue.shift() } as FeedEvent;
    if (
      event.type === 'huimin.feed.medical-expense.recorded.v1' &&
      random.chance(CORRECTED_SHARE + REVERSED_SHARE)
    ) {
      const at = position + random.int(20, 300);
      due.set(at, [...(due.get(at) ?? []), event]);
    }
    yield event;
  }
}

/** A correction (most) or a reversal of a claim sent earlier in the trickle. */
function followUp(
  random: Random,
  original: FeedEventOf<'huimin.feed.medical-expense.recorded.v1'>,
  today: string,
): Omit<FeedEvent, 'id'> {
  const claim = original.payload;
  if (random.chance(REVERSED_SHARE / (CORRECTED_SHARE + REVERSED_SHARE))) {
    return {
      type: 'huimin.feed.medical-expense.reversed.v1',
      department: 'medical-insurance-bureau',
      payload: {
        claimId: claim.claimId,
        patientResidentId: claim.patientResidentId,
        businessDate: today,
        retractsEventId: publishedEventId(original),
        reason: 'withdrawn-by-source',
        note: '结算撤销',
      },
    };
  }
  // Re-settled: the bill changes a little (items added or struck off) and insurance with it.
  const totalCostFen = Math.round(claim.totalCostFen * random.between(0.95, 1.08));
  const share = claim.totalCostFen > 0 ? claim.insurancePaidFen / claim.totalCostFen : 0;
  const insurancePaidFen = Math.floor(totalCostFen * Math.min(0.95, share * random.between(0.97, 1.06)));
  const medicalAssistancePaidFen = Math.min(claim.medicalAssistancePaidFen, totalCostFen - insurancePaidFen);
  const corrected: MedicalExpenseRecorded = {
    ...claim,
    businessDate: today,
    totalCostFen,
    insurancePaidFen,
    medicalAssistancePaidFen,
  };
  return {
    type: 'huimin.feed.medical-expense.corrected.v1',
    department: 'medical-insurance-bureau',
    payload: { ...corrected, correctsEventId: publishedEventId(original) },
  };
}

/** A baby born in the last month to a mother of 22–40 who is the head or the head's spouse. */
function addBirth(ctx: Parameters<typeof createMember>[0], h: SimHousehold): boolean {
  const mother = h.members.find(
    (m) =>
      m.sex === 'female' &&
      (m.relationToHead === 'head' || m.relationToHead === 'spouse') &&
      ageOn(m.birthDate, ctx.today) >= 22 &&
      ageOn(m.birthDate, ctx.today) <= 40,
  );
  if (!mother || h.members.length >= 8) return false;
  const father = h.members.find(
    (m) => m.sex === 'male' && (m.relationToHead === 'head' || m.relationToHead === 'spouse'),
  );
  const sex = ctx.random.chance(0.51) ? 'male' : 'female';
  try {
    const child = createMember(ctx, {
      relation: 'child',
      age: 0,
      sex,
      surname: (father ?? mother).name.slice(0, 1) || pickSurname(ctx.random),
      birthDate: addDays(ctx.today, -ctx.random.int(0, 30)),
    });
    child.hukouLocal = true;
    h.members.push(child);
    return true;
  } catch (err: unknown) {
    // Every order code for that birth date and sex is taken: rare, and a birth can be skipped.
    if (err instanceof RangeError) return false;
    throw err;
  }
}

/** An elder dies: a member of 70+ who is not the head, or the head of a couple (the spouse heads on). */
function recordDeath(random: Random, h: SimHousehold, today: string): Member | undefined {
  const head = h.members.find((m) => m.relationToHead === 'head');
  const spouse = h.members.find((m) => m.relationToHead === 'spouse');
  const candidates = h.members.filter(
    (m) =>
      ageOn(m.birthDate, today) >= 70 &&
      (m.relationToHead !== 'head' || (spouse !== undefined && h.members.length === 2)),
  );
  if (candidates.length === 0) return undefined;
  const deceased = random.pick(candidates);
  if (deceased === head && spouse) spouse.relationToHead = 'head';
  h.members = h.members.filter((m) => m !== deceased);
  h.legalSupporters = h.legalSupporters.filter((s) => s.supportsResidentId !== deceased.residentId);
  h.incomes.delete(deceased.residentId);
  return deceased;
}
