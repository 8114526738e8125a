import { roles } from '@huimin/auth';
import { Type } from '@sinclair/typebox';

// Request and response shapes, shown at /docs.

export const DivisionCode = Type.String({
  pattern: '^\\d{6}(\\d{3}){0,2}$',
  description: 'a division code (6, 9 or 12 digits)',
});
export const CommunityCode = Type.String({ pattern: '^\\d{12}$' });
export const UserId = Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$' });
export const RoleName = Type.Union(roles.map((r) => Type.Literal(r)));
export const Instant = Type.String({ format: 'date-time' });

export const User = Type.Object({
  id: Type.String(),
  username: Type.String(),
  displayName: Type.String(),
  role: RoleName,
  jurisdictions: Type.Array(Type.String()),
  providerId: Type.Optional(Type.String()),
  disabled: Type.Boolean(),
  locked: Type.Boolean(),
});

export const Session = Type.Object({
  accessToken: Type.String(),
  tokenType: Type.Literal('Bearer'),
  expiresIn: Type.Integer({ description: 'seconds' }),
  refreshToken: Type.String(),
  refreshExpiresIn: Type.Integer({ description: 'seconds' }),
});

export const ErrorBody = Type.Object({
  code: Type.String(),
  message: Type.String(),
  details: Type.Optional(Type.Unknown()),
});

export const IdParams = Type.Object({ id: UserId });
export const CommunityParams = Type.Object({ code: CommunityCode });
