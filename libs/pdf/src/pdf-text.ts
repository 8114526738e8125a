import { inflateSync } from 'node:zlib';

// Just enough PDF reading to see what a reader would see in one of our PDFs: which fonts are embedded,
// and the text of the page rebuilt from the glyph codes in its content stream through the
// embedded font's ToUnicode map (pdfkit writes Identity-H two-byte glyph codes).

interface PdfObject {
  dictionary: string;
  stream?: Buffer;
}

function objects(pdf: Buffer): PdfObject[] {
  const text = pdf.toString('latin1');
  const found: PdfObject[] = [];
  const objectPattern = /\d+ 0 obj\s*([\s\S]*?)endobj/g;
  for (let match = objectPattern.exec(text); match !== null; match = objectPattern.exec(text)) {
    const body = match[1] ?? '';
    const streamAt = body.indexOf('stream');
    if (streamAt === -1) {
      found.push({ dictionary: body });
      continue;
    }
    const dictionary = body.slice(0, streamAt);
    let start = match.index + match[0].indexOf(body) + streamAt + 'stream'.length;
    if (text[start] === '\r') start++;
    if (text[start] === '\n') start++;
    const length = Number(/\/Length (\d+)/.exec(dictionary)?.[1] ?? 0);
    let stream = pdf.subarray(start, start + length);
    if (/\/FlateDecode/.test(dictionary)) stream = inflateSync(stream);
    found.push({ dictionary, stream });
  }
  return found;
}

/** The BaseFont names of embedded fonts (those with a FontFile, FontFile2 or FontFile3). */
export function embeddedFonts(pdf: Buffer): string[] {
  const all = objects(pdf);
  const names: string[] = [];
  for (const o of all) {
    if (!/\/Type \/FontDescriptor/.test(o.dictionary) || !/\/FontFile[23]? /.test(o.dictionary)) continue;
    const name = /\/FontName \/([^\s/]+)/.exec(o.dictionary)?.[1];
    if (name) names.push(name);
  }
  return names;
}

function toUnicodeMap(cmap: string): Map<number, string> {
  const map = new Map<number, string>();
  const hexText = (hex: string) => {
    let out = '';
    for (let i = 0; i < hex.length; i += 4)
      out += String.fromCharCode(Number.parseInt(hex.slice(i, i + 4), 16));
    return out;
  };
  for (const block of cmap.matchAll(/beginbfchar([\s\S]*?)endbfchar/g)) {
    for (const pair of (block[1] ?? '').matchAll(/<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>/g)) {
      map.set(Number.parseInt(pair[1] ?? '', 16), hexText(pair[2] ?? ''));
    }
  }
  for (const block of cmap.matchAll(/beginbfrange([\s\S]*?)endbfrange/g)) {
    for (const range of (block[1] ?? '').matchAll(
      /<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*(\[[^\]]*\]|<[0-9a-fA-F]+>)/g,
    )) {
      const from = Number.parseInt(range[1] ?? '', 16);
      const to = Number.parseInt(range[2] ?? '', 16);
      const target = range[3] ?? '';
      if (target.startsWith('[')) {
        const values = [...target.matchAll(/<([0-9a-fA-F]+)>/g)].map((v) => hexText(v[1] ?? ''));
        for (let code = from; code <= to; code++) map.set(code, values[code - from] ?? '');
      } else {
        const base = hexText(target.slice(1, -1));
        for (let code = from; code <= to; code++) {
          map.set(
            code,
            base.slice(0, -1) + String.fromCharCode(base.charCodeAt(base.length - 1) + code - from),
          );
        }
      }
    }
  }
  return map;
}

/** The text shown by the PDF's pages, in drawing order, each text-showing operator on its own line. */
export function pageText(pdf: Buffer): string {
  const all = objects(pdf);
  const map = new Map<number, string>();
  for (const o of all) {
    const stream = o.stream?.toString('latin1') ?? '';
    if (stream.includes('begincmap')) for (const [code, text] of toUnicodeMap(stream)) map.set(code, text);
  }
  const lines: string[] = [];
  for (const o of all) {
    const stream = o.stream?.toString('latin1');
    if (stream === undefined || !/\bT[Jj]\b/.test(stream) || stream.includes('begincmap')) continue;
    for (const shown of stream.matchAll(/(\[[^\]]*\]|<[0-9a-fA-F]*>)\s*T[Jj]/g)) {
      let line = '';
      for (const hex of (shown[1] ?? '').matchAll(/<([0-9a-fA-F]*)>/g)) {
        const codes = hex[1] ?? '';
        for (let i = 0; i < codes.length; i += 4)
          line += map.get(Number.parseInt(codes.slice(i, i + 4), 16)) ?? '\uFFFD';
      }
      lines.push(line);
    }
  }
  return lines.join('\n');
}
