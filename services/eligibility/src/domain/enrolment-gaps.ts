import type { AssistanceEnrolmentChanged } from '@huimin/contracts';
import type { Decision, Programme } from './decide.ts';

export type EnrolledProgramme = AssistanceEnrolmentChanged['programme'];

/** An enrolment in force: its latest change that is not an exit. */
export interface ActiveEnrolment {
  enrolmentId: string;
  programme: EnrolledProgramme;
  monthlyFen: number;
}

export interface EnrolmentGap {
  programme: EnrolledProgramme;
  kind: 'eligible-not-receiving' | 'receiving-not-eligible';
  enrolmentId?: string;
  receivingMonthlyFen: number;
  decidedMonthlyFen: number;
}

/** The screening programme an enrolment is in: tekun is decided once, enrolled dispersed or centralised. */
function screenedAs(programme: EnrolledProgramme): Programme {
  return programme === 'tekun-dispersed' || programme === 'tekun-centralised' ? 'tekun' : programme;
}

/**
 * A decision is a screening result; who receives help comes from the assistance system
 * (DOMAIN.md). Comparing them yields the two gaps discovery acts on. `needs_review` is neither:
 * a person must look before anyone says "no longer eligible".
 */
export function enrolmentGaps(decision: Decision, enrolments: readonly ActiveEnrolment[]): EnrolmentGap[] {
  const gaps: EnrolmentGap[] = [];
  for (const p of decision.programmes) {
    const receiving = enrolments.filter((e) => screenedAs(e.programme) === p.programme);
    if (p.status === 'eligible' && receiving.length === 0) {
      const centralised = p.checks.find((c) => c.code === 'TEKUN_CENTRALISED_MEMBERS');
      const programme: EnrolledProgramme =
        p.programme === 'tekun'
          ? Number(centralised?.actual ?? 0) > 0
            ? 'tekun-centralised'
            : 'tekun-dispersed'
          : p.programme;
      gaps.push({
        programme,
        kind: 'eligible-not-receiving',
        receivingMonthlyFen: 0,
        decidedMonthlyFen: p.monthlyAmountFen,
      });
    }
    if (p.status === 'ineligible')
      for (const e of receiving)
        gaps.push({
          programme: e.programme,
          kind: 'receiving-not-eligible',
          enrolmentId: e.enrolmentId,
          receivingMonthlyFen: e.monthlyFen,
          decidedMonthlyFen: 0,
        });
  }
  return gaps;
}

/** Same gaps (amounts included: discovery shows what the household would get), in any order. */
export function sameGaps(a: readonly EnrolmentGap[], b: readonly EnrolmentGap[]): boolean {
  const key = (g: EnrolmentGap) =>
    `${g.programme}|${g.kind}|${g.enrolmentId ?? ''}|${g.receivingMonthlyFen}|${g.decidedMonthlyFen}`;
  const left = a.map(key).sort();
  const right = b.map(key).sort();
  return left.length === right.length && left.every((k, i) => k === right[i]);
}
