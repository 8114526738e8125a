import { inJurisdiction, type UserPrincipal } from '@huimin/auth';

/** Who an alert event concerns, as the delivery log records it beside the event. */
export interface Audience {
  communityCode: string;
  townCode: string;
  assigneeUserId: string | undefined;
  /** Delegates standing in for the assignee while they are away. */
  standInUserIds: readonly string[];
  /** The town's supervisors receive it: an escalation, or a later event of an escalated alert. */
  toSupervisors: boolean;
  /** Supervisors discovery named on an escalation. */
  escalatedUserIds: readonly string[];
}

/**
 * Whether a person's session receives an event. The token must cover the alert's community (a
 * handler of another community never receives it, whatever else is true); within that:
 * - the assignee, whatever their role (a town supervisor is the assignee when no roster exists);
 * - a case handler standing in for the assignee (their token carries the absent handler's
 *   communities while the leave lasts, and discovery assigned on the absent one's behalf);
 * - a town supervisor, on an escalation and on every later event of an escalated alert.
 * Colleagues who merely share the community, the bureau's admins and auditors receive nothing.
 */
export function reaches(audience: Audience, user: UserPrincipal): boolean {
  if (!inJurisdiction(user, audience.communityCode)) return false;
  if (audience.assigneeUserId !== undefined && user.userId === audience.assigneeUserId) return true;
  if (user.role === 'case-handler') return audience.standInUserIds.includes(user.userId);
  if (user.role === 'town-supervisor') {
    return audience.toSupervisors || audience.escalatedUserIds.includes(user.userId);
  }
  return false;
}
