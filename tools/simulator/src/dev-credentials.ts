import { createHash } from 'node:crypto';
import { type Department, departmentCodes } from './departments.ts';
import type { Credentials } from './ingest-client.ts';

// The demo credentials ingest's dev seed script (`pnpm --filter @huimin/ingest seed-dev`) creates:
// one key per department, derived from public text, so they are the same on every machine and
// worthless anywhere but a developer's laptop. The integration test checks they still match
// ingest's seed; real runs pass keys with --keys.

const KEY_IDS: Record<Department, string> = {
  'medical-insurance-bureau': 'devmedical',
  'household-registry': 'devregistry',
  'human-resources': 'devhr',
  'disabled-persons-federation': 'devdisability',
  'assistance-system': 'devassistance',
  'grid-management': 'devgrid',
};

function derive(purpose: string, department: string): string {
  return createHash('sha256').update(`huimin dev ${purpose} ${department}`).digest('hex');
}

/** The dev stack's demo keys; `signed` adds the demo signing secrets (for departments set to sign). */
export function devCredentials(options: { signed?: boolean } = {}): Credentials {
  const credentials: Credentials = {};
  for (const department of departmentCodes) {
    credentials[department] = {
      apiKey: `hmk_${KEY_IDS[department]}_${derive('api key', department)}`,
      ...(options.signed ? { signingSecret: `hms_${derive('signing secret', department)}` } : {}),
    };
  }
  return credentials;
}
