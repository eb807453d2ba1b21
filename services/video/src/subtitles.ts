// The captions as the MP4's own subtitle track, so players offer them without
// the sidecar files: mov_text (3GPP timed text, the text track MP4 players
// read), tagged with the lecture's language in ISO 639-2 (what an MP4 track's
// language is) and named after it. ffmpeg reads them from SRT, whose text is
// already neutralised (captions.ts), so no markup in a caption becomes styling.
import * as fs from "node:fs/promises";
import { iso639_2, languageName } from "@lectra/lecture";
import { toSrt, type Caption } from "./captions";
import type { Workspace } from "./workspace";

/** What a video's subtitle track carries: its cues, and the lecture's language (BCP 47, canonical). */
export interface Subtitles {
  captions: Caption[];
  language: string;
}

export const SUBTITLES_FILE = "captions.srt";

export function writeSubtitles(ws: Workspace, subtitles: Subtitles): Promise<void> {
  return fs.writeFile(ws.at(SUBTITLES_FILE), toSrt(subtitles.captions));
}

/** The SRT as ffmpeg input `input`: its first stream mapped as the MP4's subtitle track, encoded to mov_text, tagged. */
export function subtitleOptions(input: number, subtitles: Subtitles): string[] {
  return [
    "-map", `${input}:s:0`,
    "-c:s", "mov_text",
    "-metadata:s:s:0", `language=${iso639_2(subtitles.language)}`,
    // The track's name players list: e.g. "Hindi".
    "-metadata:s:s:0", `handler_name=${languageName(subtitles.language)}`,
  ];
}
