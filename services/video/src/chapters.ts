// Chapters as an FFMETADATA1 file, which ffmpeg reads as an input and writes
// into the MP4 (a QuickTime chapter track and a Nero 'chpl' list), one chapter
// per slide.
import { writableText } from "@lectra/lecture";

export interface ChapterMark {
  title: string;
  startSeconds: number;
  endSeconds: number;
}

/**
 * In FFMETADATA, '=', ';', '#' and '\' are syntax and a newline ends the value:
 * each is written with a backslash before it, so a title can't add keys or
 * chapters of its own. CR LF and CR count as a newline. ffmpeg reads values as C
 * strings, so NUL would cut a title short: it goes, with the other characters no
 * output of a lecture can hold (the lecture's text rule, text.ts).
 */
export function escapeMetadata(value: string): string {
  return writableText(value).replace(/\r\n?/g, "\n").replace(/[=;#\\\n]/g, (c) => `\\${c}`);
}

/** Milliseconds, the file's TIMEBASE. */
const ms = (seconds: number) => Math.round(seconds * 1000);

export function ffmetadata(chapters: ChapterMark[]): string {
  const blocks = chapters.map(
    (c) => `[CHAPTER]\nTIMEBASE=1/1000\nSTART=${ms(c.startSeconds)}\nEND=${ms(c.endSeconds)}\ntitle=${escapeMetadata(c.title)}\n`,
  );
  return [";FFMETADATA1\n", ...blocks].join("");
}
