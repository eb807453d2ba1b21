// One slide's clip (RenderClip): its frames and its narration as MPEG-TS, H.264
// and AAC (ADTS), so clips join end to end by stream copy (assemble.ts).
//
// The picture is encoded as for the whole lecture (encode.ts), its stills
// placed so that it lasts the narration's length and reads back whole
// (concat-list.ts's clipStills), each still read and decoded once
// (clipFramesFilter); the sound is the narration less its last AAC frame,
// which makes up for the encoder's priming (aac.ts).
//
// One ffmpeg encodes both straight into the MPEG-TS. A clip used to be three
// (picture and sound side by side, then a mux by stream copy), but a job asks
// for every clip at once, so the CPU they all take is what counts, and each
// ffmpeg start costs it: Debian's ffmpeg links some 200 shared libraries and
// takes 0.12–0.15 s of CPU to start, the static npm binary none. Ten 30 s
// clips two at a time took 9.5–11.5 s of CPU with bookworm's 5.1 in one
// process each against 14.4–15.7 s in three (npm 4.1: 7.5–9 s against
// 8.5–9.5 s), and a single clip took no longer on either.
import * as fs from "node:fs/promises";
import { primingFilter } from "./aac";
import { audioOptions, INPUTS, pictureOptions, writeInputs } from "./encode";
import { clipFramesFilter, stillsOnce } from "./concat-list";
import type { Ffmpeg } from "./ffmpeg";
import type { VideoPlan } from "./request";
import { inWorkspace, QUIET } from "./workspace";

/**
 * One thread for the PNG decoder and for the encoders. A job asks for every
 * clip at once, so the clips already keep the cores busy, and ffmpeg's own
 * threads (decoder and x264 threads per core) only cost their start and their
 * buffers, which are zeroed as they are made: a one-still 30 s clip took
 * 0.70 s of CPU with bookworm's 5.1 and 0.51 s with the npm 4.1 with them,
 * 0.64 and 0.49 s without (medians of 9, each still decoded once); x264 wrote
 * the same frames either way.
 */
export const ONE_THREAD = ["-threads", "1"];

/**
 * The output options for a clip; inputs are 0: frames (concat) and 1: the
 * narration, the plan's sample rate.
 */
export function clipOptions(tool: Pick<Ffmpeg, "frameRateOption" | "encoder">, plan: VideoPlan): string[] {
  return [
    ...pictureOptions(tool, plan, clipFramesFilter(plan.stills)),
    ...ONE_THREAD,
    "-map", "1:a:0",
    "-af", primingFilter(plan.narration.sampleRate),
    ...audioOptions(plan.narration.sampleRate),
    // The encoder hands the picture over only at the end (a few frames, each
    // seconds long, all inside x264's lookahead); without this the muxer would
    // write 10 s of sound ahead of it, and ffmpeg reading the clip back would
    // not reach the first frame to learn the picture's size.
    "-max_interleave_delta", "0",
    // Timestamps from 0 instead of ffmpeg's usual 1.4 s: the clip's timeline is the slide's.
    "-muxdelay", "0",
    "-muxpreload", "0",
    "-f", "mpegts",
  ];
}

/** Encodes a slide's clip; `sound` is what aac.ts's clipSound kept of the plan's narration. */
export function encodeClip(tool: Ffmpeg, plan: VideoPlan, sound: Buffer, signal: AbortSignal): Promise<Buffer> {
  return inWorkspace(tool, signal, async (ws) => {
    const clipPlan = { ...plan, chapters: [] };
    await writeInputs(ws, clipPlan, sound, stillsOnce);
    const clip = ws
      .command()
      .input(ws.at(INPUTS.frames))
      .inputOptions([...QUIET, ...ONE_THREAD, "-f", "concat"])
      .input(ws.at(INPUTS.narration))
      .output(ws.at("clip.ts"))
      .outputOptions(clipOptions(tool, clipPlan));
    await ws.run(clip);
    return await fs.readFile(ws.at("clip.ts"));
  });
}
