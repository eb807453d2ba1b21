// Frames + narration + chapters → an MP4, through ffmpeg (fluent-ffmpeg).
//
// The picture and the sound are encoded by two ffmpeg processes side by side
// (they share nothing, and AAC took longer than the stills), then put together
// with a stream copy, which costs almost nothing.
//
// By default each slide is one video frame that lasts as long as the slide is
// shown (variable frame rate, from the concat demuxer), so encoding costs one
// frame per slide whatever the lecture's length. Players that need a constant
// frame rate can ask for one: ffmpeg then repeats each still at that rate.
//
// All files live in a fresh temp folder that is removed afterwards, whatever
// happens; ffmpeg is killed when the caller cancels.
import * as fs from "node:fs/promises";
import * as os from "node:os";
import * as path from "node:path";
import ffmpeg from "fluent-ffmpeg";
import { encodeWav } from "@lectra/lecture";
import { ffmetadata } from "./chapters";
import { concatList } from "./concat-list";
import type { Ffmpeg } from "./ffmpeg";
import type { VideoPlan } from "./requests";

/** The sample rates AAC can carry; others are resampled to 48 kHz. */
export const AAC_RATES = new Set([8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000, 64000, 88200, 96000]);

/**
 * AAC for speech: mono at 96 kb/s, at the narration's own rate when AAC has it.
 * Resampling 24 kHz speech to 48 kHz only to encode it cost more than half of a
 * 5-minute lecture's encode time (3.4 s against 1.3 s here) for nothing audible.
 */
export function audioOptions(sampleRate: number): string[] {
  return ["-c:a", "aac", "-b:a", "96k", "-ac", "1", ...(AAC_RATES.has(sampleRate) ? [] : ["-ar", "48000"])];
}

/** Every frame is fitted (letterboxed) into the first one's size, rounded down to even sides as yuv420p needs. */
export function frameFilter({ width, height }: { width: number; height: number }): string {
  const w = width - (width % 2);
  const h = height - (height % 2);
  return `scale=${w}:${h}:force_original_aspect_ratio=decrease,pad=${w}:${h}:(ow-iw)/2:(oh-ih)/2,setsar=1,format=yuv420p`;
}

/**
 * ffmpeg's output options for the picture. Inputs are 0: frames (concat) and,
 * when there are chapters, 1: chapters (FFMETADATA) — in the picture so every
 * chapter can start on a keyframe.
 */
export function videoOptions(tool: Pick<Ffmpeg, "frameRateOption" | "encoder">, plan: VideoPlan): string[] {
  const hasChapters = plan.chapters.length > 0;
  const frameRate =
    plan.frameRate.mode === "variable"
      ? [tool.frameRateOption, "vfr"]
      : // -t cuts the repeated last still exactly where the narration ends; with a
        // variable rate that repeat is the frame that carries the end time, so no -t there.
        [tool.frameRateOption, "cfr", "-r", String(plan.frameRate.fps), "-t", plan.narration.seconds.toFixed(3)];
  return [
    "-map", "0:v:0",
    ...(hasChapters ? ["-map_chapters", "1", "-force_key_frames", "chapters"] : ["-map_chapters", "-1"]),
    "-vf", frameFilter(plan.size),
    ...frameRate,
    ...tool.encoder.outputOptions(plan.frameRate.mode),
    "-an",
    "-f", "mp4",
  ];
}

/** Picture and sound into one MP4 by stream copy, chapters from the picture, the index first. */
export const MUX_OPTIONS = [
  "-map", "0:v:0",
  "-map", "1:a:0",
  "-map_chapters", "0",
  "-c", "copy",
  // The index first, so playback can start before the whole file has arrived.
  "-movflags", "+faststart",
  "-f", "mp4",
];

/** The last lines ffmpeg wrote, for an error message a person can act on. */
function tail(stderr: string | null, lines = 6): string {
  return (stderr ?? "").trim().split("\n").slice(-lines).join(" | ") || "no output";
}

function run(command: ffmpeg.FfmpegCommand, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const stop = () => command.kill("SIGKILL");
    const done = () => signal.removeEventListener("abort", stop);
    // fluent-ffmpeg spawns after a few checks of its own: a cancel that lands before then is applied on start.
    command.on("start", () => {
      if (signal.aborted) stop();
    });
    command.on("end", () => {
      done();
      resolve();
    });
    command.on("error", (error: Error, _stdout: string | null, stderr: string | null) => {
      done();
      reject(signal.aborted ? signal.reason : new Error(`ffmpeg failed: ${error.message.split("\n")[0]}; ${tail(stderr)}`));
    });
    signal.addEventListener("abort", stop, { once: true });
    command.run();
  });
}

/** Encodes the plan and returns the MP4's bytes. */
export async function encodeMp4(tool: Ffmpeg, plan: VideoPlan, signal: AbortSignal): Promise<Buffer> {
  signal.throwIfAborted();
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "lectra-video-"));
  try {
    const at = (file: string) => path.join(dir, file);
    const stills = plan.stills.map((still, i) => ({ file: `frame-${String(i).padStart(5, "0")}.png`, seconds: still.seconds }));
    await Promise.all([
      ...plan.stills.map((still, i) => fs.writeFile(at(stills[i].file), still.png)),
      fs.writeFile(at("frames.ffconcat"), concatList(stills)),
      fs.writeFile(at("narration.wav"), encodeWav(plan.narration.pcm, plan.narration.sampleRate)),
      fs.writeFile(at("chapters.ffmetadata"), ffmetadata(plan.chapters)),
    ]);
    signal.throwIfAborted();

    const command = () => ffmpeg({ stdoutLines: 0 }).setFfmpegPath(tool.path);
    const quiet = ["-hide_banner", "-nostdin", "-loglevel", "error"];

    const picture = command().input(at("frames.ffconcat")).inputOptions([...quiet, "-f", "concat"]);
    if (plan.chapters.length > 0) picture.input(at("chapters.ffmetadata")).inputOptions(["-f", "ffmetadata"]);
    picture.output(at("picture.mp4")).outputOptions(videoOptions(tool, plan));
    const sound = command().input(at("narration.wav")).inputOptions(quiet).output(at("sound.m4a")).outputOptions([...audioOptions(plan.narration.sampleRate), "-vn", "-f", "mp4"]);
    await Promise.all([run(picture, signal), run(sound, signal)]);

    const mux = command().input(at("picture.mp4")).inputOptions(quiet).input(at("sound.m4a")).output(at("lecture.mp4")).outputOptions(MUX_OPTIONS);
    await run(mux, signal);
    return await fs.readFile(at("lecture.mp4"));
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}
