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
