import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { PNG_SIGNATURE, readPicture } from "./format";

// Headers are written out here byte by byte: readPicture reads no further than
// the header, and @lectra/testing, which builds whole pictures, depends on this library.

/** A PNG's signature and first chunk (IHDR unless told), CRC left zero, and an IEND. */
function pngStart(width: number, height: number, firstChunk = "IHDR"): Buffer {
  const ihdr = Buffer.alloc(8 + 13 + 4);
  ihdr.writeUInt32BE(13, 0);
  ihdr.write(firstChunk, 4, "latin1");
  ihdr.writeUInt32BE(width, 8);
  ihdr.writeUInt32BE(height, 12);
  ihdr.set([8, 2], 16); // 8-bit RGB
  return Buffer.concat([PNG_SIGNATURE, ihdr, Buffer.from([0, 0, 0, 0, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82])]);
}

const segment = (marker: number, body: number[]) => Buffer.from([0xff, marker, (body.length + 2) >> 8, (body.length + 2) & 255, ...body]);
const SOI = Buffer.from([0xff, 0xd8]);
const APP0 = segment(0xe0, [...Buffer.from("JFIF\0"), 1, 1, 0, 0, 1, 0, 1, 0, 0]);
const DQT = segment(0xdb, [0, ...new Array(64).fill(1)]);
const DHT = segment(0xc4, [0x00, 1, ...new Array(15).fill(0), 0]);
const frame = (marker: number, width: number, height: number) => segment(marker, [8, height >> 8, height & 255, width >> 8, width & 255, 1, 1, 0x11, 0]);
const SCAN = segment(0xda, [1, 1, 0, 0, 63, 0]);

/** A JPEG as cameras and encoders write one: JFIF, tables, then the frame header and the scan. */
const jpegStart = (width: number, height: number, sof = 0xc0) => Buffer.concat([SOI, APP0, DQT, DHT, frame(sof, width, height), SCAN]);

const problemOf = (data: Uint8Array) => {
  const read = readPicture(data);
  assert.ok("problem" in read, `expected a problem, read ${JSON.stringify(read)}`);
  return read.problem;
};

describe("readPicture", () => {
  it("reads a PNG's size from its IHDR", () => {
    assert.deepEqual(readPicture(pngStart(1280, 853)), { mediaType: "image/png", width: 1280, height: 853 });
  });

  it("reads a JPEG's size from its start-of-frame, after JFIF, tables, EXIF and fill bytes", () => {
    assert.deepEqual(readPicture(jpegStart(1280, 853)), { mediaType: "image/jpeg", width: 1280, height: 853 });
    assert.deepEqual(readPicture(jpegStart(333, 77)), { mediaType: "image/jpeg", width: 333, height: 77 });
    // A progressive JPEG (SOF2) after an EXIF segment and a fill byte, and nothing after its frame header.
    const exif = segment(0xe1, [...Buffer.from("Exif\0\0")]);
    const progressive = Buffer.concat([SOI, exif, Buffer.from([0xff]), frame(0xc2, 800, 600)]);
    assert.deepEqual(readPicture(progressive), { mediaType: "image/jpeg", width: 800, height: 600 });
  });

  it("reads the bytes where they lie inside a larger buffer", () => {
    const pooled = Buffer.concat([Buffer.from("padding"), pngStart(40, 30)]).subarray(7);
    assert.deepEqual(readPicture(new Uint8Array(pooled.buffer, pooled.byteOffset, pooled.byteLength)), { mediaType: "image/png", width: 40, height: 30 });
  });

  it("says what keeps anything else from being a picture", () => {
    const png = pngStart(10, 10);
    const jpeg = jpegStart(64, 48);
    assert.equal(problemOf(Buffer.alloc(0)), "is empty");
    for (const other of ["<!DOCTYPE html><html><body>Please log in</body></html>", "GIF89a\x10\x00\x10\x00", '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>']) {
      assert.match(problemOf(Buffer.from(other, "latin1")), /^is neither a PNG nor a JPEG \(it does not start with either signature\)$/, other);
    }
    assert.match(problemOf(png.subarray(0, 20)), /^is a PNG cut short inside its header/);
    assert.equal(problemOf(pngStart(10, 10, "tEXt")), "is not a PNG (its first chunk is not IHDR)");
    assert.equal(problemOf(pngStart(0, 10)), "is a PNG of 0x10 pixels");
    assert.equal(problemOf(jpegStart(64, 0)), "is a JPEG of 64x0 pixels");
    assert.match(problemOf(jpeg.subarray(0, SOI.length + APP0.length + 10)), /^is a JPEG cut short before its frame header/);
    // A frame header cut inside its size.
    assert.match(problemOf(jpeg.subarray(0, jpeg.length - SCAN.length - 5)), /^is a JPEG cut short/);
    assert.equal(problemOf(Buffer.concat([SOI, APP0, SCAN, frame(0xc0, 64, 48)])), "is a JPEG with no frame header (SOF) before its image data");
    assert.equal(problemOf(Buffer.from([0xff, 0xd8, 0xff, 0xd9])), "is a JPEG cut short before its frame header (4 bytes)");
    assert.equal(problemOf(Buffer.from([0xff, 0xd8, 0xff, 0xd9, 0, 0])), "is a JPEG that ends (EOI) before any frame header (SOF)");
    assert.match(problemOf(Buffer.concat([SOI, APP0, Buffer.from([0x12, 0x34, 0x56, 0x78])])), /^is not a JPEG \(no marker at byte 20\)/);
    assert.match(problemOf(Buffer.concat([SOI, Buffer.from([0xff, 0xe0, 0x00, 0x01]), frame(0xc0, 64, 48)])), /^is not a JPEG \(the segment at byte 2 has a length of 1\)/);
  });
});
