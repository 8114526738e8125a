import type { Queryable } from '@huimin/pg';

export interface RecordedFact {
  factId: string;
  indicator: number;
  measure: string;
  /** null: the county as a whole. */
  townCode: string | null;
  asOf: string;
  value: number;
  sourceDocument: string;
  note: string | null;
  recordedBy: string;
  recordedByRole: string;
  recordedAt: string;
}

interface FactRow {
  fact_id: string;
  indicator: number;
  measure: string;
  town_code: string | null;
  as_of: string;
  value: string;
  source_document: string;
  note: string | null;
  recorded_by: string;
  recorded_by_role: string;
  recorded_at: Date;
}

const COLUMNS = `fact_id, indicator, measure, town_code, to_char(as_of, 'YYYY-MM-DD') as as_of, value,
  source_document, note, recorded_by, recorded_by_role, recorded_at`;

function toFact(r: FactRow): RecordedFact {
  return {
    factId: r.fact_id,
    indicator: r.indicator,
    measure: r.measure,
    townCode: r.town_code,
    asOf: r.as_of,
    value: Number(r.value),
    sourceDocument: r.source_document,
    note: r.note,
    recordedBy: r.recorded_by,
    recordedByRole: r.recorded_by_role,
    recordedAt: r.recorded_at.toISOString(),
  };
}

/** The bureau's recorded facts: append-only (the table's trigger refuses changes). */
export function createFactStore(db: Queryable) {
  return {
    async record(fact: RecordedFact): Promise<void> {
      await db.query(
        `insert into recorded_facts (fact_id, indicator, measure, town_code, as_of, value, source_document,
                                     note, recorded_by, recorded_by_role, recorded_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
        [
          fact.factId,
          fact.indicator,
          fact.measure,
          fact.townCode,
          fact.asOf,
          fact.value,
          fact.sourceDocument,
          fact.note,
          fact.recordedBy,
          fact.recordedByRole,
          fact.recordedAt,
        ],
      );
    },

    /** Every fact of an indicator (or all), newest business date first, then newest recorded. */
    async list(filter: { indicator?: number }): Promise<RecordedFact[]> {
      const { rows } = await db.query<FactRow>(
        `select ${COLUMNS} from recorded_facts where ($1::smallint is null or indicator = $1)
          order by indicator, as_of desc, recorded_at desc, fact_id`,
        [filter.indicator ?? null],
      );
      return rows.map(toFact);
    },

    /** The month the first fact holds from, to start trends at. */
    async earliestAsOf(): Promise<string | undefined> {
      const { rows } = await db.query<{ first: string | null }>(
        `select to_char(min(as_of), 'YYYY-MM-DD') as first from recorded_facts`,
      );
      return rows[0]?.first ?? undefined;
    },
  };
}

export type FactStore = ReturnType<typeof createFactStore>;

/**
 * The fact in force on a date for a measure and place: the latest business date on or before it,
 * and of two facts for the same date the one recorded last (a correction).
 */
export function factInForce(
  facts: readonly RecordedFact[],
  measure: string,
  townCode: string | null,
  asOf: string,
): RecordedFact | undefined {
  let best: RecordedFact | undefined;
  for (const f of facts) {
    if (f.measure !== measure || f.townCode !== townCode || f.asOf > asOf) continue;
    if (best === undefined || f.asOf > best.asOf || (f.asOf === best.asOf && f.recordedAt > best.recordedAt))
      best = f;
  }
  return best;
}
