// What the video needs to know about a frame before ffmpeg sees it: that it is
// a whole PNG (signature, IHDR first, chunks that fit, IEND last), and its size.
// A cut-short upload is then refused naming the frame, instead of failing
// inside ffmpeg with a message about "stream 0:0".

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export interface PictureSize {
  width: number;
  height: number;
}

/** The picture's size, or a description of what is wrong with it. */
export function readPng(data: Uint8Array): PictureSize | { problem: string } {
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  if (buf.length < 8 || !buf.subarray(0, 8).equals(SIGNATURE)) return { problem: "is not a PNG (it does not start with the PNG signature)" };
  if (buf.length < 24 || buf.toString("latin1", 12, 16) !== "IHDR") return { problem: "is not a PNG (its first chunk is not IHDR)" };
  // Each chunk: length (4), type (4), data (length), CRC (4).
  for (let at = 8; at + 8 <= buf.length; ) {
    const type = buf.toString("latin1", at + 4, at + 8);
    const end = at + 12 + buf.readUInt32BE(at);
    if (end > buf.length) {
      const name = /^[A-Za-z]{4}$/.test(type) ? `its ${type} chunk` : "a chunk";
      return { problem: `is cut short: ${name} at byte ${at} runs past the end (${buf.length} bytes)` };
    }
    if (type === "IEND") return { width: buf.readUInt32BE(16), height: buf.readUInt32BE(20) };
    at = end;
  }
  return { problem: "is cut short: it has no IEND chunk" };
}
