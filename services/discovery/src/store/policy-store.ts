import type { Queryable } from '@huimin/pg';

export type PolicyKind = 'rules' | 'sla';

export interface PolicyVersion<T> {
  kind: PolicyKind;
  version: number;
  body: T;
  note: string;
  createdBy: string;
  createdAt: string;
}

export async function currentPolicy<T>(
  db: Queryable,
  kind: PolicyKind,
): Promise<PolicyVersion<T> | undefined> {
  const { rows } = await db.query(
    `select kind, version, body, note, created_by, created_at from policy_versions
      where kind = $1 order by version desc limit 1`,
    [kind],
  );
  return rows[0] ? toPolicy<T>(rows[0]) : undefined;
}

export async function policyHistory(db: Queryable, kind: PolicyKind): Promise<PolicyVersion<unknown>[]> {
  const { rows } = await db.query(
    `select kind, version, body, note, created_by, created_at from policy_versions
      where kind = $1 order by version desc`,
    [kind],
  );
  return rows.map((r) => toPolicy(r));
}

/** Appends the next version (versions are never edited: an alert names the one it was judged by). */
export async function addPolicyVersion(
  db: Queryable,
  kind: PolicyKind,
  body: unknown,
  by: string,
  note: string,
  at: Date,
): Promise<number> {
  await db.query('select pg_advisory_xact_lock(hashtext($1))', [`discovery-policy-${kind}`]);
  const { rows } = await db.query<{ version: number }>(
    `insert into policy_versions (kind, version, body, note, created_by, created_at)
     select $1, coalesce(max(version), 0) + 1, $2::jsonb, $3, $4, $5 from policy_versions where kind = $1
     returning version`,
    [kind, JSON.stringify(body), note, by, at],
  );
  return rows[0]?.version ?? 0;
}

/** Writes version 1 when the kind has none yet (a fresh schema). */
export async function seedPolicy(db: Queryable, kind: PolicyKind, body: unknown, at: Date): Promise<void> {
  await db.query(
    `insert into policy_versions (kind, version, body, note, created_by, created_at)
     values ($1, 1, $2::jsonb, 'built-in defaults', 'system', $3) on conflict do nothing`,
    [kind, JSON.stringify(body), at],
  );
}

// biome-ignore lint/suspicious/noExplicitAny: a pg row
function toPolicy<T>(r: any): PolicyVersion<T> {
  return {
    kind: r.kind,
    version: r.version,
    body: r.body as T,
    note: r.note,
    createdBy: r.created_by,
    createdAt: (r.created_at as Date).toISOString(),
  };
}
