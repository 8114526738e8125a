import { levelRank, type RiskAssessment, type RiskLevel } from './yardsticks.ts';

export interface StoredRisk {
  level: RiskLevel | null;
  majorIllnessFlagged: boolean;
}

export type RiskChange =
  | { kind: 'flag'; level: RiskLevel | 'major-illness' }
  | { kind: 'clear'; level: RiskLevel | 'major-illness'; reason: 'left-window' | 'below-threshold' };

/**
 * What to announce after a re-assessment: a flag when the household enters a higher level (not
 * again while it stays or eases to a lower one), a clear when it falls below every threshold,
 * and a 大病 flag once while such a claim is in the window — cleared when none is left (the claim
 * reversed or corrected below the amount, or out of the window), so the alert it raised loses its
 * cause.
 */
export function changesOf(stored: StoredRisk, now: RiskAssessment): RiskChange[] {
  const changes: RiskChange[] = [];
  if (now.level && (!stored.level || levelRank[now.level] > levelRank[stored.level])) {
    changes.push({ kind: 'flag', level: now.level });
  } else if (!now.level && stored.level) {
    changes.push({
      kind: 'clear',
      level: stored.level,
      reason: now.outOfPocketFen === 0 ? 'left-window' : 'below-threshold',
    });
  }
  if (now.majorIllnessClaimIds.length > 0 && !stored.majorIllnessFlagged)
    changes.push({ kind: 'flag', level: 'major-illness' });
  else if (now.majorIllnessClaimIds.length === 0 && stored.majorIllnessFlagged)
    changes.push({
      kind: 'clear',
      level: 'major-illness',
      reason: now.outOfPocketFen === 0 ? 'left-window' : 'below-threshold',
    });
  return changes;
}

/** The level kept after the changes: the highest entered since the last clear. */
export function levelAfter(stored: StoredRisk, now: RiskAssessment): RiskLevel | null {
  if (!now.level) return null;
  if (stored.level && levelRank[stored.level] >= levelRank[now.level]) return stored.level;
  return now.level;
}
