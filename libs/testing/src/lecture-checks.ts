// What a user checks in a finished lecture's files, in one place for every test
// that makes one (the end-to-end tests, the deployed containers): the deck's
// slides and notes, the video's length against the narration, its chapters,
// the captions' order and words.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import JSZip from "jszip";
import type { Script } from "@lectra/lecture";
import { probe, wavSeconds } from "./media";

export const words = (text: string) => text.toLowerCase().match(/[\p{L}\p{N}']+/gu) ?? [];

/** One slide per script slide, showing its title, with its narration as speaker notes. */
export async function checkDeck(dir: string, script: Script): Promise<void> {
  const zip = await JSZip.loadAsync(fs.readFileSync(path.join(dir, "deck.pptx")));
  const slides = Object.keys(zip.files).filter((f) => /^ppt\/slides\/slide\d+\.xml$/.test(f));
  assert.equal(slides.length, script.slides.length);
  for (let i = 0; i < script.slides.length; i++) {
    const slideXml = await zip.file(`ppt/slides/slide${i + 1}.xml`)!.async("string");
    assert.ok(slideXml.includes(script.slides[i].title), `slide ${i + 1} shows its title`);
    const notes = await zip.file(`ppt/notesSlides/notesSlide${i + 1}.xml`)!.async("string");
    const noteText = notes.replace(/<[^>]+>/g, " ");
    assert.ok(words(noteText).join(" ").includes(words(script.slides[i].narration).join(" ")), `slide ${i + 1} notes hold its narration`);
  }
}

/** H.264 + AAC at 1920×1080, as long as the narration, with a chapter per slide and the captions as a subtitle track. */
export function checkVideo(dir: string, script: Script): void {
  const audio = wavSeconds(path.join(dir, "narration.wav"));
  const info = probe(path.join(dir, "lecture.mp4"));
  assert.ok(Math.abs(Number(info.format.duration) - audio) <= 0.25, `video ${info.format.duration} s vs audio ${audio} s`);
  const media = info.streams.filter((s) => s.codec_type === "audio" || s.codec_type === "video");
  assert.deepEqual(media.map((s) => s.codec_name).sort(), ["aac", "h264"]);
  const video = info.streams.find((s) => s.codec_type === "video")!;
  assert.deepEqual([video.width, video.height], [1920, 1080]);
  assert.deepEqual(info.chapters.map((c) => c.tags?.title), script.slides.map((s) => s.title));
  assert.deepEqual(info.streams.filter((s) => s.codec_type === "subtitle").map((s) => s.codec_name), ["mov_text"]);
}

/**
 * What a text says, whatever its writing system: its letters, marks and digits
 * in order. Captions may break a line anywhere in a script without spaces, so
 * words cannot be told apart by spaces there.
 */
export const letters = (text: string) => text.replace(/[^\p{L}\p{M}\p{N}]/gu, "").toLowerCase();

/** WebVTT cues in order, inside the audio, saying every narrated word in any language; an SRT beside them. */
export function checkCaptions(dir: string, script: Script): void {
  const audio = wavSeconds(path.join(dir, "narration.wav"));
  const vtt = fs.readFileSync(path.join(dir, "captions.vtt"), "utf8");
  assert.ok(vtt.startsWith("WEBVTT"));
  const cues = [...vtt.matchAll(/(\d+):(\d\d):(\d\d)\.(\d{3}) --> (\d+):(\d\d):(\d\d)\.(\d{3})\n([\s\S]*?)(?:\n\n|$)/g)].map((m) => ({
    start: +m[1] * 3600 + +m[2] * 60 + +m[3] + +m[4] / 1000,
    end: +m[5] * 3600 + +m[6] * 60 + +m[7] + +m[8] / 1000,
    text: m[9],
  }));
  assert.ok(cues.length >= script.slides.length);
  cues.forEach((c, i) => {
    assert.ok(c.start < c.end && c.end <= audio + 0.001, `cue ${i + 1} inside the audio`);
    if (i > 0) assert.ok(c.start >= cues[i - 1].end - 0.001, `cue ${i + 1} after cue ${i}`);
  });
  assert.equal(letters(cues.map((c) => c.text).join(" ")), letters(script.slides.map((s) => s.narration).join(" ")));
  const srt = fs.readFileSync(path.join(dir, "captions.srt"), "utf8");
  assert.match(srt, /^1\n\d\d:\d\d:\d\d,\d{3} --> \d\d:\d\d:\d\d,\d{3}\n/);
}
