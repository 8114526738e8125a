// Discovery's alerts, as charity asks about them when an application links one: does the alert
// exist, and is it about this household? Answered over gRPC (grpc-alert-directory.ts).

export interface AlertSummary {
  alertId: string;
  householdId?: string | undefined;
  communityCode: string;
  status: string;
}

export interface AlertDirectory {
  /** The alert, or undefined when discovery has none with this id; throws AlertCheckUnavailable when it cannot be asked. */
  getAlert(alertId: string): Promise<AlertSummary | undefined>;
  close(): void;
}

export class AlertCheckUnavailable extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AlertCheckUnavailable';
  }
}
