import { test } from "node:test";
import assert from "node:assert/strict";
import { audioOptions, frameFilter, MUX_OPTIONS, videoOptions } from "./encode";
import { libx264 } from "./engines/libx264";
import type { VideoPlan } from "./request";

const plan = (overrides: Partial<VideoPlan> = {}): VideoPlan => ({
  stills: [{ png: Buffer.alloc(0), seconds: 4.5 }],
  size: { width: 1920, height: 1080 },
  narration: { pcm: Buffer.alloc(0), sampleRate: 24000, seconds: 4.5 },
  chapters: [{ title: "One", startSeconds: 0, endSeconds: 4.5 }],
  frameRate: { mode: "variable" },
  ...overrides,
});

const after = (options: string[], flag: string) => options[options.indexOf(flag) + 1];

test("variable frame rate is spelled -vsync on old ffmpeg and -fps_mode on 5.1 and later", () => {
  const old = videoOptions({ frameRateOption: "-vsync", encoder: libx264 }, plan());
  const current = videoOptions({ frameRateOption: "-fps_mode", encoder: libx264 }, plan());
  assert.equal(after(old, "-vsync"), "vfr");
  assert.ok(!old.includes("-fps_mode"));
  assert.equal(after(current, "-fps_mode"), "vfr");
  assert.ok(!current.includes("-vsync"));
  assert.ok(!current.includes("-r") && !current.includes("-t"));
});

test("constant frame rate sets the rate and cuts at the narration's end", () => {
  const options = videoOptions({ frameRateOption: "-fps_mode", encoder: libx264 }, plan({ frameRate: { mode: "constant", fps: 25 } }));
  assert.equal(after(options, "-fps_mode"), "cfr");
  assert.equal(after(options, "-r"), "25");
  assert.equal(after(options, "-t"), "4.500");
  // Every repeat is encoded at a constant rate, so the encoder is told to be quick.
  assert.equal(after(options, "-preset"), "veryfast");
});

test("H.264 picture with no sound, chapters from the metadata input when there are any", () => {
  const options = videoOptions({ frameRateOption: "-vsync", encoder: libx264 }, plan());
  assert.equal(after(options, "-c:v"), "libx264");
  assert.ok(options.includes("-an"));
  assert.equal(after(options, "-map_chapters"), "1");
  assert.equal(after(options, "-force_key_frames"), "chapters");
  const none = videoOptions({ frameRateOption: "-vsync", encoder: libx264 }, plan({ chapters: [] }));
  assert.equal(after(none, "-map_chapters"), "-1");
  assert.ok(!none.includes("-force_key_frames"));
});

test("the mux copies picture and sound, keeps the chapters and puts the index first", () => {
  assert.equal(after(MUX_OPTIONS, "-c"), "copy");
  assert.equal(after(MUX_OPTIONS, "-map_chapters"), "0");
  assert.equal(after(MUX_OPTIONS, "-movflags"), "+faststart");
});

test("sound is AAC with the same coder whatever ffmpeg's default (fast up to 4.x, twoloop from 5.0)", () => {
  assert.equal(after(audioOptions(24000), "-c:a"), "aac");
  assert.equal(after(audioOptions(24000), "-aac_coder"), "fast");
});

test("frames are fitted into even sides for yuv420p", () => {
  assert.equal(frameFilter({ width: 1001, height: 601 }), "scale=1000:600:force_original_aspect_ratio=decrease,pad=1000:600:(ow-iw)/2:(oh-ih)/2,setsar=1,format=yuv420p");
});

test("audio keeps a rate AAC can carry and resamples one it cannot", () => {
  assert.ok(!audioOptions(24000).includes("-ar"));
  assert.deepEqual(audioOptions(10000).slice(-2), ["-ar", "48000"]);
});
