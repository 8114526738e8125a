import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { EventDefinition } from '../define-event.ts';
import { MedicalExpenseRecorded } from '../events/medical-expense.ts';
import { events } from '../registry.ts';
import { checkCompatibility, type PublishedSnapshot, snapshotOf } from './check-compatibility.ts';

// biome-ignore lint/suspicious/noExplicitAny: the test edits free-form JSON Schema
type Schema = Record<string, any>;

const published = snapshotOf(MedicalExpenseRecorded);
const TYPE = MedicalExpenseRecorded.type;

/** The current declaration, changed by `edit` on a copy of its JSON Schema. */
function changed(edit: (schema: Schema) => void, base: PublishedSnapshot = published): PublishedSnapshot {
  const copy = structuredClone(base);
  edit(copy.schema);
  return copy;
}

const breakingOf = (current: PublishedSnapshot) =>
  checkCompatibility([published], [current]).breaking.map(({ type, pointer, kind }) => ({
    type,
    pointer,
    kind,
  }));

describe('checkCompatibility', () => {
  it('finds nothing when the schema is unchanged', () => {
    expect(checkCompatibility([published], [snapshotOf(MedicalExpenseRecorded)])).toEqual({
      breaking: [],
      additive: [],
      unpublished: [],
      stale: [],
    });
  });

  it('catches a removed field', () => {
    const current = changed((s) => {
      delete s.properties.inpatient;
      s.required = s.required.filter((name: string) => name !== 'inpatient');
    });
    expect(breakingOf(current)).toEqual([
      { type: TYPE, pointer: '/properties/inpatient', kind: 'property-removed' },
    ]);
  });

  it('catches a field that became required, and a new required field', () => {
    const hospital = changed((s) => {
      s.properties.hospitalLevel = { type: 'string' };
      s.required.push('hospitalLevel');
    });
    expect(breakingOf(hospital)).toEqual([
      { type: TYPE, pointer: '/properties/hospitalLevel', kind: 'property-required' },
    ]);
    // A published optional field made required.
    const withOptional = changed((s) => {
      s.properties.note = { type: 'string' };
    });
    const nowRequired = changed((s) => {
      s.required.push('note');
    }, withOptional);
    expect(
      checkCompatibility([withOptional], [nowRequired]).breaking.map((f) => [f.pointer, f.kind]),
    ).toEqual([['/properties/note', 'property-required']]);
  });

  it('catches a type change', () => {
    const current = changed((s) => {
      s.properties.totalCostFen.type = 'number';
    });
    expect(breakingOf(current)).toEqual([
      { type: TYPE, pointer: '/properties/totalCostFen', kind: 'type-changed' },
    ]);
  });

  it('accepts an added optional field, as additive, and marks the snapshot stale', () => {
    const current = changed((s) => {
      s.properties.hospitalLevel = { type: 'string', description: 'tertiary, secondary, …' };
    });
    const report = checkCompatibility([published], [current]);
    expect(report.breaking).toEqual([]);
    expect(report.additive).toEqual([
      {
        type: TYPE,
        pointer: '/properties/hospitalLevel',
        kind: 'property-added',
        message: expect.any(String),
      },
    ]);
    expect(report.stale).toEqual([TYPE]);
  });

  it('accepts documentation changes', () => {
    const current = changed((s) => {
      s.properties.totalCostFen.description = '总费用（分）';
      s.description = 'a settled claim';
    });
    expect(checkCompatibility([published], [current]).breaking).toEqual([]);
  });

  it('catches narrowed and widened enums, tightened and loosened constraints, pattern and format changes', () => {
    const current = changed((s) => {
      const categories = s.properties.diagnosisCategory.enum as string[];
      s.properties.diagnosisCategory.enum = [...categories.filter((c) => c !== 'injury'), 'dental'];
      s.properties.totalCostFen.maximum = 100_000_000;
      s.properties.claimId.pattern = '^[A-Z0-9-]+$';
      s.properties.dateOfCare.format = 'date-time';
      delete s.properties.insurancePaidFen.minimum;
    });
    expect(breakingOf(current).map((f) => [f.pointer, f.kind])).toEqual(
      expect.arrayContaining([
        ['/properties/diagnosisCategory', 'enum-narrowed'],
        ['/properties/diagnosisCategory', 'enum-widened'],
        ['/properties/totalCostFen', 'constraint-tightened'],
        ['/properties/claimId/pattern', 'changed'],
        ['/properties/dateOfCare/format', 'changed'],
        ['/properties/insurancePaidFen', 'constraint-loosened'],
      ]),
    );
  });

  it('looks inside arrays of objects', () => {
    const household = snapshotOf(events['huimin.feed.household.registered.v1'] as EventDefinition);
    const current = changed((s) => {
      delete s.properties.members.items.properties.hukouLocal;
      s.properties.members.items.properties.ethnicity = { type: 'string' };
    }, household);
    const report = checkCompatibility([household], [current]);
    expect(report.breaking.map((f) => [f.pointer, f.kind])).toEqual([
      ['/properties/members/items/properties/hukouLocal', 'property-removed'],
    ]);
    expect(report.additive.map((f) => f.pointer)).toEqual(['/properties/members/items/properties/ethnicity']);
  });

  it('catches a type removed, a topic or key moved, and lists new types', () => {
    const moved = { ...published, topic: 'huimin.feed.household', key: 'householdId' };
    expect(checkCompatibility([published], [moved]).breaking.map((f) => f.kind)).toEqual([
      'topic-changed',
      'key-changed',
    ]);
    expect(checkCompatibility([published], []).breaking.map((f) => f.kind)).toEqual(['type-removed']);
    expect(checkCompatibility([], [published]).unpublished).toEqual([TYPE]);
  });
});

describe('the check:compat command', () => {
  const script = fileURLToPath(new URL('../cli/check-compat.ts', import.meta.url));
  const committed = fileURLToPath(new URL('../../schemas/published/', import.meta.url));
  const work = mkdtempSync(join(tmpdir(), 'contracts-compat-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  const run = (...args: string[]): { status: number; out: string } => {
    try {
      return { status: 0, out: execFileSync(process.execPath, [script, ...args], { encoding: 'utf8' }) };
    } catch (err: unknown) {
      const failed = err as { status: number; stdout: string };
      return { status: failed.status, out: failed.stdout };
    }
  };

  it('passes against the committed snapshots, which cover every declared type', () => {
    const result = run();
    expect(result).toEqual({ status: 0, out: expect.stringContaining('match their snapshots') });
    expect(readdirSync(committed).sort()).toEqual(
      Object.keys(events)
        .map((type) => `${type}.json`)
        .sort(),
    );
  });

  it('fails naming the type and pointer when a published field disappeared, and --update refuses', () => {
    const dir = join(work, 'removed');
    cpSync(committed, dir, { recursive: true });
    // The snapshot has a field the declaration lacks: as if the declaration had dropped it.
    const file = join(dir, `${TYPE}.json`);
    const snapshot = JSON.parse(readFileSync(file, 'utf8')) as PublishedSnapshot & { schema: Schema };
    snapshot.schema.properties.wardCode = { type: 'string' };
    writeFileSync(file, JSON.stringify(snapshot));
    const result = run('--dir', dir);
    expect(result.status).toBe(1);
    expect(result.out).toContain(`BREAKING ${TYPE} /properties/wardCode: property wardCode removed`);
    expect(run('--dir', dir, '--update').status).toBe(1);
    expect(JSON.parse(readFileSync(file, 'utf8')).schema.properties.wardCode).toEqual({ type: 'string' });
  });

  it('snapshots new types with --update, after which the check passes', () => {
    const dir = join(work, 'fresh');
    const before = run('--dir', dir);
    expect(before.status).toBe(0);
    expect(before.out).toContain(`new      ${TYPE}: no snapshot yet`);
    expect(run('--dir', dir, '--update').status).toBe(0);
    expect(readdirSync(dir)).toHaveLength(Object.keys(events).length);
    expect(readFileSync(join(dir, `${TYPE}.json`), 'utf8')).toBe(
      readFileSync(join(committed, `${TYPE}.json`), 'utf8'),
    );
    expect(run('--dir', dir)).toEqual({ status: 0, out: expect.stringContaining('match their snapshots') });
  });
});
