// Reads an MP4's duration from its movie header ('mvhd' inside 'moov'): the
// length a player shows, taken from the file itself rather than from what we
// asked ffmpeg for.

interface Box {
  type: string;
  /** Where the box's content starts and ends. */
  body: number;
  end: number;
}

function* boxes(data: Buffer, from: number, to: number): Generator<Box> {
  let at = from;
  while (at + 8 <= to) {
    let size = data.readUInt32BE(at);
    const type = data.toString("latin1", at + 4, at + 8);
    let header = 8;
    if (size === 1) {
      if (at + 16 > to) return;
      size = Number(data.readBigUInt64BE(at + 8));
      header = 16;
    } else if (size === 0) {
      size = to - at;
    }
    if (size < header || at + size > to) throw new Error(`MP4 box '${type}' at ${at} runs past its parent`);
    yield { type, body: at + header, end: at + size };
    at += size;
  }
}

function find(data: Buffer, type: string, from: number, to: number): Box | undefined {
  for (const box of boxes(data, from, to)) if (box.type === type) return box;
  return undefined;
}

/** Duration in seconds, from moov/mvhd (version 0: 32-bit fields, version 1: 64-bit). */
export function mp4DurationSeconds(mp4: Uint8Array): number {
  const data = Buffer.from(mp4.buffer, mp4.byteOffset, mp4.byteLength);
  const moov = find(data, "moov", 0, data.length);
  if (!moov) throw new Error("MP4 has no 'moov' box");
  const mvhd = find(data, "mvhd", moov.body, moov.end);
  if (!mvhd) throw new Error("MP4 has no 'mvhd' box");
  const version = data.readUInt8(mvhd.body);
  // version(1) flags(3), then creation and modification times, timescale, duration.
  const [timescale, duration] =
    version === 1
      ? [data.readUInt32BE(mvhd.body + 20), Number(data.readBigUInt64BE(mvhd.body + 24))]
      : [data.readUInt32BE(mvhd.body + 12), data.readUInt32BE(mvhd.body + 16)];
  if (timescale === 0) throw new Error("MP4 'mvhd' has a timescale of 0");
  return duration / timescale;
}

/** Whether the movie header comes before the media data, so playback can start while downloading. */
export function moovBeforeMdat(mp4: Uint8Array): boolean {
  const data = Buffer.from(mp4.buffer, mp4.byteOffset, mp4.byteLength);
  for (const box of boxes(data, 0, data.length)) {
    if (box.type === "moov") return true;
    if (box.type === "mdat") return false;
  }
  return false;
}
