import { describe, expect, it } from 'vitest';
import { readLine, splitNdjson } from './batch-lines.ts';

describe('NDJSON lines', () => {
  it('are numbered as in the file; blank lines are skipped, CRLF is fine', () => {
    expect(splitNdjson('{"a":1}\r\n\r\n  \n{"b":2}\n')).toEqual([
      { line: 1, text: '{"a":1}' },
      { line: 4, text: '{"b":2}' },
    ]);
  });

  it('a line is {"id", "data"} and nothing else', () => {
    expect(readLine('{"id":"e-1","data":{"x":1}}')).toEqual({ ok: true, id: 'e-1', data: { x: 1 } });
    expect(readLine('[1]')).toMatchObject({ ok: false, problems: [{ pointer: '', code: 'WRONG_TYPE' }] });
    expect(readLine('{"id":"e 1"}')).toMatchObject({
      ok: false,
      problems: [
        { pointer: '/id', code: 'PATTERN' },
        { pointer: '/data', code: 'REQUIRED' },
      ],
    });
    expect(readLine('{"id":"e-2","data":{},"a/b~":0}')).toMatchObject({
      ok: false,
      id: 'e-2',
      problems: [{ pointer: '/a~1b~0', code: 'UNKNOWN_PROPERTY' }],
    });
    expect(readLine('{"id":')).toMatchObject({ ok: false, problems: [{ code: 'MALFORMED_JSON' }] });
  });
});
