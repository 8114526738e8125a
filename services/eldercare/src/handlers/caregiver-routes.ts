import { authenticate, requireRole, type TokenVerifier, type UserPrincipal, userOf } from '@huimin/auth';
import { CaregiverRecorded, shanghaiDateOf } from '@huimin/contracts';
import { appendEvent } from '@huimin/kafka';
import { AppError, type HttpServer } from '@huimin/kit';
import { withTransaction } from '@huimin/pg';
import { type Static, Type } from '@sinclair/typebox';
import type pg from 'pg';
import {
  type Caregiver,
  caregiverProvider,
  listCaregivers,
  providerExists,
  saveCaregiver,
} from '../store/caregiver-store.ts';

const Id = Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$' });
const Params = Type.Object({ providerId: Id, caregiverId: Id });
const ProviderParams = Type.Object({ providerId: Id });
const Day = Type.String({ format: 'date' });
const CaregiverBody = Type.Object(
  {
    startedOn: Day,
    trainedOn: Type.Optional(Day),
    certifiedOn: Type.Optional(Day),
    certificateNumber: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9-]{4,40}$' })),
    leftOn: Type.Optional(Day),
  },
  { additionalProperties: false },
);

/** The bureau's admins keep every provider's register; a provider's staff keep their own. */
function mayKeep(me: UserPrincipal, providerId: string): boolean {
  return me.role === 'bureau-admin' || (me.role === 'provider-staff' && me.providerId === providerId);
}

const missing = (c: Caregiver) => [
  ...(c.trainedOn === null ? ['training'] : []),
  ...(c.certifiedOn === null ? ['certificate'] : []),
];

/** The providers' staff register: start, pre-service training and certificate dates per caregiver. */
export function registerCaregiverRoutes(
  app: HttpServer,
  deps: { pool: pg.Pool; verifier: TokenVerifier; now: () => Date },
) {
  const { pool, now } = deps;
  const signedIn = authenticate(deps.verifier);

  app.put(
    '/v1/providers/:providerId/caregivers/:caregiverId',
    {
      schema: {
        summary: 'Record a caregiver’s start, training and certificate dates (the whole entry)',
        params: Params,
        body: CaregiverBody,
      },
      onRequest: [signedIn, requireRole('bureau-admin', 'provider-staff')],
    },
    async (request) => {
      const me = userOf(request);
      const { providerId, caregiverId } = request.params as Static<typeof Params>;
      const body = request.body as Static<typeof CaregiverBody>;
      if (!mayKeep(me, providerId)) throw new AppError('FORBIDDEN', 'not your provider’s register');
      const problems: { in: string; path: string; message: string }[] = [];
      if ((body.certifiedOn === undefined) !== (body.certificateNumber === undefined))
        problems.push({
          in: 'body',
          path: '/certificateNumber',
          message: 'give the certificate’s date and number together',
        });
      if (body.leftOn !== undefined && body.leftOn < body.startedOn)
        problems.push({ in: 'body', path: '/leftOn', message: 'must not be before startedOn' });
      const today = shanghaiDateOf(now());
      for (const key of ['startedOn', 'trainedOn', 'certifiedOn', 'leftOn'] as const) {
        const value = body[key];
        if (value !== undefined && value > today)
          problems.push({ in: 'body', path: `/${key}`, message: 'must not lie in the future' });
      }
      if (problems.length > 0)
        throw new AppError('VALIDATION_FAILED', 'the register entry is not valid', problems);
      return withTransaction(pool, async (client) => {
        if (!(await providerExists(client, providerId)))
          throw new AppError('NOT_FOUND', `no provider ${providerId}`);
        const current = await caregiverProvider(client, caregiverId);
        if (current !== undefined && current !== providerId)
          throw new AppError('CONFLICT', 'this caregiver is on another provider’s register');
        const saved = await saveCaregiver(client, {
          caregiverId,
          providerId,
          startedOn: body.startedOn,
          trainedOn: body.trainedOn ?? null,
          certifiedOn: body.certifiedOn ?? null,
          certificateNumber: body.certificateNumber ?? null,
          leftOn: body.leftOn ?? null,
          updatedBy: me.userId,
          at: now(),
        });
        await appendEvent(
          client,
          CaregiverRecorded,
          {
            caregiverId,
            providerId,
            businessDate: today,
            startedOn: saved.startedOn,
            ...(saved.trainedOn ? { trainedOn: saved.trainedOn } : {}),
            ...(saved.certifiedOn ? { certifiedOn: saved.certifiedOn } : {}),
            ...(saved.certificateNumber ? { certificateNumber: saved.certificateNumber } : {}),
            ...(saved.leftOn ? { leftOn: saved.leftOn } : {}),
          },
          { source: '/huimin/eldercare', subject: caregiverId },
        );
        return { ...saved, missing: missing(saved) };
      });
    },
  );

  app.get(
    '/v1/providers/:providerId/caregivers',
    {
      schema: {
        summary: 'A provider’s caregivers, each with what is missing (training, certificate)',
        params: ProviderParams,
      },
      onRequest: [signedIn, requireRole('bureau-admin', 'auditor', 'provider-staff')],
    },
    async (request) => {
      const me = userOf(request);
      const { providerId } = request.params as Static<typeof ProviderParams>;
      if (me.role === 'provider-staff' && me.providerId !== providerId)
        throw new AppError('FORBIDDEN', 'not your provider’s register');
      const caregivers = await listCaregivers(pool, providerId);
      return { caregivers: caregivers.map((c) => ({ ...c, missing: missing(c) })) };
    },
  );
}
