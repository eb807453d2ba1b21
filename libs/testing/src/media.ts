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

export interface Probe {
  format: { duration: string; format_name: string; tags?: Record<string, string> };
  streams: Array<{ codec_type: string; codec_name: string; width?: number; height?: number; duration?: string; nb_frames?: string; r_frame_rate?: string; avg_frame_rate?: string }>;
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
