// What AssembleVideo checks of a clip before ffmpeg sees it: that it looks like
// MPEG-TS, packets of 188 bytes that each start with the sync byte 0x47. A clip
// that is cut short or is something else is then refused naming it, instead of
// failing inside ffmpeg halfway through the lecture.

export const TS_PACKET_BYTES = 188;
export const TS_SYNC_BYTE = 0x47;

/** What is wrong with the bytes as MPEG-TS, or undefined when they look right. */
export function transportStreamProblem(data: Uint8Array): string | undefined {
  if (data.length === 0) return "is empty; send the clip RenderClip returned";
  if (data.length % TS_PACKET_BYTES !== 0) {
    return `is ${data.length} bytes, not a whole number of ${TS_PACKET_BYTES}-byte MPEG-TS packets (cut short?)`;
  }
  for (let at = 0; at < data.length; at += TS_PACKET_BYTES) {
    if (data[at] !== TS_SYNC_BYTE) return `is not MPEG-TS: packet ${at / TS_PACKET_BYTES} (byte ${at}) does not start with the sync byte 0x47`;
  }
  return undefined;
}
