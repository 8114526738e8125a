// `pnpm --filter @huimin/charity seed-dev` (the dev stack runs it after migrations): Taicang's
// charity funds, and the payment providers' sandbox keys the donation simulator signs with.
// Idempotent: every start of the stack runs it.

import { fileURLToPath } from 'node:url';
import { taicang } from '@huimin/contracts';
import { createPool, migrate } from '@huimin/pg';
import { DEFAULT_SANDBOX_FILE, ensurePaymentSandbox } from '../payments/payment-config.ts';
import { announceFunds, seedFunds } from '../seed-funds.ts';
import { createFundStore } from '../store/fund-store.ts';

const schema = process.env.DATABASE_SCHEMA ?? 'charity';
const pool = createPool({ connectionString: process.env.DATABASE_URL, schema });
try {
  // The dev stack has migrated already; run alone, this brings the schema up first.
  await migrate(pool, { schema, dir: fileURLToPath(new URL('../../migrations', import.meta.url)) });
  const { created, total } = await seedFunds(createFundStore(pool), taicang);
  const announced = await announceFunds(pool);
  process.stdout.write(`charity: ${total} funds (${created} new, ${announced} announced)\n`);
  const sandboxFile = process.env.PAYMENT_SANDBOX_FILE ?? DEFAULT_SANDBOX_FILE;
  if (ensurePaymentSandbox(sandboxFile) === 'created') {
    process.stdout.write('charity: payment sandbox keys made for the donation simulator\n');
  }
} finally {
  await pool.end();
}
