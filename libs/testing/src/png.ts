// PNG files for tests: what a service answered is checked with the services'
// own reader (@lectra/pictures), and solid-colour PNGs are built to send them.
import * as zlib from "node:zlib";
import { PNG_SIGNATURE, readPicture } from "@lectra/pictures";

/** A PNG with a size, as the services read one. */
export function isPng(data: Uint8Array): boolean {
  const picture = readPicture(data);
  return !("problem" in picture) && picture.mediaType === "image/png";
}

/** The PNG's size; throws saying why when `data` is not a PNG with a size. */
export function pngSize(data: Uint8Array): { width: number; height: number } {
  const picture = readPicture(data);
  if ("problem" in picture) throw new Error(`the data ${picture.problem}`);
  if (picture.mediaType !== "image/png") throw new Error(`the data is ${picture.mediaType}, not a PNG`);
  return { width: picture.width, height: picture.height };
}

function crc32(buf: Buffer): number {
  let c = ~0;
  for (const byte of buf) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}

function chunk(type: string, body: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(body.length, 0);
  head.write(type, 4, "ascii");
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), body])), 0);
  return Buffer.concat([head, body, crc]);
}

/** A solid-colour RGB PNG, for feeding services that take frames or pictures. */
export function solidPng(width: number, height: number, [r, g, b]: [number, number, number]): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.writeUInt8(8, 8); // bit depth
  ihdr.writeUInt8(2, 9); // RGB
  const row = Buffer.alloc(1 + width * 3);
  for (let x = 0; x < width; x++) row.set([r, g, b], 1 + x * 3);
  const raw = Buffer.concat(Array.from({ length: height }, () => row));
  return Buffer.concat([PNG_SIGNATURE, chunk("IHDR", ihdr), chunk("IDAT", zlib.deflateSync(raw)), chunk("IEND", Buffer.alloc(0))]);
}
