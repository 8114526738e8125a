// The simulator's few ways to fail, each a reason to stop the run rather than carry on.
export type SimulatorErrorCode =
  /** Ingest kept answering 5xx / 429 / timing out after every retry. */
  | 'INGEST_UNAVAILABLE'
  /** Ingest refused the department's API key or signature: fix the credentials. */
  | 'UNAUTHENTICATED'
  /** Ingest answered something the simulator cannot read (not ingest, or a version mismatch). */
  | 'BAD_RESPONSE'
  /** A flag or option the simulator cannot work with. */
  | 'BAD_OPTION';

export class SimulatorError extends Error {
  readonly code: SimulatorErrorCode;
  constructor(code: SimulatorErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SimulatorError';
    this.code = code;
  }
}
