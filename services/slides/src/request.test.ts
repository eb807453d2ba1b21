import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { BulletStyle, TitleBand, type IllustratedSlide, type Picture, type Slide, type Theme } from "@lectra/proto";
import { solidPng } from "@lectra/testing";
import { LECTURE_LIMITS } from "@lectra/lecture";
import { DEFAULT_THEME, THEME_LIMITS, themeByName } from "@lectra/themes";
import { checkBuildDeck, checkRenderFrames, pagesOf } from "./request";

/** grpc.status.INVALID_ARGUMENT; @grpc/grpc-js is service-kit's dependency, not ours. */
const INVALID_ARGUMENT = 3;

const slide = (overrides: Partial<Slide> = {}): Slide => ({ index: 0, title: "Cells", bullets: ["a"], narration: "n", imageQuery: "", ...overrides });
const picture = (data: Buffer, claimed: Partial<Picture> = {}): Picture => ({ data, mediaType: "image/png", width: 0, height: 0, title: "", sourceUrl: "", author: "", license: "", engine: "", ...claimed });
const illustrated = (s: Partial<Slide> = {}, p?: Picture): IllustratedSlide => ({ slide: slide(s), picture: p });

function refuses(fn: () => unknown, field: string) {
  assert.throws(fn, (e: { code: number; message: string }) => {
    assert.equal(e.code, INVALID_ARGUMENT);
    assert.ok(e.message.startsWith(`${field}:`), e.message);
    return true;
  });
}

describe("request checks", () => {
  it("accepts a slide with a PNG picture and numbers it from its index", () => {
    const { slide: s } = checkRenderFrames({ language: "", theme: undefined, lectureTitle: "L", slideTotal: 4, slide: illustrated({ index: 2 }, picture(solidPng(2, 2, [0, 0, 0]))) });
    assert.equal(s.number, 3);
    assert.equal(s.total, 4);
    assert.equal(s.picture?.mediaType, "image/png");
  });

  it("takes a picture's format and aspect from its bytes, not from what the message claims", () => {
    const claimed = { mediaType: "image/jpeg", width: 100, height: 100 };
    const { lecture, slide: s } = checkRenderFrames({ language: "", theme: undefined, lectureTitle: "L", slideTotal: 1, slide: illustrated({}, picture(solidPng(40, 20, [0, 0, 0]), claimed)) });
    assert.deepEqual([s.picture?.mediaType, s.picture?.width, s.picture?.height], ["image/png", 40, 20]);
    const box = pagesOf(lecture, s)[0]!.picture!;
    assert.ok(Math.abs(box.w / box.h - 2) < 1e-9, `${box.w} x ${box.h}`);
  });

  it("names the field that is wrong in RenderFrames", () => {
    refuses(() => checkRenderFrames({ language: "", theme: undefined, lectureTitle: "L", slideTotal: 1, slide: undefined }), "slide");
    refuses(() => checkRenderFrames({ language: "", theme: undefined, lectureTitle: "L", slideTotal: 1, slide: { slide: undefined, picture: undefined } }), "slide.slide");
    refuses(() => checkRenderFrames({ language: "", theme: undefined, lectureTitle: "L", slideTotal: 1, slide: illustrated({ title: "  " }) }), "slide.slide.title");
    refuses(() => checkRenderFrames({ language: "", theme: undefined, lectureTitle: "L", slideTotal: 0, slide: illustrated() }), "slide_total");
    refuses(() => checkRenderFrames({ language: "", theme: undefined, lectureTitle: "L", slideTotal: 3, slide: illustrated({ index: 3 }) }), "slide_total");
    refuses(() => checkRenderFrames({ language: "", theme: undefined, lectureTitle: "L", slideTotal: 3, slide: illustrated({ index: -1 }) }), "slide.slide.index");
    refuses(() => checkRenderFrames({ language: "", theme: undefined, lectureTitle: "L", slideTotal: 1, slide: illustrated({}, picture(Buffer.from("GIF89a, not a PNG at all"))) }), "slide.picture.data");
    refuses(() => checkRenderFrames({ language: "", theme: undefined, lectureTitle: "L", slideTotal: 1, slide: illustrated({}, picture(Buffer.alloc(0))) }), "slide.picture.data");
    // A JPEG that ends before saying its size could not be drawn either, whatever width and height the message claims.
    const sizeless = picture(Buffer.from([0xff, 0xd8, 0xff, 0xd9]), { mediaType: "image/jpeg", width: 300, height: 100 });
    refuses(() => checkRenderFrames({ language: "", theme: undefined, lectureTitle: "L", slideTotal: 1, slide: illustrated({}, sizeless) }), "slide.picture.data");
  });

  it("takes the lecture's language as a BCP 47 tag, empty meaning English, and refuses anything else", () => {
    const frames = checkRenderFrames({ language: "hi-IN", theme: undefined, lectureTitle: "L", slideTotal: 1, slide: illustrated() });
    assert.equal(frames.lecture.language, "hi-IN");
    assert.equal(checkBuildDeck({ language: "", theme: undefined, lectureTitle: "L", slides: [illustrated()] }).lecture.language, "");
    refuses(() => checkRenderFrames({ language: "not a tag!", theme: undefined, lectureTitle: "L", slideTotal: 1, slide: illustrated() }), "language");
    refuses(() => checkBuildDeck({ language: "e", theme: undefined, lectureTitle: "L", slides: [illustrated()] }), "language");
  });

  it("names the slide that is wrong in BuildDeck", () => {
    refuses(() => checkBuildDeck({ language: "", theme: undefined, lectureTitle: "L", slides: [] }), "slides");
    const good = illustrated();
    refuses(() => checkBuildDeck({ language: "", theme: undefined, lectureTitle: "L", slides: [good, illustrated({}, picture(Buffer.from("<svg/>")))] }), "slides[1].picture.data");
    refuses(() => checkBuildDeck({ language: "", theme: undefined, lectureTitle: "L", slides: [good, good, illustrated({ title: "" })] }), "slides[2].slide.title");
    const { slides } = checkBuildDeck({ language: "", theme: undefined, lectureTitle: "L", slides: [good, good] });
    assert.deepEqual(slides.map((s) => [s.number, s.total]), [[1, 2], [2, 2]]);
    assert.equal(checkBuildDeck({ language: "", theme: undefined, lectureTitle: "L", slides: Array(LECTURE_LIMITS.slides).fill(good) }).slides.length, LECTURE_LIMITS.slides);
    refuses(() => checkBuildDeck({ language: "", theme: undefined, lectureTitle: "L", slides: Array(LECTURE_LIMITS.slides + 1).fill(good) }), "slides");
  });

  describe("the theme", () => {
    const paper = themeByName("paper")!;
    const frames = (theme: Theme | undefined) => checkRenderFrames({ language: "", theme, lectureTitle: "L", slideTotal: 1, slide: illustrated() });
    const deck = (theme: Theme | undefined) => checkBuildDeck({ language: "", theme, lectureTitle: "L", slides: [illustrated()] });

    it("is the default one when unset, and what was sent otherwise", () => {
      assert.deepEqual(frames(undefined).lecture.theme, themeByName(DEFAULT_THEME));
      assert.deepEqual(deck(undefined).lecture.theme, themeByName(DEFAULT_THEME));
      assert.deepEqual(frames(paper).lecture.theme, paper);
      const lower = frames({ ...paper, colors: { ...paper.colors!, band: "0a7b83" } }).lecture.theme;
      assert.equal(lower.colors!.band, "0A7B83");
    });

    it("names the field that is wrong: a colour, a font, the title band, the bullet style, the footer", () => {
      for (const bad of ["#0A7B83", "red", "0A7B8", "0A7B83FF", ""]) refuses(() => frames({ ...paper, colors: { ...paper.colors!, band: bad } }), "theme.colors.band");
      refuses(() => deck({ ...paper, colors: { ...paper.colors!, background: "white" } }), "theme.colors.background");
      refuses(() => frames({ ...paper, colors: undefined }), "theme.colors");
      refuses(() => frames({ ...paper, headingFont: "Comic Sans" }), "theme.heading_font");
      refuses(() => deck({ ...paper, bodyFont: "" }), "theme.body_font");
      refuses(() => frames({ ...paper, titleBand: TitleBand.TITLE_BAND_UNSPECIFIED }), "theme.title_band");
      refuses(() => frames({ ...paper, bulletStyle: 9 as BulletStyle }), "theme.bullet_style");
      refuses(() => frames({ ...paper, footerText: "x".repeat(THEME_LIMITS.footerChars + 1) }), "theme.footer_text");
    });

    it("takes a logo's format and size from its bytes, and refuses one that is not a PNG or JPEG, or too big", () => {
      const logo = picture(solidPng(30, 10, [200, 30, 160]), { mediaType: "image/jpeg", width: 1, height: 1 });
      const checked = frames({ ...paper, logo }).lecture.theme.logo!;
      assert.deepEqual([checked.mediaType, checked.width, checked.height], ["image/png", 30, 10]);
      refuses(() => frames({ ...paper, logo: picture(Buffer.from("GIF89a, not a PNG at all")) }), "theme.logo");
      refuses(() => deck({ ...paper, logo: picture(Buffer.from([0xff, 0xd8, 0xff, 0xd9])) }), "theme.logo");
      const huge = Buffer.concat([solidPng(30, 10, [0, 0, 0]), Buffer.alloc(THEME_LIMITS.logoBytes)]);
      refuses(() => frames({ ...paper, logo: picture(huge) }), "theme.logo");
    });
  });

  it("cleans every text field of what XML cannot hold, whoever sent it", () => {
    const dirty = illustrated(
      { title: "Cell\u000bparts", bullets: ["nucleus\u0000", "wall\uFFFE"], narration: "Cells \u0007divide.", imageQuery: "cell\u0001" },
      picture(solidPng(2, 2, [0, 0, 0]), { title: "Leaf\u0002", author: "A. \uD800Botanist", license: "CC0\u001f", sourceUrl: "https://example.org/\u0003" }),
    );
    const { lecture, slides } = checkBuildDeck({ language: "", theme: undefined, lectureTitle: "Biology\u0008", slides: [dirty] });
    assert.equal(lecture.title, "Biology");
    const [s] = slides;
    assert.deepEqual([s.slide.title, s.slide.bullets, s.slide.narration, s.slide.imageQuery], ["Cell parts", ["nucleus", "wall"], "Cells divide.", "cell"]);
    assert.deepEqual([s.picture!.meta.title, s.picture!.meta.author, s.picture!.meta.license, s.picture!.meta.sourceUrl], ["Leaf", "A. Botanist", "CC0", "https://example.org/"]);
    refuses(() => checkRenderFrames({ language: "", theme: undefined, lectureTitle: "L", slideTotal: 1, slide: illustrated({ title: "\u0001\u0002" }) }), "slide.slide.title");
  });
});
