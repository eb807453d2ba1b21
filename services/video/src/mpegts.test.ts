import { test } from "node:test";
import assert from "node:assert/strict";
import { transportStreamProblem, TS_PACKET_BYTES } from "./mpegts";

const packets = (n: number) => {
  const ts = Buffer.alloc(n * TS_PACKET_BYTES, 0xff);
  for (let i = 0; i < n; i++) ts[i * TS_PACKET_BYTES] = 0x47;
  return ts;
};

test("packets of 188 bytes that each start with 0x47 look like MPEG-TS", () => {
  assert.equal(transportStreamProblem(packets(3)), undefined);
});

test("empty, cut short, or without a sync byte where one belongs is not MPEG-TS, and says why", () => {
  assert.match(transportStreamProblem(Buffer.alloc(0))!, /empty/);
  assert.match(transportStreamProblem(packets(3).subarray(0, 500))!, /500 bytes, not a whole number of 188-byte/);
  const broken = packets(3);
  broken[2 * TS_PACKET_BYTES] = 0x00;
  assert.match(transportStreamProblem(broken)!, /packet 2 \(byte 376\)/);
  // An MP4 is not a clip.
  assert.match(transportStreamProblem(Buffer.concat([Buffer.from("\0\0\0\x18ftypisom"), Buffer.alloc(176)]))!, /packet 0/);
});
