import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PhotoUnreadable, stripPhotoMetadata, tiffOrientation } from './photo-metadata.ts';

// The fixtures are real encoder output (Chromium's libjpeg-turbo, libpng and libwebp, a 48×32
// picture), and the same pictures with what a phone adds: EXIF with the GPS position of 太仓
// (31°27′42″N 121°6′20″E) and orientation 6 (rotated for portrait), an XMP packet with the
// position again, a comment, and — in the JPEG — a second picture after the end with its own EXIF.
const fixture = (name: string) => readFileSync(new URL(`../test/fixtures/${name}`, import.meta.url));

const GPS_TRACES = ['GPS', 'ns.adobe.com', 'HuiminCam', '31,27'];
const traces = (bytes: Buffer) => GPS_TRACES.filter((t) => bytes.includes(Buffer.from(t, 'latin1')));

describe('a visit photo’s metadata', () => {
  it('is dropped from a JPEG, the picture kept byte for byte and its orientation kept', () => {
    const phone = fixture('visit-gps.jpg');
    const plain = fixture('visit.jpg');
    expect(traces(phone)).toEqual(GPS_TRACES);
    expect(tiffOrientation(phone.subarray(phone.indexOf('Exif\0\0') + 6))).toBe(6);

    const stripped = stripPhotoMetadata('image/jpeg', phone);
    expect(traces(stripped)).toEqual([]);
    // SOI and JFIF APP0 as encoded, then an EXIF holding only the orientation, then the rest of the
    // encoder's picture up to and including its EOI — the second picture after it gone.
    const app0End = 4 + plain.readUInt16BE(4);
    const orientation = stripped.subarray(app0End, app0End + 36);
    expect(orientation.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xe1]));
    expect(tiffOrientation(orientation.subarray(10))).toBe(6);
    expect(Buffer.concat([stripped.subarray(0, app0End), stripped.subarray(app0End + 36)])).toEqual(plain);
  });

  it('leaves a JPEG without metadata as it was', () => {
    const plain = fixture('visit.jpg');
    expect(stripPhotoMetadata('image/jpeg', plain)).toEqual(plain);
  });

  it('is dropped from a PNG (eXIf, XMP in iTXt, tEXt), every image chunk kept', () => {
    const phone = fixture('visit-gps.png');
    expect(traces(phone)).toEqual(GPS_TRACES);
    const stripped = stripPhotoMetadata('image/png', phone);
    expect(traces(stripped)).toEqual([]);
    expect(stripped).toEqual(fixture('visit.png'));
  });

  it('is dropped from a WebP (EXIF and XMP chunks, their VP8X flags), the RIFF size rewritten', () => {
    const phone = fixture('visit-gps.webp');
    expect(traces(phone)).toEqual(GPS_TRACES);
    expect(phone.readUInt8(20) & 0x0c).toBe(0x0c);
    const stripped = stripPhotoMetadata('image/webp', phone);
    expect(traces(stripped)).toEqual([]);
    expect(stripped).toEqual(fixture('visit.webp'));
    expect(stripped.readUInt32LE(4)).toBe(stripped.length - 8);
  });

  it('refuses a file whose structure is broken rather than store it unread', () => {
    const jpeg = fixture('visit-gps.jpg');
    expect(() => stripPhotoMetadata('image/jpeg', jpeg.subarray(0, 40))).toThrow(PhotoUnreadable);
    const png = fixture('visit-gps.png');
    expect(() => stripPhotoMetadata('image/png', png.subarray(0, 60))).toThrow(PhotoUnreadable);
    const webp = fixture('visit-gps.webp');
    expect(() => stripPhotoMetadata('image/webp', webp.subarray(0, 30))).toThrow(PhotoUnreadable);
    expect(() => stripPhotoMetadata('image/jpeg', Buffer.from('GIF89a......'))).toThrow(PhotoUnreadable);
  });
});
