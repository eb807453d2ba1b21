import { after, describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import { pngSize, solidPng } from "@lectra/testing";
import { escapeXml, FRAME, pageSvg, renderFrame } from "./frame";
import { FramePool } from "./frame-pool";
import { DEFAULT_THEME, themeByName } from "@lectra/themes";
import { layoutSlide, type SlideInput } from "./layout";
import { xmlProblem } from "./testing/strict-xml";

const pool = new FramePool(2);
after(() => pool.close());

function page(input: Partial<SlideInput> = {}) {
  return layoutSlide({ language: "en", theme: themeByName(DEFAULT_THEME)!, lectureTitle: "Cells", title: "Membranes", bullets: ["Lipid bilayer", "Proteins float in it"], pictureAspect: undefined, number: 1, total: 3, ...input })[0];
}

describe("frame", () => {
  it("draws each wrapped line as its own group of glyph outlines, labelled with its escaped text", () => {
    const p = page({ title: `Tags <b>&"' stay text`, bullets: ["word ".repeat(30).trim()] });
    const svg = pageSvg(p, undefined);
    const lineCount = p.title.lines.length + p.footer.lines.length + p.bullets.reduce((n, b) => n + b.lines.length + 1, 0);
    assert.equal(svg.match(/<g aria-label="/g)?.length, lineCount);
    assert.ok(p.bullets[0].lines.length > 1);
    assert.ok(svg.includes(`aria-label="Tags &lt;b&gt;&amp;&quot;&apos; stay text"`));
    assert.ok(!svg.includes("<b>"));
    // No text for the renderer to set in fonts of its own: only the outlines the layout's fonts shaped.
    assert.ok(!svg.includes("<text"));
    // "word" drawn 30 times, its three letters (w, o, r, d) defined once each.
    assert.equal(svg.match(/<path id=/g)?.length, new Set(svg.match(/<path id="[^"]+"/g)).size);
    assert.ok((svg.match(/<use /g)?.length ?? 0) > 120);
  });

  it("embeds the picture as a data URI, kept in proportion", () => {
    const svg = pageSvg(page({ pictureAspect: 4 / 3 }), { data: solidPng(4, 3, [0, 0, 0]), mediaType: "image/png" });
    assert.match(svg, /<image [^>]*preserveAspectRatio="xMidYMid meet" xlink:href="data:image\/png;base64,iVBORw0KGgo/);
  });

  it("escapes everything XML treats specially", () => {
    assert.equal(escapeXml(`<a href="x">'&'</a>`), "&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;");
  });

  it("drops what XML cannot hold, so a frame is always a well-formed SVG", async () => {
    assert.equal(escapeXml("a\u0001b\u000bc\uFFFF\uD800"), "ab c");
    // Laid out straight from the layout, past the request's cleaning: the writer holds the line itself.
    const p = page({ title: "Cell\u0001s", bullets: ["nu\u0000cleus", "wall\u000b"], lectureTitle: "Bio\uFFFE" });
    const svg = pageSvg(p, undefined);
    assert.equal(xmlProblem(svg), undefined);
    assert.ok(svg.includes(`aria-label="Cells"`) && svg.includes(`aria-label="nucleus"`));
    assert.deepEqual(pngSize(await renderFrame(p, undefined, pool)), { width: FRAME.width, height: FRAME.height });
  });

  it("renders a 1920x1080 PNG that shows the slide", async () => {
    const picture = { data: solidPng(400, 300, [30, 90, 160]), mediaType: "image/png" as const };
    const [a, b, again] = await Promise.all([
      renderFrame(page({ pictureAspect: 4 / 3 }), picture, pool),
      renderFrame(page({ title: "Ribosomes", bullets: ["Make proteins"] }), undefined, pool),
      renderFrame(page({ pictureAspect: 4 / 3 }), picture, pool),
    ]);
    assert.deepEqual(pngSize(a), { width: FRAME.width, height: FRAME.height });
    assert.deepEqual(pngSize(b), { width: FRAME.width, height: FRAME.height });
    // A blank or text-less frame compresses to a few KB; drawn text does not.
    assert.ok(a.length > 20_000 && b.length > 20_000, `frames are ${a.length} and ${b.length} bytes`);
    assert.ok(!a.equals(b), "different slides rendered to the same frame");
    assert.ok(a.equals(again), "the same page rendered twice differs: the frame depends on more than the layout");
  });

  it("draws at most one frame per worker at once; the others wait as pages, their SVGs not built yet", async () => {
    const two = new FramePool(2);
    try {
      let built = 0;
      const svg = () => (built++, pageSvg(page(), undefined));
      const controller = new AbortController();
      const frames = Array.from({ length: 6 }, (_, i) => two.render(svg, FRAME.width, i === 5 ? controller.signal : undefined));
      assert.deepEqual({ drawing: two.drawing, queued: two.queued, built }, { drawing: 2, queued: 4, built: 2 });
      controller.abort(new Error("gave up"));
      assert.equal(two.queued, 3, "an abandoned frame still waits");
      const settled = await Promise.allSettled(frames);
      assert.deepEqual(settled.map((r) => r.status), [...Array(5).fill("fulfilled"), "rejected"]);
      assert.deepEqual({ drawing: two.drawing, queued: two.queued, built }, { drawing: 0, queued: 0, built: 5 });
    } finally {
      await two.close();
    }
  });

  it("frees each frame's pixels before its worker draws the next", async () => {
    // Linux's peak resident size of this process, reset by writing 5 to clear_refs.
    const peakMiB = () => Number(/VmHWM:\s+(\d+) kB/.exec(fs.readFileSync("/proc/self/status", "utf8"))![1]) / 1024;
    const one = new FramePool(1);
    try {
      const p = page({ pictureAspect: 4 / 3 });
      const picture = { data: solidPng(400, 300, [30, 90, 160]), mediaType: "image/png" as const };
      await renderFrame(p, picture, one); // the worker and its first frame
      fs.writeFileSync("/proc/self/clear_refs", "5");
      const before = peakMiB();
      for (let i = 0; i < 12; i++) await renderFrame(p, picture, one);
      // Each frame's pixels are 1920 x 1080 x 4 bytes = 7.9 MiB: kept until V8 happened to
      // collect the worker's heap, twelve frames grew the process by ~100 MiB.
      const grew = peakMiB() - before;
      assert.ok(grew < 4 * 7.9, `twelve frames in a row grew the process by ${grew.toFixed(0)} MiB`);
    } finally {
      await one.close();
    }
  });

  it("stops waiting when the caller gives up", async () => {
    const controller = new AbortController();
    const pending = renderFrame(page(), undefined, pool, controller.signal);
    controller.abort(new Error("caller went away"));
    await assert.rejects(pending, /caller went away/);
    await assert.rejects(renderFrame(page(), undefined, pool, controller.signal), /caller went away/);
  });
});
