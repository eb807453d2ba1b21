// Which ffmpeg a benchmark measured: the video service says so once, at
// start-up, in its "using ffmpeg" log line (info level). Read from there rather
// than worked out again here, so the figure names the binary that really ran
// (LECTRA_FFMPEG_PATH, else ffmpeg on PATH, else the npm build), whose speed
// differs by build (bookworm's 5.1 against the npm 4.1, for one).

export interface FfmpegUsed {
  path: string;
  /** As ffmpeg says it, e.g. "5.1.9-0+deb12u1" or "N-47683-g0e8eb07980-static". */
  version: string;
  /** Where the service found it: "LECTRA_FFMPEG_PATH", "PATH" or "@ffmpeg-installer/ffmpeg". */
  source: string;
}

/** A key=value detail of a log line; values with spaces are JSON strings. */
function detail(line: string, key: string): string | undefined {
  const m = new RegExp(` ${key}=("(?:[^"\\\\]|\\\\.)*"|\\S+)`).exec(line);
  if (!m) return undefined;
  return m[1].startsWith('"') ? (JSON.parse(m[1]) as string) : m[1];
}

/** The ffmpeg the video service's logs say it uses, or undefined when they do not say. */
export function ffmpegUsed(videoLogs: string): FfmpegUsed | undefined {
  const line = videoLogs.split("\n").find((l) => / \[video\] using ffmpeg /.test(l));
  const path = line && detail(line, "path");
  const version = line && detail(line, "version");
  if (!line || !path || !version) return undefined;
  return { path, version, source: detail(line, "from") ?? "unknown" };
}
