// What a downloaded file really is, from its first bytes, whatever the server's
// Content-Type says (hosts label error pages image/jpeg). Only PNG and JPEG are
// pictures here: the slides service takes those. The size comes from the file
// too (PNG IHDR, JPEG start-of-frame), so the Picture's width and height are the
// pixels the deck will get, not what a search API claimed.

export interface PictureFormat {
  mediaType: "image/png" | "image/jpeg";
  width: number;
  height: number;
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function pngFormat(data: Buffer): PictureFormat | undefined {
  if (data.length < 24 || !data.subarray(0, 8).equals(PNG_SIGNATURE)) return undefined;
  if (data.toString("latin1", 12, 16) !== "IHDR") return undefined; // IHDR must be the first chunk
  return { mediaType: "image/png", width: data.readUInt32BE(16), height: data.readUInt32BE(20) };
}

/** Start-of-frame markers carry the size: baseline, extended, progressive, lossless, arithmetic (not DHT C4, JPG C8, DAC CC). */
const isStartOfFrame = (marker: number) => marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;

function jpegFormat(data: Buffer): PictureFormat | undefined {
  if (data.length < 4 || data[0] !== 0xff || data[1] !== 0xd8 || data[2] !== 0xff) return undefined;
  // Walk the marker segments after SOI until a start-of-frame (the size) or start-of-scan (too late).
  let at = 2;
  while (at + 4 <= data.length) {
    if (data[at] !== 0xff) return undefined;
    const marker = data[at + 1]!;
    if (marker === 0xff) {
      at++; // fill byte
      continue;
    }
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      at += 2; // markers without a length
      continue;
    }
    if (marker === 0xda || marker === 0xd9) return undefined;
    const length = data.readUInt16BE(at + 2);
    if (length < 2) return undefined;
    if (isStartOfFrame(marker)) {
      if (at + 9 > data.length) return undefined;
      return { mediaType: "image/jpeg", height: data.readUInt16BE(at + 5), width: data.readUInt16BE(at + 7) };
    }
    at += 2 + length;
  }
  return undefined;
}

/** The file's format and size when it is a PNG or JPEG with a size; undefined for anything else. */
export function sniffPicture(data: Buffer): PictureFormat | undefined {
  const format = pngFormat(data) ?? jpegFormat(data);
  return format && format.width > 0 && format.height > 0 ? format : undefined;
}

/** The first bytes, printable, for an error message about a file that is not a picture. */
export function describeStart(data: Buffer): string {
  const start = data.subarray(0, 16).toString("latin1");
  return JSON.stringify(start.replace(/[^\x20-\x7e]/g, "."));
}
