import {
  AssistanceEnrolmentChanged,
  AssistanceEnrolmentRetracted,
  type HouseholdRegistered,
} from '@huimin/contracts';
import { waitUntil } from '@huimin/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, member, startHarness } from './harness.ts';

// The household feed and the enrolment feed travel on different topics with no order between
// them: an elder's dibao or tekun must come out the same whichever arrives first.

const TOWN = '320585100';
const COMMUNITY = '320585100001';
let h: Harness;
let seq = 200;

beforeAll(async () => {
  h = await startHarness('eldercare_enrolment_order', new Date('2026-03-10T00:00:00Z'));
}, 60_000);

afterAll(async () => {
  await h?.close();
});

function household(id: string, members: HouseholdRegistered['members']): HouseholdRegistered {
  return {
    householdId: id,
    businessDate: '2026-01-01',
    townCode: TOWN,
    communityCode: COMMUNITY,
    address: { text: '测试地址', lng: 121.0496, lat: 31.5583 },
    members,
    legalSupporters: [],
  };
}

async function handled(eventId: string): Promise<void> {
  await waitUntil(
    async () => (await h.env.pool.query('select 1 from inbox where event_id = $1', [eventId])).rowCount === 1,
    `event ${eventId} handled`,
  );
}

async function enrol(
  householdId: string,
  programme: AssistanceEnrolmentChanged['programme'],
  extra: Partial<AssistanceEnrolmentChanged> = {},
): Promise<void> {
  const record = await h.publisher.publish(
    AssistanceEnrolmentChanged,
    {
      enrolmentId: `EN-${householdId}-${programme}`,
      householdId,
      businessDate: '2026-02-01',
      programme,
      change: 'enrolled',
      monthlyAmountFen: 104_500,
      ...extra,
    },
    { source: '/test' },
  );
  await handled(record.envelope.id);
}

async function flagsOf(householdId: string) {
  const { rows } = await h.env.pool.query<{ resident_id: string; dibao: boolean; tekun: boolean }>(
    'select resident_id, dibao, tekun from elders where household_id = $1 order by resident_id',
    [householdId],
  );
  return rows;
}

describe('an enrolment and its household, in either order', () => {
  for (const order of ['enrolment first', 'household first'] as const)
    it(`dibao for every elder of the household, tekun for its beneficiary: ${order}`, async () => {
      const id = `HH-ORDER-${order === 'enrolment first' ? 'E' : 'H'}`;
      const elder = member('1950-06-01', 'female', seq++);
      const spouse = member('1952-07-01', 'male', seq++, 'spouse');
      const snapshot = household(id, [elder, spouse]);
      const enrolments = async () => {
        await enrol(id, 'dibao');
        await enrol(id, 'tekun-dispersed', { beneficiaryResidentIds: [spouse.residentId] });
      };
      if (order === 'enrolment first') {
        await enrolments();
        // Nothing to apply yet: the enrolments wait for the household.
        expect(await flagsOf(id)).toEqual([]);
        await h.household(snapshot);
      } else {
        await h.household(snapshot);
        await enrolments();
      }
      expect(await flagsOf(id)).toEqual(
        [
          { resident_id: elder.residentId, dibao: true, tekun: false },
          { resident_id: spouse.residentId, dibao: true, tekun: true },
        ].sort((a, b) => a.resident_id.localeCompare(b.resident_id)),
      );
      // What the elder is entitled to follows (seed policy: dibao 200 yuan, tekun 400 yuan).
      const token = await h.token({ userId: 'u-h', role: 'case-handler', jurisdictions: [COMMUNITY] });
      const { rows } = await h.env.pool.query<{ elder_id: string }>(
        'select elder_id from elders where resident_id = $1',
        [spouse.residentId],
      );
      const res = await h.app.server.inject({
        url: `/v1/elders/${rows[0]?.elder_id}`,
        headers: { authorization: `Bearer ${token}` },
      });
      expect(res.json()).toMatchObject({ dibao: true, tekun: true });
    });

  it('an exit, a late older change and a retraction: the latest change in force decides', async () => {
    const id = 'HH-ORDER-EXIT';
    const elder = member('1948-03-03', 'male', seq++);
    await enrol(id, 'dibao');
    await h.household(household(id, [elder]));
    expect((await flagsOf(id))[0]?.dibao).toBe(true);
    await enrol(id, 'dibao', { businessDate: '2026-03-01', change: 'exited', monthlyAmountFen: 0 });
    expect((await flagsOf(id))[0]?.dibao).toBe(false);
    // A late report of an older change does not undo the exit.
    await enrol(id, 'dibao', { businessDate: '2026-01-15', change: 'amount-changed' });
    expect((await flagsOf(id))[0]?.dibao).toBe(false);
    // The exit was entered in error: the enrolment stands as before it.
    const record = await h.publisher.publish(
      AssistanceEnrolmentRetracted,
      {
        enrolmentId: `EN-${id}-dibao`,
        householdId: id,
        businessDate: '2026-03-01',
        reason: 'entered-in-error',
      },
      { source: '/test' },
    );
    await handled(record.envelope.id);
    expect((await flagsOf(id))[0]?.dibao).toBe(true);
  });
});
