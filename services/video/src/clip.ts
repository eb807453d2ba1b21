// One slide's clip (RenderClip): its frames and its narration as MPEG-TS, H.264
// and AAC (ADTS), so clips join end to end by stream copy (assemble.ts).
//
// The picture is encoded as for the whole lecture (encode.ts), its stills
// placed so that it lasts the narration's length and reads back whole
// (concat-list.ts's clipStills); the sound
// is the narration less its last AAC frame, which makes up for the encoder's
// priming (aac.ts). The two are encoded side by side and muxed by stream copy:
// measured on a 30 s slide, that took 0.38 s where one ffmpeg writing the
// MPEG-TS directly took 0.51 s.
import * as fs from "node:fs/promises";
import { clipStills } from "./concat-list";
import { encodePictureAndSound } from "./encode";
import type { Ffmpeg } from "./ffmpeg";
import type { VideoPlan } from "./requests";
import { inWorkspace, QUIET } from "./workspace";

/** Picture and sound into MPEG-TS by stream copy. */
export const CLIP_MUX_OPTIONS = [
  "-map", "0:v:0",
  "-map", "1:a:0",
  "-c", "copy",
  // Timestamps from 0 instead of ffmpeg's usual 1.4 s: the clip's timeline is the slide's.
  "-muxdelay", "0",
  "-muxpreload", "0",
  "-f", "mpegts",
];

/** Encodes a slide's clip; `sound` is what aac.ts's clipSound kept of the plan's narration. */
export function encodeClip(tool: Ffmpeg, plan: VideoPlan, sound: Buffer, signal: AbortSignal): Promise<Buffer> {
  return inWorkspace(tool, signal, async (ws) => {
    const picturePlan = { ...plan, stills: clipStills(plan.stills), chapters: [] };
    await encodePictureAndSound(ws, tool, picturePlan, sound, { picture: "picture.mp4", sound: "sound.aac", soundFormat: "adts" });
    const mux = ws.command().input(ws.at("picture.mp4")).inputOptions(QUIET).input(ws.at("sound.aac")).output(ws.at("clip.ts")).outputOptions(CLIP_MUX_OPTIONS);
    await ws.run(mux);
    return await fs.readFile(ws.at("clip.ts"));
  });
}
