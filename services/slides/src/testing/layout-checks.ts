// Checks on a laid-out page shared by the layout's tests: every box inside the
// slide, every line inside its box, measured in the fonts its runs are set in.
import * as assert from "node:assert/strict";
import { SLIDE, type Box, type Page, type TextBlock } from "../layout";
import { runsWidthEm } from "../typeset";

const EPS = 1e-6;
function assertInside(inner: Box, outer: Box, what: string) {
  assert.ok(inner.w >= 0 && inner.h >= 0, `${what} has a negative size`);
  assert.ok(inner.x >= outer.x - EPS && inner.y >= outer.y - EPS, `${what} starts outside: ${JSON.stringify(inner)}`);
  assert.ok(inner.x + inner.w <= outer.x + outer.w + EPS, `${what} runs off the right: ${JSON.stringify(inner)}`);
  assert.ok(inner.y + inner.h <= outer.y + outer.h + EPS, `${what} runs off the bottom: ${JSON.stringify(inner)}`);
}

/** Whether two boxes share any area. */
export function overlaps(a: Box, b: Box): boolean {
  return a.x < b.x + b.w - EPS && b.x < a.x + a.w - EPS && a.y < b.y + b.h - EPS && b.y < a.y + a.h - EPS;
}

/** Every line, measured in the fonts its runs are set in, fits between its start and the box's far edge. */
export function assertLinesFit(block: TextBlock, what: string) {
  for (const line of block.lines) {
    const widthIn = (runsWidthEm(line.runs, block.weight) * block.fontSize) / 72;
    const [left, right] = block.direction === "rtl" ? [line.x - widthIn, line.x] : [line.x, line.x + widthIn];
    assert.ok(left >= block.box.x - EPS && right <= block.box.x + block.box.w + EPS, `${what}: "${line.text}" is ${widthIn.toFixed(2)} in wide, overflowing its box`);
    assert.ok(line.baseline > block.box.y && line.baseline < block.box.y + block.box.h + EPS, `${what}: baseline outside its box`);
  }
}

export function assertWellPlaced(pages: Page[]) {
  const page = { x: 0, y: 0, ...SLIDE };
  for (const p of pages) {
    assertInside(p.title.box, page, "title");
    assertLinesFit(p.title, "title");
    assertInside(p.footer.box, page, "footer");
    assertLinesFit(p.footer, "footer");
    for (const s of p.shapes) assertInside(s.box, page, "shape");
    const footerRule = p.shapes.find((s) => s.kind === "footer-rule");
    assert.ok(footerRule, "no footer rule");
    // The title area: the title, the shapes that set it off, the logo. The body starts below all of it.
    const titleArea = [p.title.box, ...p.shapes.filter((s) => s !== footerRule).map((s) => s.box), ...(p.logo ? [p.logo.box] : [])];
    const titleAreaBottom = Math.max(...titleArea.map((box) => box.y + box.h));
    if (p.logo) {
      assertInside(p.logo.box, page, "logo");
      assert.ok(!overlaps(p.logo.box, p.title.box), `the logo ${JSON.stringify(p.logo.box)} overlaps the title ${JSON.stringify(p.title.box)}`);
    }
    for (const b of p.bullets) {
      assertInside(b.box, page, "bullet");
      assertLinesFit(b, "bullet");
      assert.ok(b.box.y >= titleAreaBottom - EPS, "bullet overlaps the title area");
      assert.ok(b.box.y + b.box.h <= footerRule.box.y, "bullet runs into the footer rule");
      if (p.picture) assert.ok(b.box.x + b.box.w <= p.picture.x + EPS || p.picture.x + p.picture.w <= b.box.x + EPS, "bullet column overlaps the picture");
    }
    if (p.picture) {
      assertInside(p.picture, page, "picture");
      assert.ok(p.picture.y >= titleAreaBottom - EPS, "picture overlaps the title area");
      assert.ok(p.picture.y + p.picture.h <= footerRule.box.y, "picture runs into the footer rule");
    }
  }
}

