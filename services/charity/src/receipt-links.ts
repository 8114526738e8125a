import { createHmac, timingSafeEqual } from 'node:crypto';

// A donor gets their receipt through a link that carries an HMAC of the donation id: unguessable,
// nothing to store, and it cannot be turned into another donation's receipt.

export function createReceiptLinks(secret: string) {
  const tokenOf = (donationId: string): string =>
    createHmac('sha256', secret).update(`receipt:${donationId}`).digest('base64url').slice(0, 32);
  return {
    tokenOf,
    pathOf: (donationId: string): string => `/public/v1/receipts/${donationId}?token=${tokenOf(donationId)}`,
    verify(donationId: string, token: string): boolean {
      const expected = Buffer.from(tokenOf(donationId));
      const given = Buffer.from(token);
      return given.length === expected.length && timingSafeEqual(given, expected);
    },
  };
}

export type ReceiptLinks = ReturnType<typeof createReceiptLinks>;
