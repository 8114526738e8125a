// Drives orders and visits through eldercare's own HTTP API, as the hotline and a provider's
// caregivers would: the dev stack's source of orders (src/cli/simulate-orders.ts runs it).

export interface SimulatorTokens {
  /** Staff who may place orders for the elders (the demo bureau admin). */
  admin: string;
  /** A caregiver of one provider (the demo provider.anyang). */
  caregiver: string;
}

export interface OrderSimulatorOptions {
  url: string;
  tokens: () => Promise<SimulatorTokens>;
  random?: () => number;
  now?: () => Date;
  log?: (line: string) => void;
}

interface OrderView {
  orderId: string;
  status: string;
  windowStart: string;
}

const serviceMix = ['meal-help', 'personal-care', 'cleaning', 'bathing', 'rehab-nursing'] as const;

export function createOrderSimulator(options: OrderSimulatorOptions) {
  const random = options.random ?? Math.random;
  const now = options.now ?? (() => new Date());
  const log = options.log ?? (() => {});

  async function api<T>(token: string, method: string, path: string, body?: unknown) {
    const res = await fetch(`${options.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, body: (await res.json()) as T };
  }

  /** Where the caregiver's phone stands: the visit address of an order assigned to its provider. */
  async function doorOf(caregiver: string, orderId: string) {
    const { status, body } = await api<{ lng: number; lat: number }>(
      caregiver,
      'GET',
      `/v1/orders/${orderId}/visit-address`,
    );
    return status === 200 ? { lng: body.lng, lat: body.lat } : undefined;
  }

  return {
    /** One round: place an order for a random elder, check out visits in service, check in assigned ones. */
    async tick(): Promise<{ placed: number; checkedIn: number; checkedOut: number; noShows: number }> {
      const { admin, caregiver } = await options.tokens();
      const tally = { placed: 0, checkedIn: 0, checkedOut: 0, noShows: 0 };
      const { body: list } = await api<{ elderIds?: string[] }>(admin, 'GET', '/v1/elders?limit=200');
      const elders = list.elderIds ?? [];
      const elderId = elders[Math.floor(random() * elders.length)];
      if (elderId) {
        const start = new Date(now().getTime() + 60_000 + Math.floor(random() * 4 * 3600_000));
        const serviceType = serviceMix[Math.floor(random() * serviceMix.length)];
        const placed = await api<{ orderId?: string; code?: string }>(admin, 'POST', '/v1/orders', {
          elderId,
          serviceType,
          windowStart: start.toISOString(),
          windowEnd: new Date(start.getTime() + 2 * 3600_000).toISOString(),
          channel: 'hotline',
        });
        if (placed.status === 201) tally.placed++;
        log(`order ${serviceType}: ${placed.status} ${placed.body.orderId ?? placed.body.code}`);
      }
      const inService = await api<{ orders?: OrderView[] }>(
        caregiver,
        'GET',
        '/v1/orders?status=in_service&limit=5',
      );
      for (const o of inService.body.orders ?? []) {
        const door = await doorOf(caregiver, o.orderId);
        if (door && (await api(caregiver, 'POST', `/v1/orders/${o.orderId}/check-out`, door)).status === 200)
          tally.checkedOut++;
      }
      const assigned = await api<{ orders?: OrderView[] }>(
        caregiver,
        'GET',
        '/v1/orders?status=assigned&limit=5',
      );
      for (const o of assigned.body.orders ?? []) {
        if (random() < 0.05 && Date.parse(o.windowStart) <= now().getTime()) {
          if ((await api(caregiver, 'POST', `/v1/orders/${o.orderId}/no-show`)).status === 200)
            tally.noShows++;
          continue;
        }
        const door = await doorOf(caregiver, o.orderId);
        if (door && (await api(caregiver, 'POST', `/v1/orders/${o.orderId}/check-in`, door)).status === 200)
          tally.checkedIn++;
      }
      return tally;
    },
  };
}
