import type { EventDefinition } from '../define-event.ts';
import { type ChangeKind, compareSchemas } from './compare-schemas.ts';

/** What is committed in `schemas/published/<type>.json` for each published event type. */
export interface PublishedSnapshot {
  type: string;
  name: string;
  version: number;
  topic: string;
  key: string;
  schema: Record<string, unknown>;
}

export interface CompatFinding {
  type: string;
  pointer: string;
  kind: ChangeKind | 'type-removed' | 'topic-changed' | 'key-changed';
  message: string;
}

export interface CompatReport {
  /** Non-additive changes to published versions: the check fails on any of these. */
  breaking: CompatFinding[];
  /** Optional properties added to published versions: allowed, to be snapshotted with --update. */
  additive: CompatFinding[];
  /** Declared types with no snapshot yet. */
  unpublished: string[];
  /** Types whose snapshot differs from the declaration (additively or in documentation only). */
  stale: string[];
}

export function snapshotOf(definition: EventDefinition): PublishedSnapshot {
  return {
    type: definition.type,
    name: definition.name,
    version: definition.version,
    topic: definition.topic.name,
    key: definition.topic.key,
    // Plain JSON Schema: TypeBox's symbol keys are not part of the contract.
    schema: JSON.parse(JSON.stringify(definition.schema)) as Record<string, unknown>,
  };
}

export function checkCompatibility(
  published: readonly PublishedSnapshot[],
  current: readonly PublishedSnapshot[],
): CompatReport {
  const report: CompatReport = { breaking: [], additive: [], unpublished: [], stale: [] };
  const currentByType = new Map(current.map((s) => [s.type, s]));
  const publishedTypes = new Set(published.map((s) => s.type));

  for (const before of published) {
    const after = currentByType.get(before.type);
    if (!after) {
      report.breaking.push({
        type: before.type,
        pointer: '',
        kind: 'type-removed',
        message:
          'a published event type is no longer declared (retire it by deleting its snapshot on purpose)',
      });
      continue;
    }
    if (before.topic !== after.topic) {
      report.breaking.push({
        type: before.type,
        pointer: '',
        kind: 'topic-changed',
        message: `topic changed from ${before.topic} to ${after.topic}`,
      });
    }
    if (before.key !== after.key) {
      report.breaking.push({
        type: before.type,
        pointer: '',
        kind: 'key-changed',
        message: `key changed from ${before.key} to ${after.key}`,
      });
    }
    for (const change of compareSchemas(before.schema, after.schema)) {
      const finding = { type: before.type, ...change };
      if (change.kind === 'property-added') report.additive.push(finding);
      else report.breaking.push(finding);
    }
    if (JSON.stringify(before) !== JSON.stringify(after)) report.stale.push(before.type);
  }
  for (const after of current) if (!publishedTypes.has(after.type)) report.unpublished.push(after.type);
  return report;
}
