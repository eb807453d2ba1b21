// Frames + narration + chapters → an MP4, through ffmpeg (fluent-ffmpeg); and
// the option builders and the inputs that RenderClip (clip.ts) shares.
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
// happens; ffmpeg is killed when the caller cancels (workspace.ts).
import * as fs from "node:fs/promises";
import { wavHeader } from "@lectra/lecture";
import { AAC_RATES, aacRate } from "./aac";
import { ffmetadata } from "./chapters";
import { concatList, type Still } from "./concat-list";
import type { Ffmpeg } from "./ffmpeg";
import type { VideoPlan } from "./request";
import { subtitleOptions, SUBTITLES_FILE, writeSubtitles } from "./subtitles";
import { inWorkspace, QUIET, type Workspace } from "./workspace";

/**
 * AAC for speech: mono at 96 kb/s, at the narration's own rate when AAC has it.
 * Resampling 24 kHz speech to 48 kHz only to encode it cost more than half of a
 * 5-minute lecture's encode time (3.4 s against 1.3 s here) for nothing audible.
 *
 * The coder is named because its default is not the same in every ffmpeg: "fast"
 * up to 4.x (the npm binary), "twoloop" from 5.0 (Debian bookworm's 5.1), which
 * spent 5–6× the CPU on the same narration (a 30 s slide: 0.85–1.35 s of CPU
 * against 0.15–0.3 s), the largest part of why bookworm's ffmpeg made the video
 * path 2.3× slower. "fast" is what LECTRA always shipped with the npm binary.
 */
export function audioOptions(sampleRate: number): string[] {
  return ["-c:a", "aac", "-aac_coder", "fast", "-b:a", "96k", "-ac", "1", ...(AAC_RATES.has(sampleRate) ? [] : ["-ar", String(aacRate(sampleRate))])];
}

/** Every frame is fitted (letterboxed) into the first one's size, rounded down to even sides as yuv420p needs. */
export function frameFilter({ width, height }: { width: number; height: number }): string {
  const w = width - (width % 2);
  const h = height - (height % 2);
  return `scale=${w}:${h}:force_original_aspect_ratio=decrease,pad=${w}:${h}:(ow-iw)/2:(oh-ih)/2,setsar=1,format=yuv420p`;
}

/**
 * ffmpeg's output options that make the picture, whatever else goes with it.
 * Inputs are 0: frames (concat) and, when there are chapters, 1: chapters
 * (FFMETADATA) — in the picture so every chapter can start on a keyframe.
 * `frames` is a filter for the fitted frames (a clip's repeats and times).
 */
export function pictureOptions(tool: Pick<Ffmpeg, "frameRateOption" | "encoder">, plan: VideoPlan, frames?: string): string[] {
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
    "-vf", [frameFilter(plan.size), ...(frames ? [frames] : [])].join(","),
    ...frameRate,
    ...tool.encoder.outputOptions(plan.frameRate.mode),
  ];
}

/** The picture alone into an MP4 (pictureOptions' inputs). */
export function videoOptions(tool: Pick<Ffmpeg, "frameRateOption" | "encoder">, plan: VideoPlan): string[] {
  return [...pictureOptions(tool, plan), "-an", "-f", "mp4"];
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

/** Where the picture and the sound go, and the sound's container. */
export interface Outputs {
  picture: string;
  sound: string;
  soundFormat: "mp4";
}

/** What writeInputs leaves in the workspace for ffmpeg. */
export const INPUTS = { frames: "frames.ffconcat", narration: "narration.wav", chapters: "chapters.ffmetadata" };

/**
 * Writes the plan's stills, their list (INPUTS.frames, by `list`), `sound`
 * (mono 16-bit PCM at the narration's rate) as INPUTS.narration and, when the
 * plan has chapters, INPUTS.chapters.
 */
export async function writeInputs(ws: Workspace, plan: VideoPlan, sound: Buffer, list: (stills: Still[]) => string = concatList): Promise<void> {
  const stills = plan.stills.map((still, i) => ({ file: `frame-${String(i).padStart(5, "0")}.png`, seconds: still.seconds }));
  await Promise.all([
    ...plan.stills.map((still, i) => fs.writeFile(ws.at(stills[i].file), still.png)),
    fs.writeFile(ws.at(INPUTS.frames), list(stills)),
    // Header and samples written in turn: a WAV built in memory copied a 30 s slide's 1.4 MB once more.
    fs.writeFile(ws.at(INPUTS.narration), [wavHeader(sound.length, plan.narration.sampleRate), sound]),
    plan.chapters.length > 0 ? fs.writeFile(ws.at(INPUTS.chapters), ffmetadata(plan.chapters)) : undefined,
  ]);
}

/**
 * Writes the inputs, then encodes the picture (MP4, with the plan's chapters)
 * and the sound by two ffmpeg processes side by side.
 */
export async function encodePictureAndSound(ws: Workspace, tool: Ffmpeg, plan: VideoPlan, sound: Buffer, outputs: Outputs): Promise<void> {
  await writeInputs(ws, plan, sound);

  const picture = ws.command().input(ws.at(INPUTS.frames)).inputOptions([...QUIET, "-f", "concat"]);
  if (plan.chapters.length > 0) picture.input(ws.at(INPUTS.chapters)).inputOptions(["-f", "ffmetadata"]);
  picture.output(ws.at(outputs.picture)).outputOptions(videoOptions(tool, plan));
  const narration = ws
    .command()
    .input(ws.at(INPUTS.narration))
    .inputOptions(QUIET)
    .output(ws.at(outputs.sound))
    .outputOptions([...audioOptions(plan.narration.sampleRate), "-vn", "-f", outputs.soundFormat]);
  await Promise.all([ws.run(picture), ws.run(narration)]);
}

/** Encodes the plan and returns the MP4's bytes; its captions (input 2) become the subtitle track. */
export function encodeMp4(tool: Ffmpeg, plan: VideoPlan, signal: AbortSignal): Promise<Buffer> {
  return inWorkspace(tool, signal, async (ws) => {
    const { subtitles } = plan;
    await Promise.all([
      encodePictureAndSound(ws, tool, plan, plan.narration.pcm, { picture: "picture.mp4", sound: "sound.m4a", soundFormat: "mp4" }),
      subtitles && writeSubtitles(ws, subtitles),
    ]);
    const mux = ws.command().input(ws.at("picture.mp4")).inputOptions(QUIET).input(ws.at("sound.m4a"));
    if (subtitles) mux.input(ws.at(SUBTITLES_FILE)).inputOptions(["-f", "srt"]);
    mux.output(ws.at("lecture.mp4")).outputOptions([...MUX_OPTIONS, ...(subtitles ? subtitleOptions(2, subtitles) : [])]);
    await ws.run(mux);
    return await fs.readFile(ws.at("lecture.mp4"));
  });
}
