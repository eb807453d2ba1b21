// What the video needs to know about a frame before ffmpeg sees it: that it is
// a PNG (@lectra/pictures reads its header and size) and a whole one (chunks
// that fit, IEND last). A cut-short upload is then refused naming the frame,
// instead of failing inside ffmpeg with a message about "stream 0:0".
import { readPicture } from "@lectra/pictures";

export interface PictureSize {
  width: number;
  height: number;
}

/** The picture's size, or a description of what is wrong with it. */
export function readPng(data: Uint8Array): PictureSize | { problem: string } {
  const picture = readPicture(data);
  if ("problem" in picture) return picture;
  if (picture.mediaType !== "image/png") return { problem: `is ${picture.mediaType}; frames are image/png` };
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  // Each chunk: length (4), type (4), data (length), CRC (4).
  for (let at = 8; at + 8 <= buf.length; ) {
    const type = buf.toString("latin1", at + 4, at + 8);
    const end = at + 12 + buf.readUInt32BE(at);
    if (end > buf.length) {
      const name = /^[A-Za-z]{4}$/.test(type) ? `its ${type} chunk` : "a chunk";
      return { problem: `is cut short: ${name} at byte ${at} runs past the end (${buf.length} bytes)` };
    }
    if (type === "IEND") return { width: picture.width, height: picture.height };
    at = end;
  }
  return { problem: "is cut short: it has no IEND chunk" };
}
