import { test } from "node:test";
import * as assert from "node:assert/strict";
import type { RenderClipRequest } from "@lectra/proto";
import { ResultCache } from "@lectra/service-kit";
import { clipRequestParts } from "./handlers";

const request = (): RenderClipRequest => ({
  frames: [
    { png: Buffer.from("first page"), startSeconds: 0, endSeconds: 2 },
    { png: Buffer.from("second page"), startSeconds: 2, endSeconds: 4 },
  ],
  narration: { pcm: Buffer.alloc(4096, 7), sampleRate: 24000 },
  constantFrameRate: false,
  framesPerSecond: 0,
  priority: 0,
});
const key = (req: RenderClipRequest) => ResultCache.key(...clipRequestParts(req));

test("a clip's cache key is the same for the same request and changes with every field, the bytes included", () => {
  assert.equal(key(request()), key(request()));
  const changed: Array<[string, (r: RenderClipRequest) => void]> = [
    ["a byte of a page", (r) => (r.frames[1].png = Buffer.from("second pagE"))],
    ["a byte of the sound", (r) => (r.narration!.pcm = Buffer.concat([Buffer.alloc(4095, 7), Buffer.from([8])]))],
    ["the sample rate", (r) => (r.narration!.sampleRate = 22050)],
    ["when a page starts", (r) => (r.frames[1].startSeconds = 2.5)],
    ["the frame rate", (r) => Object.assign(r, { constantFrameRate: true, framesPerSecond: 30 })],
    ["the pages' order", (r) => r.frames.reverse()],
    ["bytes moved from one page to the next", (r) => ((r.frames[0].png = Buffer.from("first pages")), (r.frames[1].png = Buffer.from("econd page")))],
  ];
  const seen = new Set([key(request())]);
  for (const [what, change] of changed) {
    const req = request();
    change(req);
    const k = key(req);
    assert.ok(!seen.has(k), `changing ${what} must change the key`);
    seen.add(k);
  }
});

test("a clip's cache key leaves out its priority, which says when it is encoded, not what it holds", () => {
  assert.equal(key({ ...request(), priority: -7 }), key(request()));
});
