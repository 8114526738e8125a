/**
 * The slice of a pino logger this library uses. A pino `Logger` (as made by the kit's
 * `createLogger`) fits it; so does anything with these three methods.
 */
export interface PgLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** Used when the caller gives no logger, so nothing is silently dropped. */
export const consoleLogger: PgLogger = {
  info: () => {},
  warn: (obj, msg) => console.warn(msg ?? '', obj),
  error: (obj, msg) => console.error(msg ?? '', obj),
};
