// What a person checks in the outputs, read with real tools: ffprobe for the
// video (the static build from @ffprobe-installer, or LECTRA_FFPROBE_PATH), WAV
// headers for audio.
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import { decodeWav, pcmSeconds } from "@lectra/lecture";
import { ensureExecutable } from "@lectra/launcher";

export function ffprobePath(): string {
  return process.env.LECTRA_FFPROBE_PATH || ensureExecutable((require("@ffprobe-installer/ffprobe") as { path: string }).path);
}

/** ffmpeg, to read frames back out of a video: LECTRA_FFMPEG_PATH, or the static build the video service ships with. */
export function ffmpegPath(): string {
  return process.env.LECTRA_FFMPEG_PATH || ensureExecutable((require("@ffmpeg-installer/ffmpeg") as { path: string }).path);
}

/** One video frame at `seconds`, as raw RGB rows (width × height × 3 bytes). */
export function frameAt(file: string, seconds: number): Buffer {
  const args = ["-v", "error", "-ss", seconds.toFixed(3), "-i", file, "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "rgb24", "-"];
  return execFileSync(ffmpegPath(), args, { maxBuffer: 64 * 1024 * 1024 });
}

export interface Probe {
  format: { duration: string; format_name: string; tags?: Record<string, string> };
  streams: Array<{ codec_type: string; codec_name: string; tags?: Record<string, string>; width?: number; height?: number; duration?: string; nb_frames?: string; r_frame_rate?: string; avg_frame_rate?: string }>;
  chapters: Array<{ start_time: string; end_time: string; tags?: { title?: string } }>;
}

export function probe(file: string): Probe {
  const out = execFileSync(ffprobePath(), ["-v", "error", "-print_format", "json", "-show_format", "-show_streams", "-show_chapters", file]);
  return JSON.parse(out.toString("utf8")) as Probe;
}

export function wavSeconds(file: string): number {
  const wav = decodeWav(fs.readFileSync(file));
  return pcmSeconds(wav.pcm, wav.sampleRate);
}
