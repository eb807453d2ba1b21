// The ffconcat list that turns still frames into a variable-frame-rate video:
// one entry per frame with how long it is shown. ffmpeg ignores the duration of
// the last entry (nothing follows it to start later), so the last frame is
// listed once more: its duration then counts, and the repeat is a single frame
// at the end time.

export interface Still {
  /** A file name in the list's own folder. */
  file: string;
  seconds: number;
}

/** ffconcat paths are single-quoted; a quote inside is written '\''. */
const quote = (file: string) => `'${file.replace(/'/g, "'\\''")}'`;

export function concatList(stills: Still[]): string {
  if (stills.length === 0) throw new Error("a video needs at least one still");
  const entries = stills.map((s) => `file ${quote(s.file)}\nduration ${s.seconds.toFixed(6)}\n`);
  return ["ffconcat version 1.0\n", ...entries, `file ${quote(stills.at(-1)!.file)}\n`].join("");
}
