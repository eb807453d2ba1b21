import assert from "node:assert/strict";
import { test } from "node:test";
import { encodeMp3 } from "@lectra/fakes";
import { OUTPUT_SAMPLE_RATE } from "./engine";
import { hasGaplessHeader, toInt16 } from "./mp3";
import { decode } from "./mp3-worker";

const RATE = 24_000;

/** `before` s of silence, `tone` s of a 300 Hz tone, `after` s of silence: 24 kHz mono s16le. */
function burst(before: number, tone: number, after: number): Buffer {
  const n = Math.round((before + tone + after) * RATE);
  const pcm = Buffer.alloc(n * 2);
  const start = Math.round(before * RATE);
  const end = Math.round((before + tone) * RATE);
  for (let i = start; i < end; i++) pcm.writeInt16LE(Math.round(8000 * Math.sin((2 * Math.PI * 300 * i) / RATE)), i * 2);
  return pcm;
}

test("an Edge-like MP3 (CBR, no Xing header) decodes to the speech alone, and Edge's times map onto it", async () => {
  const mp3 = await encodeMp3(burst(0.2, 0.5, 0.3));
  assert.ok(!hasGaplessHeader(mp3), "the stream carries no gapless header, like Edge's");
  const decoded = await decode({ mp3, silenceLevel: 32 });
  const seconds = decoded.pcm.length / 2 / OUTPUT_SAMPLE_RATE;
  // The padding before and after is cut off; MP3 smears the edges by a few ms.
  assert.ok(Math.abs(seconds - 0.5) < 0.04, `decoded ${seconds} s of speech`);
  // The tone starts at 0.2 s of the encoded audio, which must be the start of the clip.
  assert.ok(Math.abs(0.2 + decoded.shiftSeconds) < 0.015, `0.2 s maps to ${0.2 + decoded.shiftSeconds} s`);
});

test("an empty answer is an empty clip", async () => {
  assert.deepEqual(await decode({ mp3: new Uint8Array(0), silenceLevel: 32 }), { pcm: new Uint8Array(0), shiftSeconds: 0 });
});

test("a stream that is not MP3 is an error, not silence", async () => {
  await assert.rejects(decode({ mp3: Buffer.from("<html>not audio</html>".repeat(20)), silenceLevel: 0 }), /did not decode/);
});

test("the Xing/Info header is found after an ID3 tag, in the first frame", () => {
  const frame = (tag: string) => Buffer.concat([Buffer.from([0xff, 0xf3, 0x64, 0xc4]), Buffer.alloc(9), Buffer.from(tag), Buffer.alloc(100)]);
  const id3 = Buffer.concat([Buffer.from("ID3"), Buffer.from([4, 0, 0, 0, 0, 0, 20]), Buffer.alloc(20)]);
  assert.ok(hasGaplessHeader(frame("Info")));
  assert.ok(hasGaplessHeader(Buffer.concat([id3, frame("Xing")])));
  assert.ok(!hasGaplessHeader(frame("\0\0\0\0")));
  assert.ok(!hasGaplessHeader(Buffer.concat([id3, frame("data")])));
});

test("float samples become 16-bit, clipped at full scale", () => {
  assert.deepEqual([...toInt16(Float32Array.from([0, 0.5, -0.5, 1, -1, 2, -2]))], [0, 16384, -16384, 32767, -32768, 32767, -32768]);
});
