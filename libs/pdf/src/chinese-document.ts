import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import PDFDocument from 'pdfkit';

// Printable documents with Chinese text (charity's donation receipts, the scorecard's quarterly
// review): the glyphs of Noto Sans SC (the GB 2312 subset from the @embedpdf/fonts-sc package, SIL
// Open Font License 1.1) embedded in the PDF. pdfkit embeds only the glyphs a document uses, so a
// one-page document is some tens of kilobytes and prints the same everywhere.

let fontBytes: Buffer | undefined;

/** The font file, read once per process. */
function cjkFont(): Buffer {
  if (fontBytes === undefined) {
    const packageEntry = import.meta.resolve('@embedpdf/fonts-sc');
    fontBytes = readFileSync(fileURLToPath(new URL('../fonts/NotoSansHans-Regular.otf', packageEntry)));
  }
  return fontBytes;
}

/** The PostScript name of the embedded font, as a PDF reader lists it. */
export const CJK_FONT_NAME = 'NotoSansHans-Regular';

export interface ChineseDocument {
  /** The pdfkit document, its font already set to the embedded Chinese one. */
  doc: PDFKit.PDFDocument;
  /** Ends the document and resolves with its bytes. */
  finish(): Promise<Buffer>;
}

/** A pdfkit document writing Chinese text with the embedded font, collected into a buffer. */
export function createChineseDocument(options: PDFKit.PDFDocumentOptions): ChineseDocument {
  const doc = new PDFDocument(options);
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  doc.registerFont('cjk', cjkFont());
  doc.font('cjk');
  return {
    doc,
    finish() {
      doc.end();
      return done;
    },
  };
}

/** `2026年3月4日`, on the Shanghai calendar. */
export function shanghaiChineseDate(instant: Date): string {
  const shanghai = new Date(instant.getTime() + 8 * 3_600_000);
  return `${shanghai.getUTCFullYear()}年${shanghai.getUTCMonth() + 1}月${shanghai.getUTCDate()}日`;
}
