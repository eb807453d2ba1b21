// Pixels as an opaque PNG: 8-bit RGB, no alpha channel. The slides service
// writes its frames so, and tests build their pictures with it.
//
// resvg draws RGBA and its PNG keeps the alpha, though a frame is opaque (its
// page is filled first). ffmpeg then converts RGBA to the video's YUV on a slow
// path: a 30 s one-still clip took 0.44 s of CPU with the npm ffmpeg 4.1 from
// resvg's RGBA PNG and 0.34 s from the same pixels as RGB (Debian's 5.1: 0.53
// and 0.50 s). Dropping the alpha is what ffmpeg's own conversion did with it,
// so the video shows the same picture.
//
// Each row unfiltered (filter type 0) at deflate level 3: a slide is mostly flat
// colour, which deflate takes well as it is, and a frame is carried to the video
// service, not kept; with a photo, Sub or Up filters and a higher level saved a
// fifth of the bytes at two to three times the time.
import * as zlib from "node:zlib";
import { PNG_SIGNATURE } from "./format";

/** A chunk: length, type, data, and the CRC of type and data. */
function chunk(type: string, data: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, "latin1");
  out.set(data, 8);
  out.writeUInt32BE(zlib.crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/** `rgba` is width × height pixels, 4 bytes each, row by row; its alpha is dropped. */
export function opaquePng(rgba: Uint8Array, width: number, height: number): Buffer {
  if (!(Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0) || rgba.length !== width * height * 4) {
    throw new Error(`${rgba.length} bytes are not ${width}×${height} RGBA pixels`);
  }
  const stride = 1 + width * 3;
  const rows = Buffer.alloc(stride * height); // each row's filter byte stays 0: none
  for (let y = 0, from = 0; y < height; y++) {
    let to = y * stride + 1;
    for (let x = 0; x < width; x++, from += 4) {
      rows[to++] = rgba[from];
      rows[to++] = rgba[from + 1];
      rows[to++] = rgba[from + 2];
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bits per sample
  header[9] = 2; // colour type: RGB
  // compression, filter method and interlace stay 0: deflate, adaptive, none
  return Buffer.concat([PNG_SIGNATURE, chunk("IHDR", header), chunk("IDAT", zlib.deflateSync(rows, { level: 3 })), chunk("IEND", new Uint8Array(0))]);
}
