import { test } from "node:test";
import assert from "node:assert/strict";
import { ASSEMBLE_OPTIONS } from "./assemble";
import { clipOptions } from "./clip";
import { libx264 } from "./engines/libx264";
import type { VideoPlan } from "./request";

const after = (options: string[], flag: string) => options[options.indexOf(flag) + 1];

const plan = (sampleRate: number): VideoPlan => ({
  stills: [{ png: Buffer.alloc(0), seconds: 4.5 }],
  size: { width: 1920, height: 1080 },
  narration: { pcm: Buffer.alloc(0), sampleRate, seconds: 4.5 },
  chapters: [],
  frameRate: { mode: "variable" },
});

test("a clip is picture and sound encoded by one ffmpeg into MPEG-TS, its timestamps from 0", () => {
  const options = clipOptions({ frameRateOption: "-fps_mode", encoder: libx264 }, plan(24000));
  assert.deepEqual(options.filter((o, i) => options[i - 1] === "-map"), ["0:v:0", "1:a:0"]);
  assert.equal(after(options, "-c:v"), "libx264");
  assert.equal(after(options, "-c:a"), "aac");
  assert.equal(after(options, "-fps_mode"), "vfr");
  assert.equal(after(options, "-map_chapters"), "-1");
  assert.equal(after(options, "-f"), "mpegts");
  assert.equal(after(options, "-muxdelay"), "0");
  assert.equal(after(options, "-muxpreload"), "0");
  // The muxer waits for the picture, which x264 hands over only at the end, instead of writing the sound first.
  assert.equal(after(options, "-max_interleave_delta"), "0");
  // The still is fitted once, then shown again and placed by the clip's frame filter; the encoders get one thread.
  assert.match(after(options, "-vf"), /^scale=1920:1080:.*,format=yuv420p,loop=loop=3:size=1:start=0,setpts='/);
  assert.equal(after(options, "-threads"), "1");
});

test("a clip's sound starts one priming frame late, counted at the rate it is encoded at", () => {
  const kept = clipOptions({ frameRateOption: "-vsync", encoder: libx264 }, plan(24000));
  assert.equal(after(kept, "-af"), "asetpts=PTS+1024/SR/TB");
  assert.ok(!kept.includes("-ar"));
  // Resampled first, so the offset is 1024 samples of the 48 kHz sound.
  const resampled = clipOptions({ frameRateOption: "-vsync", encoder: libx264 }, plan(10000));
  assert.equal(after(resampled, "-af"), "aresample=48000,asetpts=PTS+1024/SR/TB");
});

test("assembling copies everything, turns ADTS into MP4's AAC, takes the chapters and puts the index first", () => {
  assert.equal(after(ASSEMBLE_OPTIONS, "-c"), "copy");
  assert.ok(!ASSEMBLE_OPTIONS.some((o) => o.startsWith("-c:") || o === "-vf" || o === "-af"), "nothing is encoded");
  assert.equal(after(ASSEMBLE_OPTIONS, "-bsf:a"), "aac_adtstoasc");
  assert.equal(after(ASSEMBLE_OPTIONS, "-map_chapters"), "1");
  assert.equal(after(ASSEMBLE_OPTIONS, "-movflags"), "+faststart");
  assert.equal(after(ASSEMBLE_OPTIONS, "-f"), "mp4");
});
