import { test } from "node:test";
import assert from "node:assert/strict";
import { solidJpeg } from "@lectra/fakes";
import { solidPng } from "@lectra/testing";
import { describeStart, sniffPicture } from "./sniff";

test("a PNG is recognised with its IHDR size", () => {
  assert.deepEqual(sniffPicture(solidPng(1280, 853, [1, 2, 3])), { mediaType: "image/png", width: 1280, height: 853 });
});

test("a JPEG is recognised with its start-of-frame size, after the JFIF, tables and fill bytes", () => {
  assert.deepEqual(sniffPicture(solidJpeg(1280, 853)), { mediaType: "image/jpeg", width: 1280, height: 853 });
  assert.deepEqual(sniffPicture(solidJpeg(333, 77)), { mediaType: "image/jpeg", width: 333, height: 77 });
  // A progressive JPEG (SOF2) after an EXIF segment and a fill byte.
  const exif = Buffer.from([0xff, 0xe1, 0x00, 0x08, 0x45, 0x78, 0x69, 0x66, 0x00, 0x00]);
  const sof2 = Buffer.from([0xff, 0xff, 0xc2, 0x00, 0x11, 0x08, 0x02, 0x58, 0x03, 0x20, 0x03, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]);
  assert.deepEqual(sniffPicture(Buffer.concat([Buffer.from([0xff, 0xd8]), exif, sof2])), { mediaType: "image/jpeg", width: 800, height: 600 });
});

test("what is not a PNG or JPEG with a size is not a picture", () => {
  const html = Buffer.from("<!DOCTYPE html><html><body>Please log in</body></html>");
  const gif = Buffer.from("GIF89a\x10\x00\x10\x00", "latin1");
  const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>');
  const png = solidPng(10, 10, [0, 0, 0]);
  const jpeg = solidJpeg(64, 48);
  for (const [what, data] of Object.entries({
    html,
    gif,
    svg,
    empty: Buffer.alloc(0),
    "a PNG cut inside its header": png.subarray(0, 20),
    "a PNG signature without IHDR first": Buffer.concat([png.subarray(0, 12), Buffer.from("tEXt"), png.subarray(16)]),
    "a PNG of zero width": Buffer.concat([png.subarray(0, 16), Buffer.alloc(4), png.subarray(20)]),
    "a JPEG cut before its frame header": jpeg.subarray(0, 30),
    "a JPEG whose scan comes before any frame header": Buffer.from([0xff, 0xd8, 0xff, 0xda, 0x00, 0x08, 1, 1, 0, 0, 63, 0]),
  })) {
    assert.equal(sniffPicture(data), undefined, what);
  }
});

test("describeStart shows the first bytes printable", () => {
  assert.equal(describeStart(Buffer.from("<!DOCTYPE html><html>")), '"<!DOCTYPE html><"');
  assert.equal(describeStart(solidPng(1, 1, [0, 0, 0])), '".PNG........IHDR"');
});
