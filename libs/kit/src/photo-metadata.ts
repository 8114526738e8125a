// Photos (a visit's, an application's evidence) come from handlers' phones, whose cameras write
// where and when a picture was taken (EXIF GPS, XMP) and sometimes the owner's name or a thumbnail of the uncropped picture. None of it
// is needed to see the photo, so it is dropped before the photo is stored: the pixels stay byte for
// byte, only metadata segments go. The one EXIF field kept is the orientation, without which a
// phone's portrait photo shows on its side.

export class PhotoUnreadable extends Error {
  override name = 'PhotoUnreadable';
}

/** The photo without its metadata; throws PhotoUnreadable when its structure is broken. */
export function stripPhotoMetadata(contentType: string, bytes: Buffer): Buffer {
  switch (contentType) {
    case 'image/jpeg':
      return stripJpeg(bytes);
    case 'image/png':
      return stripPng(bytes);
    case 'image/webp':
      return stripWebp(bytes);
    default:
      throw new PhotoUnreadable(`${contentType} is not a photo type the platform keeps`);
  }
}

// JPEG (ITU T.81 Annex B): SOI, marker segments (FF xx + 2-byte length), entropy-coded data after
// each SOS, EOI. Kept: every segment the decoder needs, APP0 (JFIF), APP2 ICC profiles and APP14
// (Adobe colour transform). Dropped: APP1 (Exif, XMP), other APPn (IPTC, MPF, maker data),
// comments, and anything after EOI (a phone's second picture, with its own EXIF).
const SOI = 0xd8;
const EOI = 0xd9;
const SOS = 0xda;
const COM = 0xfe;

function startsWith(segment: Buffer, offset: number, text: string): boolean {
  return segment.subarray(offset, offset + text.length).toString('latin1') === text;
}

function keepJpegSegment(marker: number, segment: Buffer): boolean {
  if (marker === COM) return false;
  if (marker < 0xe0 || marker > 0xef) return true;
  if (marker === 0xe0) return startsWith(segment, 4, 'JFIF\0') || startsWith(segment, 4, 'JFXX\0');
  if (marker === 0xe2) return startsWith(segment, 4, 'ICC_PROFILE\0');
  return marker === 0xee && startsWith(segment, 4, 'Adobe');
}

function stripJpeg(b: Buffer): Buffer {
  if (b.length < 4 || b[0] !== 0xff || b[1] !== SOI) throw new PhotoUnreadable('not a JPEG');
  const head: Buffer[] = [b.subarray(0, 2)];
  const body: Buffer[] = [];
  let orientation: number | undefined;
  let i = 2;
  while (i < b.length) {
    if (b[i] !== 0xff) throw new PhotoUnreadable(`JPEG: a marker was expected at byte ${i}`);
    const marker = b[i + 1];
    if (marker === undefined) throw new PhotoUnreadable('JPEG: cut inside a marker');
    if (marker === 0xff) {
      i += 1; // fill byte
      continue;
    }
    if (marker === EOI) {
      body.push(b.subarray(i, i + 2));
      break;
    }
    if ((marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      body.push(b.subarray(i, i + 2)); // markers without a length
      i += 2;
      continue;
    }
    if (i + 4 > b.length) throw new PhotoUnreadable('JPEG: cut inside a segment header');
    const end = i + 2 + b.readUInt16BE(i + 2);
    if (end > b.length || end < i + 4) throw new PhotoUnreadable('JPEG: a segment runs past the end');
    const segment = b.subarray(i, end);
    if (keepJpegSegment(marker, segment)) {
      // APP0 stays first, as JFIF requires; the orientation is written right after it.
      (marker === 0xe0 && body.length === 0 ? head : body).push(segment);
    } else if (marker === 0xe1 && startsWith(segment, 4, 'Exif\0\0')) {
      orientation ??= tiffOrientation(segment.subarray(10));
    }
    i = end;
    if (marker === SOS) {
      // Entropy-coded data runs to the next marker that is neither a stuffed 00 nor a restart.
      let j = i;
      while (j < b.length) {
        if (b[j] === 0xff) {
          const next = b[j + 1];
          if (next === 0x00 || (next !== undefined && next >= 0xd0 && next <= 0xd7)) {
            j += 2;
            continue;
          }
          break;
        }
        j += 1;
      }
      body.push(b.subarray(i, j));
      i = j;
    }
  }
  if (orientation !== undefined && orientation >= 2 && orientation <= 8)
    head.push(orientationSegment(orientation));
  return Buffer.concat([...head, ...body]);
}

/** Orientation (tag 0x0112) from IFD0 of a TIFF structure (EXIF's payload), if it holds one. */
export function tiffOrientation(tiff: Buffer): number | undefined {
  if (tiff.length < 8) return undefined;
  const order = tiff.subarray(0, 2).toString('latin1');
  if (order !== 'II' && order !== 'MM') return undefined;
  const big = order === 'MM';
  const u16 = (at: number) => (big ? tiff.readUInt16BE(at) : tiff.readUInt16LE(at));
  const u32 = (at: number) => (big ? tiff.readUInt32BE(at) : tiff.readUInt32LE(at));
  if (u16(2) !== 42) return undefined;
  const ifd = u32(4);
  if (ifd + 2 > tiff.length) return undefined;
  const count = u16(ifd);
  for (let n = 0; n < count; n++) {
    const entry = ifd + 2 + n * 12;
    if (entry + 12 > tiff.length) return undefined;
    if (u16(entry) === 0x0112 && u16(entry + 2) === 3) return u16(entry + 8);
  }
  return undefined;
}

/** An APP1 Exif segment holding nothing but the orientation: one IFD0 entry, big-endian. */
function orientationSegment(orientation: number): Buffer {
  const payload = Buffer.alloc(6 + 8 + 2 + 12 + 4);
  payload.write('Exif\0\0', 0, 'latin1');
  payload.write('MM', 6, 'latin1');
  payload.writeUInt16BE(42, 8);
  payload.writeUInt32BE(8, 10); // IFD0 right after the header
  payload.writeUInt16BE(1, 14); // one entry
  payload.writeUInt16BE(0x0112, 16); // Orientation
  payload.writeUInt16BE(3, 18); // SHORT
  payload.writeUInt32BE(1, 20); // one value
  payload.writeUInt16BE(orientation, 24);
  // next IFD offset 0 (already zero)
  const header = Buffer.from([0xff, 0xe1, 0, 0]);
  header.writeUInt16BE(payload.length + 2, 2);
  return Buffer.concat([header, payload]);
}

// PNG (ISO/IEC 15948): signature, then chunks (length, type, data, CRC) up to IEND. Dropped: eXIf
// and the text chunks (tEXt, zTXt, iTXt, where XMP lives), and anything after IEND.
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const PNG_DROPPED = new Set(['eXIf', 'tEXt', 'zTXt', 'iTXt']);

function stripPng(b: Buffer): Buffer {
  if (!b.subarray(0, 8).equals(PNG_SIGNATURE)) throw new PhotoUnreadable('not a PNG');
  const kept: Buffer[] = [PNG_SIGNATURE];
  let i = 8;
  while (i < b.length) {
    if (i + 12 > b.length) throw new PhotoUnreadable('PNG: cut inside a chunk header');
    const end = i + 12 + b.readUInt32BE(i);
    if (end > b.length) throw new PhotoUnreadable('PNG: a chunk runs past the end');
    const type = b.subarray(i + 4, i + 8).toString('latin1');
    if (!PNG_DROPPED.has(type)) kept.push(b.subarray(i, end));
    i = end;
    if (type === 'IEND') break;
  }
  return Buffer.concat(kept);
}

// WebP (RIFF): 'RIFF' size 'WEBP', then chunks (FourCC, little-endian size, data, pad to even).
// Dropped: EXIF and 'XMP ' chunks; VP8X's flags for them are cleared and the RIFF size rewritten.
const VP8X_EXIF = 0x08;
const VP8X_XMP = 0x04;

function stripWebp(b: Buffer): Buffer {
  if (b.length < 12 || b.toString('latin1', 0, 4) !== 'RIFF' || b.toString('latin1', 8, 12) !== 'WEBP')
    throw new PhotoUnreadable('not a WebP');
  const kept: Buffer[] = [];
  const riffEnd = 8 + b.readUInt32LE(4);
  if (riffEnd > b.length) throw new PhotoUnreadable('WebP: cut before the end its header gives');
  let i = 12;
  while (i < riffEnd) {
    if (i + 8 > riffEnd) throw new PhotoUnreadable('WebP: cut inside a chunk header');
    const size = b.readUInt32LE(i + 4);
    const end = i + 8 + size + (size & 1);
    if (i + 8 + size > riffEnd) throw new PhotoUnreadable('WebP: a chunk runs past the end');
    const fourcc = b.toString('latin1', i, i + 4);
    const chunk = Buffer.from(b.subarray(i, Math.min(end, riffEnd)));
    if (fourcc === 'VP8X' && size >= 1) chunk[8] = (chunk[8] ?? 0) & ~(VP8X_EXIF | VP8X_XMP);
    if (fourcc !== 'EXIF' && fourcc !== 'XMP ') kept.push(chunk);
    i = end;
  }
  const chunks = Buffer.concat(kept);
  const header = Buffer.alloc(12);
  header.write('RIFF', 0, 'latin1');
  header.writeUInt32LE(4 + chunks.length, 4);
  header.write('WEBP', 8, 'latin1');
  return Buffer.concat([header, chunks]);
}
