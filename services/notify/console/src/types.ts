/** An alert as discovery's API presents it (resident IDs masked). */
export interface Alert {
  id: string;
  householdId: string | null;
  residentId: string | null;
  type: string;
  title: string;
  priority: string;
  origin: 'signal' | 'manual';
  communityCode: string;
  communityName: string | null;
  townCode: string;
  assigneeUserId: string | null;
  onBehalfOf: string | null;
  status: string;
  outcome: string | null;
  dismissReason: string | null;
  reasons: {
    code: string;
    summary: string;
    evidence?: Record<string, unknown>;
    at?: string;
    /** When the reason's cause went away (a risk cleared, a gap closed, a certificate retracted). */
    withdrawnAt?: string;
  }[];
  raisedAt: string;
  acknowledgeDueAt: string;
  visitDueAt: string;
  acknowledgedAt: string | null;
  visitStartedAt: string | null;
  closedAt: string | null;
  acknowledgeBreachedAt: string | null;
  visitBreachedAt: string | null;
}

export interface AlertDetail extends Alert {
  history: { at: string; actor: string; action: string; detail: Record<string, unknown> }[];
  notes: {
    id: string;
    author: string;
    body: string;
    createdAt: string;
    attachments: { position: number; contentType: string; sizeBytes: number }[];
  }[];
}

export const isBreached = (a: Alert): boolean => Boolean(a.acknowledgeBreachedAt || a.visitBreachedAt);
export const isLive = (a: Alert): boolean => ['open', 'acknowledged', 'visiting'].includes(a.status);
