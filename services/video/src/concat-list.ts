// ffconcat lists, the concat demuxer's input: one entry per file with how long
// it lasts.
//
// Stills: one entry per frame turns still frames into a variable-frame-rate
// video. ffmpeg ignores the duration of the last entry (nothing follows it to
// start later), so the last frame is listed once more: its duration then
// counts, and the repeat is a single frame at the end time.
//
// Clips: each listed with its exact length, so the next one starts where the
// previous one ends rather than where its timestamps make ffmpeg guess it does.
//
// A clip's stills are listed once each and its repeats made by a filter
// (clipFramesFilter): the concat demuxer opens, probes and decodes every entry
// anew, so the four entries of a one-still clip sent the same 1080p PNG to the
// decoder 11 times, against 4 for one entry (bookworm's 5.1, counted with gdb
// on avcodec_send_packet), at 0.05 s of CPU a decode.

export interface Still {
  /** A file name in the list's own folder. */
  file: string;
  seconds: number;
}

/** ffconcat paths are single-quoted; a quote inside is written '\''. */
const quote = (file: string) => `'${file.replace(/'/g, "'\\''")}'`;

const entry = (s: Still) => `file ${quote(s.file)}\nduration ${s.seconds.toFixed(6)}\n`;

export function concatList(stills: Still[]): string {
  if (stills.length === 0) throw new Error("a video needs at least one still");
  return ["ffconcat version 1.0\n", ...stills.map(entry), `file ${quote(stills.at(-1)!.file)}\n`].join("");
}

/** Clips end to end, each lasting exactly its `seconds`. */
export function clipList(clips: Still[]): string {
  if (clips.length === 0) throw new Error("a lecture needs at least one clip");
  return ["ffconcat version 1.0\n", ...clips.map(entry)].join("");
}

/** A clip's stills, each once: clipFramesFilter shows them when and as often as they are due. */
export function stillsOnce(stills: Still[]): string {
  if (stills.length === 0) throw new Error("a clip needs at least one still");
  return ["ffconcat version 1.0\n", ...stills.map(entry)].join("");
}

/**
 * ffmpeg reads a still at 25 frames a second, its default for a picture: every
 * frame's time is rounded to 1/25 s, and the last frame lasts 1/25 s. The
 * repeat that carries the end time therefore makes the video 0.02..0.06 s
 * longer than the narration.
 */
export const STILL_TICK_SECONDS = 1 / 25;

/**
 * The stills of a clip, which is read back as MPEG-TS and joined to the next:
 * - the repeat at the end is listed one tick early, so it ends, rather than
 *   starts, at the end time (within half a tick), and never lands on the next
 *   clip's first frame;
 * - the first still is shown again one and two ticks later. Reading MPEG-TS,
 *   ffmpeg learns the picture's size from the first frame, which it has only
 *   once the third frame begins (a video frame's length is not written down,
 *   so a frame ends where the next one starts, and H.264's parser then waits
 *   for the one after); it stops looking after 7 s of sound, so a slide shown
 *   longer would join as a picture of no size.
 * A still too short to lend the ticks is left as it is.
 */
export function clipStills<T extends { seconds: number }>(stills: T[]): T[] {
  const tick = STILL_TICK_SECONDS;
  const out = [...stills];
  const last = out.length - 1;
  if (last < 0) return out;
  if (out[last].seconds > 2 * tick) out[last] = { ...out[last], seconds: out[last].seconds - tick };
  const first = out[0];
  if (first.seconds > 3 * tick) out.splice(0, 1, { ...first, seconds: tick }, { ...first, seconds: tick }, { ...first, seconds: first.seconds - 2 * tick });
  return out;
}

/**
 * The filter that turns a clip's stills, read once each in order (stillsOnce),
 * into the frames concatList would list for clipStills' entries, at the same
 * times: `loop` shows a decoded still again, `setpts` puts each frame at its
 * time. The times are summed in whole microseconds, as the concat demuxer sums
 * its entries, and rounded to the stream's time base as it rounds them, so the
 * clip comes out as it did from the longer list (same frames, same timestamps).
 * Decoding each still once took a one-still 30 s clip from 1.00 to 0.70 s of
 * CPU with bookworm's ffmpeg 5.1 and from 0.77 to 0.51 s with the npm 4.1
 * (medians of 9; the PNG decoder's and x264's threads aside, clip.ts).
 */
export function clipFramesFilter(stills: Array<{ seconds: number }>): string {
  if (stills.length === 0) throw new Error("a clip needs at least one still");
  const frames = clipStills(stills.map((s, still) => ({ seconds: s.seconds, still })));
  // The repeat that carries the end time (concatList's), its own length unused.
  frames.push({ ...frames.at(-1)!, seconds: 0 });
  const loops: string[] = [];
  let index = 0;
  stills.forEach((_, still) => {
    const shown = frames.filter((f) => f.still === still).length;
    // `start` counts the frames the earlier loops already let through.
    if (shown > 1) loops.push(`loop=loop=${shown - 1}:size=1:start=${index}`);
    index += shown;
  });
  let micros = 0;
  const terms = frames.map((f, n) => {
    const at = micros;
    micros += Math.round(f.seconds * 1e6);
    return `${(at / 1e6).toFixed(6)}*eq(N,${n})`;
  });
  return [...loops, `setpts='round((${terms.join("+")})/TB)'`].join(",");
}
