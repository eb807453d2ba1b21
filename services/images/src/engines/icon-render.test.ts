import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import { ConfigError } from "@lectra/service-kit";
import { isPng, pngSize } from "@lectra/testing";
import { alphaAt, countOpaque, decodePng } from "../testing/pixels";
import { iconColor, paintIcon, renderIcon } from "./icon-render";

const heartSvg = fs.readFileSync(require.resolve("lucide-static/icons/heart.svg"), "utf8");
const live = () => new AbortController().signal;

test("paintIcon sets the colour and stroke width on the root, once", () => {
  const painted = paintIcon(heartSvg, "#336699");
  const root = painted.match(/<svg\b[^>]*>/)![0];
  assert.match(root, /\scolor="#336699"/);
  assert.equal(root.match(/stroke-width=/g)!.length, 1);
  assert.match(root, /stroke="currentColor"/);
  assert.equal(painted.replace(root, ""), heartSvg.replace(heartSvg.match(/<svg\b[^>]*>/)![0], ""));
});

test("iconColor accepts #rrggbb only, so config cannot inject markup", () => {
  assert.equal(iconColor("#1E3A5F"), "#1e3a5f");
  for (const bad of ["red", "#123", '#123456" onload="x', "1e3a5f"]) {
    assert.throws(() => iconColor(bad), ConfigError, bad);
  }
});

test("renderIcon draws a 768×768 PNG in the chosen colour on a transparent background", async () => {
  const { png, width, height } = await renderIcon(heartSvg, { size: 768, color: "#1e3a5f" }, live());
  assert.ok(isPng(png));
  assert.deepEqual(pngSize(png), { width: 768, height: 768 });
  assert.deepEqual({ width, height }, { width: 768, height: 768 });
  const pixels = decodePng(png);
  assert.ok(countOpaque(pixels, [0x1e, 0x3a, 0x5f]) > 768 * 20, "the heart's outline is drawn in the colour");
  assert.equal(alphaAt(pixels, 0, 0), 0, "corner is transparent");
  assert.equal(alphaAt(pixels, 384, 384), 0, "inside the outline is transparent");
});

test("renderIcon honours the size", async () => {
  const { png } = await renderIcon(heartSvg, { size: 100, color: "#000000" }, live());
  assert.deepEqual(pngSize(png), { width: 100, height: 100 });
});

test("renderIcon stops when the caller has cancelled", async () => {
  const controller = new AbortController();
  controller.abort(new DOMException("the caller cancelled", "AbortError"));
  await assert.rejects(renderIcon(heartSvg, { size: 768, color: "#000000" }, controller.signal), { name: "AbortError" });
});
