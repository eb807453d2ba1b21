// The lecture's theme, drawn the same in the frames and in the deck: each
// built-in theme's page colour, title band, bullet mark and fonts, the footer
// text, and a logo in the title area's end corner (the other corner in a
// right-to-left lecture).
import { after, describe, it } from "node:test";
import * as assert from "node:assert/strict";
import JSZip from "jszip";
import { BulletStyle, TitleBand, type Theme } from "@lectra/proto";
import { solidPng } from "@lectra/testing";
import { builtInThemes, themeByName } from "@lectra/themes";
import { FRAME, renderFrame } from "./frame";
import { FramePool } from "./frame-pool";
import { layoutSlide, SLIDE, type BulletBlock, type Page, type SlideInput } from "./layout";
import { buildDeck } from "./pptx";
import { assertWellPlaced } from "./testing/layout-checks";
import { pixelsOf, type Pixels } from "./testing/pixels";
import { xmlProblem } from "./testing/strict-xml";

const pool = new FramePool(2);
after(() => pool.close());

const theme = (name: string): Theme => themeByName(name)!;
const rgbOf = (hex: string): [number, number, number] => [0, 2, 4].map((i) => parseInt(hex.slice(i, i + 2), 16)) as [number, number, number];
const toPx = (inches: number) => Math.floor(inches * FRAME.pxPerInch);

/** A solid logo in a colour no theme draws anything in, to find it in a frame. */
const LOGO_RGB: [number, number, number] = [200, 30, 160];
const withLogo = (t: Theme, width = 200, height = 100): Theme => ({
  ...t,
  logo: { data: solidPng(width, height, LOGO_RGB), mediaType: "image/png", width, height, title: "logo", sourceUrl: "", author: "", license: "", engine: "" },
});

function pages(t: Theme, input: Partial<SlideInput> = {}): Page[] {
  return layoutSlide({
    language: "en",
    theme: t,
    lectureTitle: "How Photosynthesis Works",
    title: "Chlorophyll catches the light",
    bullets: ["Chlorophyll: the green pigment in chloroplasts", "Absorbs red and blue light, reflects green", "Sits in stacks of membranes called thylakoids"],
    pictureAspect: undefined,
    number: 2,
    total: 3,
    ...input,
  });
}

function assertColour(px: Pixels, x: number, y: number, hex: string, what: string, tolerance = 0) {
  const got = px.rgb(x, y);
  const want = rgbOf(hex);
  assert.ok(got.every((c, i) => Math.abs(c - want[i]) <= tolerance), `${what} at (${x}, ${y}) is ${got}, not ${want} (#${hex})`);
}

/** Where the mark's ink is, in the mark's colour: its pixels relative to the mark's origin. */
function markInk(px: Pixels, bullet: BulletBlock): string[] {
  const want = rgbOf(bullet.markerColor);
  const [x0, base, em] = [toPx(bullet.marker.x), toPx(bullet.marker.baseline), toPx(bullet.fontSize / 72)];
  const ink: string[] = [];
  for (let y = base - em; y <= base; y++) {
    for (let x = x0; x < x0 + em; x++) {
      if (px.rgb(x, y).every((c, i) => Math.abs(c - want[i]) <= 8)) ink.push(`${x - x0},${y - base}`);
    }
  }
  return ink;
}

async function slideXmlOf(pptx: Buffer) {
  const zip = await JSZip.loadAsync(pptx);
  for (const part of Object.keys(zip.files).filter((f) => /\.(xml|rels)$/.test(f))) assert.equal(xmlProblem(await zip.file(part)!.async("string")), undefined, part);
  return {
    zip,
    slide: await zip.file("ppt/slides/slide1.xml")!.async("string"),
    rels: await zip.file("ppt/slides/_rels/slide1.xml.rels")!.async("string"),
    media: Object.keys(zip.files).filter((f) => f.startsWith("ppt/media/") && !zip.files[f].dir),
  };
}

describe("themes", () => {
  it("are laid out within the page in every built-in theme, with and without a logo, whatever the slide holds", () => {
    const inputs: Partial<SlideInput>[] = [
      {},
      { pictureAspect: 4 / 3 },
      { title: "A title long enough to need more than one line even at the smallest size the layout allows for titles on a page, and then some more", pictureAspect: 1 },
      { bullets: Array.from({ length: 9 }, (_, i) => `Point ${i}: ${"word ".repeat(8 + i)}`), pictureAspect: 0.5 },
      { language: "ar", title: "كيف يعمل البناء الضوئي", bullets: ["تصنع النباتات غذاءها من ضوء الشمس."], pictureAspect: 4 / 3 },
    ];
    for (const t of builtInThemes) {
      for (const input of inputs) {
        assertWellPlaced(pages(t, input));
        assertWellPlaced(pages(withLogo(t), input));
        assertWellPlaced(pages(withLogo(t, 60, 400), input));
      }
    }
  });

  it("set the title and the body in the theme's families, each script's letters still in its own Noto family", () => {
    const [latin] = pages(theme("chalkboard"));
    assert.deepEqual([...new Set(latin.title.runs.map((r) => r.family))], ["Noto Serif"]);
    assert.deepEqual([...new Set(latin.bullets.flatMap((b) => b.runs.map((r) => r.family)))], ["Noto Sans"]);
    const [japanese] = pages(theme("chalkboard"), { language: "ja", title: "光合成 (Photosynthesis)", bullets: ["葉は光を吸収します。"] });
    assert.deepEqual(new Set(japanese.title.runs.map((r) => r.family)), new Set(["Noto Sans JP", "Noto Serif"]));
    const [classic] = pages(theme("classic"));
    assert.deepEqual([...new Set([classic.title, ...classic.bullets, classic.footer].flatMap((b) => b.runs.map((r) => r.family)))], ["DejaVu Sans"]);
  });

  it("put the theme's footer text before the slide number, or the lecture's title when it has none", () => {
    assert.equal(pages(theme("paper"))[0].footer.text, "How Photosynthesis Works · 2 / 3");
    assert.equal(pages({ ...theme("paper"), footerText: "Biology 101 · Spring" })[0].footer.text, "Biology 101 · Spring · 2 / 3");
  });

  it("draw each built-in theme's page colour, title band and bullet mark in the frame where the layout puts them", async () => {
    const marks = new Map<string, string>();
    for (const t of builtInThemes) {
      const [page] = pages(t);
      const px = pixelsOf(await renderFrame(page, undefined, pool));
      assertColour(px, 3, FRAME.height - 3, t.colors!.background, `${t.name}: the page's corner`);
      const kinds = page.shapes.map((s) => s.kind);
      const expected = { [TitleBand.TITLE_BAND_FILLED]: ["band", "stripe"], [TitleBand.TITLE_BAND_RULE]: ["title-rule"], [TitleBand.TITLE_BAND_SIDE_BAR]: ["side-bar"] }[t.titleBand as 1 | 2 | 3];
      assert.deepEqual(kinds, [...expected, "footer-rule"], t.name);
      for (const shape of page.shapes) {
        // Just inside the shape's end, clear of the title's letters.
        const [x, y] = [toPx(shape.box.x + shape.box.w) - 3, toPx(shape.box.y + shape.box.h / 2)];
        assertColour(px, x, y, shape.color, `${t.name}: the ${shape.kind}`, shape.kind === "footer-rule" ? 40 : 0);
      }
      assert.equal(page.shapes.find((s) => s.kind !== "footer-rule" && s.kind !== "stripe")!.color, t.colors!.band);
      assert.equal(page.title.color, t.colors!.title);
      // The title reads on what it is drawn on: the band when filled, the page otherwise.
      const ground = t.titleBand === TitleBand.TITLE_BAND_FILLED ? t.colors!.band : t.colors!.background;
      assertColour(px, toPx(page.title.box.x) - 4, toPx(page.title.lines[0].baseline) - 4, ground, `${t.name}: beside the title`);
      for (const b of page.bullets) assert.equal(b.markerColor, t.colors!.accent);
      const ink = markInk(px, page.bullets[0]);
      assert.ok(ink.length > 15, `${t.name}: the bullet mark drew ${ink.length} pixels in the accent colour`);
      marks.set(t.name, ink.join(" "));
    }
    assert.equal(new Set(marks.values()).size, builtInThemes.length, "two themes draw the same bullet mark");
  });

  it("mark bullets with a disc, a square, a dash or an arrow, the arrow pointing the way the text reads", () => {
    const markOf = (bulletStyle: BulletStyle, language = "en") => pages({ ...theme("classic"), bulletStyle }, { language })[0].bullets[0].marker.text;
    assert.deepEqual(
      [BulletStyle.BULLET_STYLE_DISC, BulletStyle.BULLET_STYLE_SQUARE, BulletStyle.BULLET_STYLE_DASH, BulletStyle.BULLET_STYLE_ARROW].map((s) => markOf(s)),
      ["•", "▪", "–", "▸"],
    );
    assert.equal(markOf(BulletStyle.BULLET_STYLE_ARROW, "ar"), "◂");
  });

  it("draw the same theme in the deck: its page colour, shapes, fonts and bullet marks", async () => {
    for (const t of builtInThemes) {
      const slide = { pages: pages(t), narration: "n", picture: undefined };
      const { slide: xml, zip } = await slideXmlOf(await buildDeck("How Photosynthesis Works", [slide], "en"));
      const [page] = slide.pages;
      assert.match(xml, new RegExp(`<p:bg><p:bgPr><a:solidFill><a:srgbClr val="${t.colors!.background}"/>`), t.name);
      for (const shape of page.shapes) assert.ok(xml.includes(`<a:srgbClr val="${shape.color}"/>`), `${t.name}: the ${shape.kind}'s colour`);
      assert.ok(xml.includes(`typeface="${t.headingFont}"`) && xml.includes(`typeface="${t.bodyFont}"`), t.name);
      if (t.headingFont !== "Noto Serif" && t.bodyFont !== "Noto Serif") assert.ok(!xml.includes(`typeface="Noto Serif"`), t.name);
      const marker = page.bullets[0].marker;
      const bullets = xml.match(/<a:buClr>.*?<a:buChar [^>]*\/>/g) ?? [];
      assert.equal(bullets.length, page.bullets.length, `${t.name}: ${xml.match(/<a:pPr[^>]*>.*?<\/a:pPr>/g)?.join("\n")}`);
      const code = marker.text.codePointAt(0)!.toString(16).toUpperCase();
      for (const b of bullets) {
        assert.equal(
          b,
          `<a:buClr><a:srgbClr val="${t.colors!.accent}"/></a:buClr><a:buSzPct val="100000"/><a:buFont typeface="${marker.runs[0].family}"/><a:buChar char="&#x${code};"/>`,
        );
      }
      const theme1 = await zip.file("ppt/theme/theme1.xml")!.async("string");
      assert.match(theme1, new RegExp(`<a:majorFont><a:latin typeface="${t.headingFont}"`), t.name);
    }
  });

  it("draw a logo in the title area's end corner of the frame and the deck, the title kept clear of it", async () => {
    const t = withLogo(theme("chalkboard"));
    const long = "Chlorophyll catches the light in stacks of membranes inside every chloroplast";
    const [plain] = pages(theme("chalkboard"), { title: long });
    const [page] = pages(t, { title: long });
    const logo = page.logo!.box;
    assert.ok(Math.abs(logo.w / logo.h - 2) < 1e-9, "kept in proportion");
    assert.ok(Math.abs(logo.x + logo.w - plain.title.box.x - plain.title.box.w) < 1e-9, "at the title area's end");
    assert.ok(page.title.box.x + page.title.box.w < logo.x, "the title stops short of the logo");
    assert.ok(page.title.box.w < plain.title.box.w);

    const px = pixelsOf(await renderFrame(page, undefined, pool));
    assert.deepEqual(px.rgb(toPx(logo.x + logo.w / 2), toPx(logo.y + logo.h / 2)), LOGO_RGB);
    assert.notDeepEqual(px.rgb(toPx(logo.x) - 10, toPx(logo.y + logo.h / 2)), LOGO_RGB);

    const deck = await slideXmlOf(await buildDeck("Plants", [{ pages: [page], narration: "n", picture: undefined }], "en"));
    assert.equal(deck.media.length, 1, "the logo is the deck's one picture");
    assert.match(deck.rels, /Target="\.\.\/media\/image-1-1\.png"/);
    const pic = deck.slide.match(/<p:pic>[\s\S]*?<\/p:pic>/)?.[0];
    assert.ok(pic, "no picture on the slide");
    const EMU = 914400;
    const [, x, y] = pic.match(/<a:off x="(\d+)" y="(\d+)"\/>/)!;
    assert.ok(Math.abs(+x / EMU - logo.x) < 1e-5 && Math.abs(+y / EMU - logo.y) < 1e-5, `${+x / EMU}, ${+y / EMU} is not ${logo.x}, ${logo.y}`);
    assert.match(pic, /descr="Logo"/);
  });

  it("mirror the logo and the side bar in a right-to-left lecture: both at the other side", async () => {
    const arabic = { language: "ar", title: "كيف يعمل البناء الضوئي", bullets: ["تصنع النباتات غذاءها من ضوء الشمس."] };
    const [ltr] = pages(withLogo(theme("paper")));
    const [rtl] = pages(withLogo(theme("paper")), arabic);
    const logo = rtl.logo!.box;
    assert.ok(Math.abs(logo.x - (SLIDE.w - ltr.logo!.box.x - ltr.logo!.box.w)) < 1e-9 && logo.x < SLIDE.w / 2, "the logo at the left");
    assert.ok(rtl.title.box.x > logo.x + logo.w, "the title clear of it");
    const bar = rtl.shapes.find((s) => s.kind === "side-bar")!.box;
    assert.ok(bar.x >= rtl.title.box.x + rtl.title.box.w, "the side bar at the title's start: its right");

    const px = pixelsOf(await renderFrame(rtl, undefined, pool));
    assert.deepEqual(px.rgb(toPx(logo.x + logo.w / 2), toPx(logo.y + logo.h / 2)), LOGO_RGB);
    assertColour(px, toPx(bar.x + bar.w / 2), toPx(bar.y + bar.h / 2), theme("paper").colors!.band, "the side bar");
    // Nothing of the logo at the end where a left-to-right page has it.
    const ltrLogo = ltr.logo!.box;
    assert.notDeepEqual(px.rgb(toPx(ltrLogo.x + ltrLogo.w / 2), toPx(ltrLogo.y + ltrLogo.h / 2)), LOGO_RGB);
  });
});
