// What a slide's picture really is, read from its bytes rather than trusted from
// its media_type: PNG or JPEG (the two formats both PowerPoint and resvg draw),
// and its pixel size, for the layout's aspect-fit.
import type { Picture } from "@lectra/proto";

export type PictureFormat = "png" | "jpeg";

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export function pictureFormat(data: Uint8Array): PictureFormat | undefined {
  if (data.length >= 24 && Buffer.from(data.subarray(0, 8)).equals(PNG_SIGNATURE)) return "png";
  if (data.length >= 4 && data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff) return "jpeg";
  return undefined;
}

/** JPEG start-of-frame markers that carry the image size (SOF0..SOF15 except DHT, JPG, DAC). */
const SOF_MARKERS = new Set([0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf]);

function jpegSize(data: Buffer): { width: number; height: number } | undefined {
  let at = 2;
  while (at + 9 < data.length) {
    if (data[at] !== 0xff) return undefined;
    const marker = data[at + 1];
    if (marker === 0xff) {
      at++; // fill byte
      continue;
    }
    if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      at += 2;
      continue;
    }
    const length = data.readUInt16BE(at + 2);
    if (SOF_MARKERS.has(marker)) return { height: data.readUInt16BE(at + 5), width: data.readUInt16BE(at + 7) };
    at += 2 + length;
  }
  return undefined;
}

/** Pixel size from the PNG header or the JPEG frame header; undefined when unreadable. */
export function pictureSize(data: Uint8Array): { width: number; height: number } | undefined {
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const format = pictureFormat(buf);
  const size = format === "png" ? { width: buf.readUInt32BE(16), height: buf.readUInt32BE(20) } : format === "jpeg" ? jpegSize(buf) : undefined;
  return size && size.width > 0 && size.height > 0 ? size : undefined;
}

/** Width / height: from the bytes when they say, else from the message's fields, else 4:3. */
export function pictureAspect(picture: Picture): number {
  const size = pictureSize(picture.data) ?? (picture.width > 0 && picture.height > 0 ? picture : undefined);
  return size ? size.width / size.height : 4 / 3;
}

/** "Picture: <title> by <author>, <license>, <source_url>", or undefined when nothing is known of its origin. */
export function pictureCredit(picture: Picture): string | undefined {
  const author = picture.author.trim();
  const license = picture.license.trim();
  const source = picture.sourceUrl.trim();
  if (!author && !license && !source) return undefined;
  const title = picture.title.trim() || "untitled";
  return `Picture: ${[title + (author ? ` by ${author}` : ""), license, source].filter(Boolean).join(", ")}`;
}
