// The lecture from its clips (AssembleVideo): joined by the concat demuxer and
// copied into an MP4, a chapter per clip, the index first. Nothing is encoded,
// so this costs about as much as copying the bytes.
//
// Each clip is listed with its exact length (concat-list.ts), so every clip
// starts where the previous one ends on the lecture's timeline, and the
// chapters start there too: each on the clip's first frame, a keyframe.
import * as fs from "node:fs/promises";
import { ffmetadata } from "./chapters";
import { clipList } from "./concat-list";
import type { Ffmpeg } from "./ffmpeg";
import type { AssemblyPlan } from "./request";
import { subtitleOptions, SUBTITLES_FILE, writeSubtitles } from "./subtitles";
import { inWorkspace, QUIET } from "./workspace";

/** Inputs are 0: the clips (concat), 1: the chapters (FFMETADATA) and, with captions, 2: the subtitles (SRT, subtitles.ts). */
export const ASSEMBLE_OPTIONS = [
  "-map", "0:v:0",
  "-map", "0:a:0",
  "-map_chapters", "1",
  "-c", "copy",
  // ADTS headers out, the MP4's AudioSpecificConfig in: what an MP4 carries AAC as.
  "-bsf:a", "aac_adtstoasc",
  // The index first, so playback can start before the whole file has arrived.
  "-movflags", "+faststart",
  "-f", "mp4",
];

/** Joins the clips and returns the MP4's bytes. */
export function assembleMp4(tool: Ffmpeg, plan: AssemblyPlan, signal: AbortSignal): Promise<Buffer> {
  return inWorkspace(tool, signal, async (ws) => {
    const listed = plan.clips.map((clip, i) => ({ file: `clip-${String(i).padStart(5, "0")}.ts`, seconds: clip.seconds }));
    await Promise.all([
      ...plan.clips.map((clip, i) => fs.writeFile(ws.at(listed[i].file), clip.ts)),
      fs.writeFile(ws.at("clips.ffconcat"), clipList(listed)),
      fs.writeFile(ws.at("chapters.ffmetadata"), ffmetadata(plan.chapters)),
      plan.subtitles && writeSubtitles(ws, plan.subtitles),
    ]);
    const join = ws
      .command()
      .input(ws.at("clips.ffconcat"))
      .inputOptions([...QUIET, "-f", "concat"])
      .input(ws.at("chapters.ffmetadata"))
      .inputOptions(["-f", "ffmetadata"]);
    if (plan.subtitles) join.input(ws.at(SUBTITLES_FILE)).inputOptions(["-f", "srt"]);
    join.output(ws.at("lecture.mp4")).outputOptions([...ASSEMBLE_OPTIONS, ...(plan.subtitles ? subtitleOptions(2, plan.subtitles) : [])]);
    await ws.run(join);
    return await fs.readFile(ws.at("lecture.mp4"));
  });
}
