import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { pngSize } from "@lectra/testing";
import { opaquePng } from "./opaque-png";
import { pixelsOf } from "./testing/pixels";

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
    assert.deepEqual(pngSize(png), { width, height });
    // IHDR: 8 bits per sample, colour type 2 (RGB).
    assert.equal(png.toString("latin1", 12, 16), "IHDR");
    assert.equal(png[24], 8);
    assert.equal(png[25], 2);
    const read = pixelsOf(png);
    for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) assert.deepEqual(read.rgb(x, y), colour(x, y), `pixel (${x}, ${y})`);
  });

  it("refuses pixels that do not fill the size it is given", () => {
    assert.throws(() => opaquePng(new Uint8Array(4 * 6), 2, 2), /24 bytes are not 2×2 RGBA pixels/);
    assert.throws(() => opaquePng(new Uint8Array(0), 0, 0), /not 0×0/);
  });
});
