import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import type { Picture } from "@lectra/proto";
import { solidPng } from "@lectra/testing";
import { pictureAspect, pictureCredit, pictureFormat, pictureSize } from "./picture";

/** The start of a JPEG: SOI, an APP0 segment, then a baseline frame header saying width x height. */
function jpegHeader(width: number, height: number): Buffer {
  const app0 = Buffer.from([0xff, 0xe0, 0x00, 0x10, ...Buffer.from("JFIF\0"), 1, 1, 0, 0, 1, 0, 1, 0, 0]);
  const sof = Buffer.from([0xff, 0xc0, 0x00, 0x11, 8, height >> 8, height & 255, width >> 8, width & 255, 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]);
  return Buffer.concat([Buffer.from([0xff, 0xd8]), app0, sof]);
}

function picture(overrides: Partial<Picture> = {}): Picture {
  return { data: Buffer.alloc(0), mediaType: "", width: 0, height: 0, title: "", sourceUrl: "", author: "", license: "", engine: "", ...overrides };
}

describe("picture", () => {
  it("knows PNG and JPEG by their first bytes, whatever media_type says", () => {
    assert.equal(pictureFormat(solidPng(4, 3, [0, 0, 0])), "png");
    assert.equal(pictureFormat(jpegHeader(10, 10)), "jpeg");
    assert.equal(pictureFormat(Buffer.from("<svg xmlns='http://www.w3.org/2000/svg'/>")), undefined);
    assert.equal(pictureFormat(Buffer.from("GIF89a................................")), undefined);
    assert.equal(pictureFormat(Buffer.alloc(0)), undefined);
  });

  it("reads the pixel size from PNG and JPEG headers", () => {
    assert.deepEqual(pictureSize(solidPng(40, 30, [1, 2, 3])), { width: 40, height: 30 });
    assert.deepEqual(pictureSize(jpegHeader(1024, 768)), { width: 1024, height: 768 });
    assert.equal(pictureSize(Buffer.from([0xff, 0xd8, 0xff, 0xd9])), undefined);
  });

  it("takes the aspect from the bytes, then the message, then 4:3", () => {
    assert.equal(pictureAspect(picture({ data: solidPng(20, 10, [0, 0, 0]), width: 1, height: 1 })), 2);
    assert.equal(pictureAspect(picture({ data: Buffer.from([0xff, 0xd8, 0xff, 0xd9]), width: 300, height: 100 })), 3);
    assert.equal(pictureAspect(picture({ data: Buffer.from([0xff, 0xd8, 0xff, 0xd9]) })), 4 / 3);
  });

  it("credits the picture's author, license and source", () => {
    assert.equal(
      pictureCredit(picture({ title: "Leaf", author: "A. Gardener", license: "CC BY-SA 4.0", sourceUrl: "https://example.org/leaf" })),
      "Picture: Leaf by A. Gardener, CC BY-SA 4.0, https://example.org/leaf",
    );
    assert.equal(pictureCredit(picture({ title: "Leaf", license: "CC0" })), "Picture: Leaf, CC0");
    assert.equal(pictureCredit(picture({ title: "Leaf" })), undefined);
  });
});
