import { describe, expect, it } from 'vitest';
import { hashPassword, needsRehash, unusableHash, verifyPassword } from './passwords.ts';

const cheap = { log2N: 10, p: 1 };

describe('password hashes', () => {
  it('verifies the right password and refuses a wrong one', async () => {
    const stored = await hashPassword('correct horse battery', cheap);
    expect(stored).toMatch(/^scrypt\$10\$8\$1\$/);
    expect(await verifyPassword('correct horse battery', stored)).toBe(true);
    expect(await verifyPassword('correct horse batterY', stored)).toBe(false);
  });

  it('salts every hash', async () => {
    expect(await hashPassword('same', cheap)).not.toBe(await hashPassword('same', cheap));
  });

  it('still verifies hashes of the first format (no r and p), and asks to rehash them', async () => {
    const modern = await hashPassword('old password', cheap);
    const [, log2N, , , salt, hash] = modern.split('$');
    const legacy = `scrypt$${log2N}$${salt}$${hash}`;
    expect(await verifyPassword('old password', legacy)).toBe(true);
    expect(needsRehash(legacy, { log2N: 10, p: 3 })).toBe(true);
    expect(needsRehash(modern, cheap)).toBe(false);
    expect(needsRehash(modern, { log2N: 11 })).toBe(true);
  });

  it('refuses anything against the unusable hash and against garbage', async () => {
    expect(await verifyPassword('', unusableHash(cheap))).toBe(false);
    expect(await verifyPassword('x', 'plain-text-password')).toBe(false);
    expect(await verifyPassword('x', 'scrypt$99$8$1$AA$AA')).toBe(false);
  });
});
