import { test } from "node:test";
import assert from "node:assert/strict";
import { moovBeforeMdat, mp4DurationSeconds } from "./mp4";

function box(type: string, ...body: Buffer[]): Buffer {
  const content = Buffer.concat(body);
  const head = Buffer.alloc(8);
  head.writeUInt32BE(8 + content.length, 0);
  head.write(type, 4, "latin1");
  return Buffer.concat([head, content]);
}

function mvhd0(timescale: number, duration: number): Buffer {
  const body = Buffer.alloc(100);
  body.writeUInt32BE(timescale, 12);
  body.writeUInt32BE(duration, 16);
  return box("mvhd", body);
}

function mvhd1(timescale: number, duration: bigint): Buffer {
  const body = Buffer.alloc(112);
  body.writeUInt8(1, 0);
  body.writeUInt32BE(timescale, 20);
  body.writeBigUInt64BE(duration, 24);
  return box("mvhd", body);
}

const ftyp = box("ftyp", Buffer.from("isom\0\0\x02\0isomiso2avc1mp41", "latin1"));

test("the duration comes from moov/mvhd (version 0)", () => {
  const mp4 = Buffer.concat([ftyp, box("moov", mvhd0(1000, 4520)), box("mdat", Buffer.alloc(10))]);
  assert.equal(mp4DurationSeconds(mp4), 4.52);
  assert.equal(moovBeforeMdat(mp4), true);
});

test("version 1 headers and 64-bit box sizes are read", () => {
  const large = Buffer.alloc(16);
  large.writeUInt32BE(1, 0);
  large.write("mdat", 4, "latin1");
  large.writeBigUInt64BE(16n + 4n, 8);
  const mp4 = Buffer.concat([ftyp, large, Buffer.alloc(4), box("moov", box("trak"), mvhd1(90000, 90000n * 3600n))]);
  assert.equal(mp4DurationSeconds(mp4), 3600);
  assert.equal(moovBeforeMdat(mp4), false);
});

test("a file without a movie header is an error, not a duration", () => {
  assert.throws(() => mp4DurationSeconds(Buffer.concat([ftyp, box("mdat")])), /moov/);
  assert.throws(() => mp4DurationSeconds(Buffer.concat([ftyp, box("moov", box("trak"))])), /mvhd/);
  const truncated = box("moov", mvhd0(1000, 1)).subarray(0, 50);
  assert.throws(() => mp4DurationSeconds(Buffer.concat([ftyp, truncated])), /runs past/);
});
