import { test } from "node:test";
import assert from "node:assert/strict";
import { ASSEMBLE_OPTIONS } from "./assemble";
import { CLIP_MUX_OPTIONS } from "./clip";

const after = (options: string[], flag: string) => options[options.indexOf(flag) + 1];

test("a clip is picture and sound copied into MPEG-TS, its timestamps from 0", () => {
  assert.equal(after(CLIP_MUX_OPTIONS, "-c"), "copy");
  assert.equal(after(CLIP_MUX_OPTIONS, "-f"), "mpegts");
  assert.equal(after(CLIP_MUX_OPTIONS, "-muxdelay"), "0");
  assert.equal(after(CLIP_MUX_OPTIONS, "-muxpreload"), "0");
});

test("assembling copies everything, turns ADTS into MP4's AAC, takes the chapters and puts the index first", () => {
  assert.equal(after(ASSEMBLE_OPTIONS, "-c"), "copy");
  assert.ok(!ASSEMBLE_OPTIONS.some((o) => o.startsWith("-c:") || o === "-vf" || o === "-af"), "nothing is encoded");
  assert.equal(after(ASSEMBLE_OPTIONS, "-bsf:a"), "aac_adtstoasc");
  assert.equal(after(ASSEMBLE_OPTIONS, "-map_chapters"), "1");
  assert.equal(after(ASSEMBLE_OPTIONS, "-movflags"), "+faststart");
  assert.equal(after(ASSEMBLE_OPTIONS, "-f"), "mp4");
});
