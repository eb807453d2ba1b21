import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as zlib from "node:zlib";
import { readPicture } from "./format";
import { opaquePng } from "./opaque-png";

/** The chunks of a PNG, each checked against its CRC. */
function chunks(png: Buffer): Array<{ type: string; data: Buffer }> {
  const out: Array<{ type: string; data: Buffer }> = [];
  for (let at = 8; at < png.length; ) {
    const length = png.readUInt32BE(at);
    const type = png.toString("latin1", at + 4, at + 8);
    const data = png.subarray(at + 8, at + 8 + length);
    assert.equal(png.readUInt32BE(at + 8 + length), zlib.crc32(png.subarray(at + 4, at + 8 + length)), `${type}'s CRC`);
    out.push({ type, data });
    at += 12 + length;
  }
  return out;
}

describe("opaquePng", () => {
  it("keeps every pixel's colour, row by row, as 8-bit RGB with no alpha", () => {
    const width = 7;
    const height = 5;
    const rgba = new Uint8Array(width * height * 4);
    const colour = (x: number, y: number): [number, number, number] => [(x * 37) % 256, (y * 53) % 256, (x * y * 11 + 5) % 256];
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        // Alpha varies too, and must not change the colour that is written.
        rgba.set([...colour(x, y), (x * 40) % 256], (y * width + x) * 4);
      }
    }
    const png = opaquePng(rgba, width, height);
    assert.deepEqual(readPicture(png), { mediaType: "image/png", width, height });
    const parts = chunks(png);
    assert.deepEqual(parts.map((c) => c.type), ["IHDR", "IDAT", "IEND"]);
    // IHDR: 8 bits per sample, colour type 2 (RGB), no interlace.
    assert.equal(parts[0].data[8], 8);
    assert.equal(parts[0].data[9], 2);
    assert.equal(parts[0].data[12], 0);
    const rows = zlib.inflateSync(parts[1].data);
    assert.equal(rows.length, height * (1 + width * 3));
    for (let y = 0; y < height; y++) {
      const row = y * (1 + width * 3);
      assert.equal(rows[row], 0, `row ${y} is unfiltered`);
      for (let x = 0; x < width; x++) assert.deepEqual([...rows.subarray(row + 1 + x * 3, row + 4 + x * 3)], colour(x, y), `pixel (${x}, ${y})`);
    }
  });

  it("refuses pixels that do not fill the size it is given", () => {
    assert.throws(() => opaquePng(new Uint8Array(4 * 6), 2, 2), /24 bytes are not 2×2 RGBA pixels/);
    assert.throws(() => opaquePng(new Uint8Array(0), 0, 0), /not 0×0/);
  });
});
