// What a person checks in the outputs, read with real tools: ffprobe for the
// video (the static build from @ffprobe-installer, or LECTRA_FFPROBE_PATH), WAV
// headers for audio.
import { execFileSync, spawnSync } from "node:child_process";
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

/** AAC sample rates by an ADTS header's sampling frequency index. */
const ADTS_RATES = [96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350];

/** How long an ADTS stream plays: its frames' samples (1024 a raw data block) over the sample rate. */
export function adtsSeconds(adts: Buffer): number {
  let seconds = 0;
  for (let at = 0; at + 7 <= adts.length; ) {
    if (adts[at] !== 0xff || (adts[at + 1] & 0xf0) !== 0xf0) throw new Error(`no ADTS frame at byte ${at}`);
    const rate = ADTS_RATES[(adts[at + 2] >> 2) & 0x0f];
    const length = ((adts[at + 3] & 0x03) << 11) | (adts[at + 4] << 3) | (adts[at + 5] >> 5);
    const blocks = (adts[at + 6] & 0x03) + 1;
    seconds += (1024 * blocks) / rate;
    at += length;
  }
  return seconds;
}

/**
 * What a player gets from an HLS playlist, read by ffmpeg's HLS demuxer as a
 * player would: its streams' codecs, and how long its sound plays (each
 * segment's timestamps start again at 0 after a discontinuity, so the sound is
 * measured by its frames, not its timestamps). ffmpeg rather than ffprobe: the
 * static ffprobe build segfaults reading MPEG-TS on some machines (these among
 * them), the ffmpeg the video service ships does not. A playlist without
 * #EXT-X-ENDLIST is still growing: the demuxer gives up after reloading it once
 * unchanged (about one target duration later).
 */
export function readHls(playlist: string): { codecs: string[]; soundSeconds: number } {
  const args = ["-hide_banner", "-live_start_index", "0", "-max_reload", "1", "-i", playlist, "-map", "0:a:0", "-c", "copy", "-f", "adts", "pipe:1"];
  const run = spawnSync(ffmpegPath(), args, { maxBuffer: 256 * 1024 * 1024, timeout: 120_000 });
  const log = run.stderr.toString("utf8");
  if (run.status !== 0) throw new Error(`ffmpeg could not read ${playlist}: ${log.slice(-500)}`);
  // The input's streams, as ffmpeg lists them before the output's.
  const input = log.split(/^Output #0/m)[0];
  const codecs = [...input.matchAll(/Stream #\d+:\d+[^:]*: (Video|Audio): (\w+)/g)].map((m) => `${m[1].toLowerCase()}:${m[2]}`);
  return { codecs: [...new Set(codecs)].sort(), soundSeconds: adtsSeconds(run.stdout) };
}
