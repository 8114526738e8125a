import type { RuleViolation } from '../define-event.ts';
import { taicang } from '../jurisdiction/index.ts';

// Rules several events share.

/** The community must be in the platform's jurisdiction table (or alerts could not be routed). */
export function knownCommunity(pointer: string, communityCode: string): RuleViolation[] {
  if (taicang.isCommunity(communityCode)) return [];
  return [{ pointer, code: 'UNKNOWN_CODE', message: 'not a community in the jurisdiction table' }];
}

/** The community must be known and lie in the given town. */
export function communityInTown(
  communityPointer: string,
  communityCode: string,
  townPointer: string,
  townCode: string,
): RuleViolation[] {
  const unknown = knownCommunity(communityPointer, communityCode);
  if (unknown.length > 0) return unknown;
  if (taicang.townOf(communityCode)?.code === townCode) return [];
  return [
    { pointer: townPointer, code: 'INCONSISTENT', message: 'the community does not belong to this town' },
  ];
}

/** Pointers of every item after the first whose `pick` value repeats an earlier one. */
export function duplicates<T>(
  items: readonly T[],
  pick: (item: T) => string,
  pointerOf: (index: number) => string,
): RuleViolation[] {
  const seen = new Set<string>();
  const violations: RuleViolation[] = [];
  items.forEach((item, index) => {
    const value = pick(item);
    if (seen.has(value))
      violations.push({ pointer: pointerOf(index), code: 'DUPLICATE', message: 'appears more than once' });
    seen.add(value);
  });
  return violations;
}
