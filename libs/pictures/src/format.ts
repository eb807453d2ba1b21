// A picture's format and pixel size, read from its first bytes and never taken
// from what came with it: web hosts label error pages image/jpeg, and a
// Picture's media_type, width and height are only what a caller claims. The
// pictures a lecture uses are PNG and JPEG, the two formats both PowerPoint and
// resvg draw; video frames are PNG.
//
// A file counts as a picture only when its header gives a size above zero:
//   - PNG: the signature, then IHDR as the first chunk (the format requires it
//     there, and only there are bytes 16..23 the width and height);
//   - JPEG: SOI, then marker segments up to a start-of-frame, which carries the
//     size. A start-of-scan or end-of-image before any frame header means no
//     size (what follows a scan is coded image data, not markers), and so does
//     a file that ends first: a decoder could not draw it either.

export type PictureMediaType = "image/png" | "image/jpeg";

export interface PictureFormat {
  mediaType: PictureMediaType;
  width: number;
  height: number;
}

/** What is wrong with bytes that are not a picture, phrased to follow the field's name. */
export interface NotAPicture {
  problem: string;
}

export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function pngFormat(data: Buffer): PictureFormat | NotAPicture {
  if (data.length < 24) return { problem: `is a PNG cut short inside its header (${data.length} bytes)` };
  if (data.toString("latin1", 12, 16) !== "IHDR") return { problem: "is not a PNG (its first chunk is not IHDR)" };
  return { mediaType: "image/png", width: data.readUInt32BE(16), height: data.readUInt32BE(20) };
}

/** Start-of-frame markers carry the size: baseline, extended, progressive, lossless, arithmetic (not DHT C4, JPG C8, DAC CC). */
const isStartOfFrame = (marker: number) => marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;

function jpegFormat(data: Buffer): PictureFormat | NotAPicture {
  // Walk the marker segments after SOI until a start-of-frame (the size) or start-of-scan (too late).
  let at = 2;
  while (at + 4 <= data.length) {
    if (data[at] !== 0xff) return { problem: `is not a JPEG (no marker at byte ${at})` };
    const marker = data[at + 1]!;
    if (marker === 0xff) {
      at++; // fill byte
      continue;
    }
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      at += 2; // markers without a length
      continue;
    }
    if (marker === 0xda) return { problem: "is a JPEG with no frame header (SOF) before its image data" };
    if (marker === 0xd9) return { problem: "is a JPEG that ends (EOI) before any frame header (SOF)" };
    const length = data.readUInt16BE(at + 2);
    if (length < 2) return { problem: `is not a JPEG (the segment at byte ${at} has a length of ${length})` };
    if (isStartOfFrame(marker)) {
      if (at + 9 > data.length) break;
      return { mediaType: "image/jpeg", height: data.readUInt16BE(at + 5), width: data.readUInt16BE(at + 7) };
    }
    at += 2 + length;
  }
  return { problem: `is a JPEG cut short before its frame header (${data.length} bytes)` };
}

/** The picture's format and size, or what keeps it from being a PNG or JPEG with a size. */
export function readPicture(bytes: Uint8Array): PictureFormat | NotAPicture {
  const data = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (data.length === 0) return { problem: "is empty" };
  const format =
    data.length >= 8 && data.subarray(0, 8).equals(PNG_SIGNATURE)
      ? pngFormat(data)
      : data.length >= 3 && data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff
        ? jpegFormat(data)
        : { problem: "is neither a PNG nor a JPEG (it does not start with either signature)" };
  if ("problem" in format) return format;
  if (format.width === 0 || format.height === 0) {
    return { problem: `is a ${format.mediaType === "image/png" ? "PNG" : "JPEG"} of ${format.width}x${format.height} pixels` };
  }
  return format;
}
