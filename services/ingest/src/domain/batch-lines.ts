import type { Problem } from './check-event.ts';
import { EVENT_ID_PATTERN, isEventId } from './event-id.ts';

// An NDJSON batch: one event per line, `{"id":"<event id>","data":{…payload…}}`. Lines are
// numbered from 1 as they appear in the body; blank lines (a trailing newline, a CRLF file's
// empty tail) are skipped and counted in the numbering, so a line number always points at the
// sender's file.

export interface BatchLine {
  line: number;
  text: string;
}

export function splitNdjson(body: string): BatchLine[] {
  const lines: BatchLine[] = [];
  let start = 0;
  let number = 0;
  while (start <= body.length) {
    let end = body.indexOf('\n', start);
    if (end === -1) end = body.length;
    number++;
    let text = body.slice(start, end);
    if (text.endsWith('\r')) text = text.slice(0, -1);
    if (text.trim() !== '') lines.push({ line: number, text });
    start = end + 1;
  }
  return lines;
}

export type LineEnvelope =
  | { ok: true; id: string; data: unknown }
  | { ok: false; id?: string; problems: Problem[] };

/** Parses one line's JSON and its envelope; the payload itself is checked by `checkEvent`. */
export function readLine(text: string): LineEnvelope {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (_err: unknown) {
    return {
      ok: false,
      problems: [{ pointer: '', code: 'MALFORMED_JSON', message: 'the line is not valid JSON' }],
    };
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    return {
      ok: false,
      problems: [
        { pointer: '', code: 'WRONG_TYPE', message: 'each line must be an object {"id": …, "data": {…}}' },
      ],
    };
  }
  const envelope = parsed as Record<string, unknown>;
  const problems: Problem[] = [];
  const id = envelope.id;
  if (id === undefined)
    problems.push({ pointer: '/id', code: 'REQUIRED', message: 'required property is missing' });
  else if (!isEventId(id))
    problems.push({ pointer: '/id', code: 'PATTERN', message: `must match ${EVENT_ID_PATTERN}` });
  if (envelope.data === undefined) {
    problems.push({ pointer: '/data', code: 'REQUIRED', message: 'required property is missing' });
  }
  for (const key of Object.keys(envelope)) {
    if (key !== 'id' && key !== 'data') {
      problems.push({
        pointer: `/${escapePointerToken(key)}`,
        code: 'UNKNOWN_PROPERTY',
        message: 'a line has only "id" and "data"',
      });
    }
  }
  if (problems.length > 0) return isEventId(id) ? { ok: false, id, problems } : { ok: false, problems };
  return { ok: true, id: id as string, data: envelope.data };
}

/** RFC 6901: `~` and `/` inside a reference token are written `~0` and `~1`. */
export function escapePointerToken(token: string): string {
  return token.replaceAll('~', '~0').replaceAll('/', '~1');
}
