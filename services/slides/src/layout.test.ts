import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { SLIDE_LIMITS } from "@lectra/lecture";
import { DEFAULT_THEME, themeByName } from "@lectra/themes";
import { FONT_FAMILY, fontChain, type FontChain, type Weight } from "./fonts";
import { setText, widthEm } from "./typeset";
import { assertWellPlaced } from "./testing/layout-checks";
import {
  charCount,
  fitTitle,
  LAYOUT_VERSION,
  layoutSlide,
  leftOut,
  normalizeText,
  PAGE_LIMITS,
  paginate,
  SLIDE,
  wrapText,
  type Box,
  type Page,
  type SlideInput,
  type TextBlock,
} from "./layout";

const english = fontChain(FONT_FAMILY, "en");

/** Width of `text` in ems, set as the layout sets it. */
function textWidthEm(text: string, weight: Weight, fonts: FontChain = english): number {
  return widthEm(setText(text, fonts, weight), 0, text.length);
}

function slide(overrides: Partial<SlideInput> = {}): SlideInput {
  return { language: "en", theme: themeByName(DEFAULT_THEME)!, lectureTitle: "Photosynthesis", title: "Light reactions", bullets: [], pictureAspect: undefined, number: 2, total: 5, ...overrides };
}

/** `n` distinct bullets of exactly `chars` characters each. */
function bullets(n: number, chars: number): string[] {
  return Array.from({ length: n }, (_, i) => `Point ${i} `.padEnd(chars, "x").slice(0, chars));
}

const pageBulletCounts = (pages: Page[]) => pages.map((p) => p.bullets.length);
const pageChars = (p: Page) => p.bullets.reduce((n, b) => n + charCount(b.text), 0);

/** The parts on the pages, joined back per input bullet. */
function rejoined(pages: Page[]): Map<number, string> {
  const joined = new Map<number, string>();
  for (const b of pages.flatMap((p) => p.bullets)) joined.set(b.source, (joined.get(b.source) ?? "") + b.part);
  return joined;
}

function assertNoTextLost(input: string[], pages: Page[]) {
  const expected = new Map(input.map((b, i) => [i, normalizeText(b)] as const).filter(([, b]) => b.length > 0));
  assert.deepEqual(rejoined(pages), expected);
  // And in order: sources never go backwards across pages.
  const order = pages.flatMap((p) => p.bullets.map((b) => b.source));
  assert.deepEqual(order, [...order].sort((a, b) => a - b));
}

/** Deterministic words of varied length, for many-input checks. */
function* randomSlides(count: number): Generator<SlideInput> {
  let seed = 42;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const word = () => "abcdefghijklmnopqrstuvwxyzWMQ".slice(0, 2 + Math.floor(rand() * 12));
  const sentence = (words: number) => Array.from({ length: words }, word).join(" ");
  for (let i = 0; i < count; i++) {
    yield slide({
      title: sentence(1 + Math.floor(rand() * 14)),
      bullets: Array.from({ length: Math.floor(rand() * 9) }, () => sentence(1 + Math.floor(rand() * 30))),
      pictureAspect: rand() < 0.5 ? undefined : 0.3 + rand() * 3,
      lectureTitle: sentence(1 + Math.floor(rand() * 20)),
    });
  }
}

describe("layout", () => {
  it("has a version for caches to key on", () => {
    assert.match(LAYOUT_VERSION, /\S/);
  });

  describe("continuation rule", () => {
    it("puts at most 3 bullets on a page beside a picture, 4 without", () => {
      assert.deepEqual(pageBulletCounts(layoutSlide(slide({ bullets: bullets(7, 20), pictureAspect: 4 / 3 }))), [3, 3, 1]);
      assert.deepEqual(pageBulletCounts(layoutSlide(slide({ bullets: bullets(7, 20) }))), [4, 3]);
    });

    it("puts at most 150 characters on a page beside a picture, 200 without", () => {
      // 3 x 60 = 180: over 150, under 200.
      assert.deepEqual(pageBulletCounts(layoutSlide(slide({ bullets: bullets(3, 60), pictureAspect: 1 }))), [2, 1]);
      assert.deepEqual(pageBulletCounts(layoutSlide(slide({ bullets: bullets(3, 60) }))), [3]);
      // Exactly at the limits stays on one page.
      assert.deepEqual(pageBulletCounts(layoutSlide(slide({ bullets: bullets(3, 50), pictureAspect: 1 }))), [3]);
      assert.deepEqual(pageBulletCounts(layoutSlide(slide({ bullets: bullets(4, 50) }))), [4]);
      // One character over moves the last bullet on.
      assert.deepEqual(pageBulletCounts(layoutSlide(slide({ bullets: bullets(3, 51), pictureAspect: 1 }))), [2, 1]);
      assert.deepEqual(pageBulletCounts(layoutSlide(slide({ bullets: bullets(4, 51) }))), [3, 1]);
    });

    it("keeps every page within the limits", () => {
      for (const input of randomSlides(150)) {
        const limit = input.pictureAspect === undefined ? PAGE_LIMITS.withoutPicture : PAGE_LIMITS.withPicture;
        for (const p of layoutSlide(input)) {
          assert.ok(p.bullets.length <= limit.bullets);
          // Only a bullet alone on its page may go over the character limit.
          if (p.bullets.length > 1) assert.ok(pageChars(p) <= limit.chars, `page has ${pageChars(p)} characters`);
        }
      }
    });

    it("gives a bullet over the character limit a page of its own", () => {
      const input = ["short one", "y".repeat(30) + " " + "long ".repeat(40), "short two"];
      const pages = layoutSlide(slide({ bullets: input, pictureAspect: 1 }));
      assert.deepEqual(
        pages.map((p) => p.bullets.map((b) => b.source)),
        [[0], [1], [2]],
      );
    });

    it("paginates greedily in order", () => {
      assert.deepEqual(paginate([10, 10, 10, 10, 10], (n) => n, { bullets: 2, chars: 100 }), [[10, 10], [10, 10], [10]]);
      assert.deepEqual(paginate([90, 20, 300, 5], (n) => n, { bullets: 4, chars: 100 }), [[90], [20], [300], [5]]);
      assert.deepEqual(paginate([], (n: number) => n, { bullets: 4, chars: 100 }), []);
    });

    it("fits a slide at the script's limits in its pages, losing nothing, even in the widest letters", () => {
      // Every bullet within SLIDE_LIMITS.bulletChars fits one page on its own, so a slide needs at most one page a bullet.
      const letters = [..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyzÆŒæœ0123456789%@&—…"];
      const widest = letters.reduce((a, b) => (textWidthEm(b, "regular") > textWidthEm(a, "regular") ? b : a));
      assert.ok(textWidthEm(widest, "regular") >= 1, `the widest letter is ${widest}`);
      for (let wordLength = 1; wordLength <= 40; wordLength++) {
        const text = `${widest.repeat(wordLength)} `.repeat(SLIDE_LIMITS.bulletChars).slice(0, SLIDE_LIMITS.bulletChars);
        for (const pictureAspect of [undefined, 0.1, 4 / 3]) {
          const input = Array(SLIDE_LIMITS.bullets).fill(text);
          const pages = layoutSlide(slide({ bullets: input, pictureAspect }));
          assert.ok(pages.length <= SLIDE_LIMITS.pages, `${pages.length} pages`);
          assertNoTextLost(input, pages);
          assert.equal(leftOut(input, pages), 0);
          for (const p of pages) assert.ok(p.bullets.every((b) => b.part === normalizeText(text)), `words of ${wordLength}: a bullet within the limit was split`);
        }
      }
    });

    it("lays any slide out to at most SLIDE_LIMITS.pages pages, quickly, and says how much is not shown", () => {
      const cases: Array<[string, string[]]> = [
        ["200 one-character bullets", Array(200).fill("a")],
        ["a 200,000-character bullet", ["word ".repeat(40_000)]],
        ["50,000 bullets", Array(50_000).fill("abc")],
      ];
      for (const [what, input] of cases) {
        for (const pictureAspect of [undefined, 1.5]) {
          const started = performance.now();
          const pages = layoutSlide(slide({ bullets: input, pictureAspect }));
          const ms = performance.now() - started;
          assert.equal(pages.length, SLIDE_LIMITS.pages, what);
          assert.ok(ms < 2_000, `${what}: ${ms.toFixed(0)} ms`);
          assertWellPlaced(pages);
          assert.ok(Math.abs(pages.reduce((s, p) => s + p.share, 0) - 1) < 1e-12, "the shown pages share the narration");
          const shown = pages.reduce((n, p) => n + pageChars(p), 0);
          assert.ok(leftOut(input, pages) > 0 && leftOut(input, pages) >= input.join("").replace(/\s/g, "").length - shown, what);
        }
      }
      // The pages kept are the ones an uncapped layout would have begun with.
      const pages = layoutSlide(slide({ bullets: Array(200).fill("a") }));
      assert.deepEqual(pageBulletCounts(pages), Array(SLIDE_LIMITS.pages).fill(PAGE_LIMITS.withoutPicture.bullets));
      assert.equal(leftOut(Array(200).fill("a"), pages), 200 - SLIDE_LIMITS.pages * PAGE_LIMITS.withoutPicture.bullets);
    });

    it("titles continuation pages '(cont.)' and shows the picture on every page", () => {
      const pages = layoutSlide(slide({ bullets: bullets(6, 30), pictureAspect: 16 / 9 }));
      assert.equal(pages.length, 2);
      assert.equal(pages[0].title.text, "Light reactions");
      assert.equal(pages[1].title.text, "Light reactions (cont.)");
      assert.ok(pages[0].picture);
      assert.deepEqual(pages[1].picture, pages[0].picture);
      assert.deepEqual(pages.map((p) => p.page), [0, 1]);
      assert.equal(pages[1].footer.text, "Photosynthesis · 2 / 5");
    });
  });

  describe("shares", () => {
    it("add up to 1 and follow each page's characters", () => {
      for (const input of randomSlides(150)) {
        const pages = layoutSlide(input);
        const sum = pages.reduce((s, p) => s + p.share, 0);
        assert.ok(Math.abs(sum - 1) < 1e-12, `shares add up to ${sum}`);
        const total = pages.reduce((n, p) => n + pageChars(p), 0);
        for (const p of pages) {
          assert.ok(p.share >= 0 && p.share <= 1);
          if (total > 0) assert.ok(Math.abs(p.share - pageChars(p) / total) < 1e-9);
        }
      }
    });

    it("are one page with share 1 for a slide without bullets", () => {
      for (const pictureAspect of [undefined, 1.5]) {
        const pages = layoutSlide(slide({ bullets: ["", "   "], pictureAspect }));
        assert.equal(pages.length, 1);
        assert.equal(pages[0].share, 1);
        assert.equal(pages[0].bullets.length, 0);
      }
    });
  });

  describe("placement", () => {
    it("keeps every box inside the slide and every line inside its box", () => {
      for (const input of randomSlides(200)) assertWellPlaced(layoutSlide(input));
    });

    it("aspect-fits the picture beside the text, or across the slide when there is no text", () => {
      const [beside] = layoutSlide(slide({ bullets: ["one"], pictureAspect: 2 }));
      assert.ok(Math.abs(beside.picture!.w / beside.picture!.h - 2) < 1e-9);
      assert.ok(beside.picture!.x > SLIDE.w / 2);
      const [alone] = layoutSlide(slide({ pictureAspect: 2 }));
      assert.ok(Math.abs(alone.picture!.w / alone.picture!.h - 2) < 1e-9);
      assert.ok(alone.picture!.w > beside.picture!.w);
      const [tall] = layoutSlide(slide({ bullets: ["one"], pictureAspect: 0.25 }));
      assert.ok(Math.abs(tall.picture!.w / tall.picture!.h - 0.25) < 1e-9);
    });

    it("gives text the whole width without a picture", () => {
      const [withPicture] = layoutSlide(slide({ bullets: ["one"], pictureAspect: 1 }));
      const [without] = layoutSlide(slide({ bullets: ["one"] }));
      assert.equal(without.picture, undefined);
      assert.ok(without.bullets[0].box.w > withPicture.bullets[0].box.w);
    });

    it("is deterministic", () => {
      const input = [...randomSlides(5)][4];
      assert.deepEqual(layoutSlide(input), layoutSlide(structuredClone(input)));
    });
  });

  describe("text", () => {
    it("wraps at spaces and keeps every character", () => {
      const text = "the quick brown fox jumps over the lazy dog";
      const lines = wrapText(text, 28, "regular", 2, english);
      assert.ok(lines.length > 1);
      assert.equal(lines.map((l) => l.text).join(" "), text);
      for (const l of lines) assert.equal(text.slice(l.start, l.end), l.text);
    });

    it("breaks a word longer than the line between characters", () => {
      const word = "Pneumonoultramicroscopicsilicovolcanoconiosis".repeat(8);
      const pages = layoutSlide(slide({ bullets: [word, "after"], pictureAspect: 1 }));
      assertWellPlaced(pages);
      assertNoTextLost([word, "after"], pages);
      assert.ok(pages[0].bullets[0].lines.length > 3);
      assert.equal(pages[0].bullets[0].lines.map((l) => l.text).join(""), word);
    });

    it("loses no text: the pages' bullets join back to the input", () => {
      for (const input of randomSlides(150)) assertNoTextLost(input.bullets, layoutSlide(input));
      const messy = ["  leading and trailing  ", "", "tabs\tand\nnewlines", "   "];
      const pages = layoutSlide(slide({ bullets: messy }));
      assertNoTextLost(messy, pages);
      assert.deepEqual(pages[0].bullets.map((b) => b.text), ["leading and trailing", "tabs and newlines"]);
    });

    it("continues a bullet too long for one page on the next, shrinking no further than the floor", () => {
      const long = Array.from({ length: 400 }, (_, i) => `word${i}`).join(" ");
      for (const pictureAspect of [undefined, 1]) {
        const input = ["first", long, "last"];
        const pages = layoutSlide(slide({ bullets: input, pictureAspect }));
        assertWellPlaced(pages);
        assertNoTextLost(input, pages);
        const parts = pages.flatMap((p) => p.bullets).filter((b) => b.source === 1);
        assert.ok(parts.length >= 2, `the long bullet fills ${parts.length} page(s)`);
        for (const b of pages.flatMap((p) => p.bullets)) assert.ok(b.fontSize >= 16);
        for (const b of parts) assert.equal(b.text, b.part.trim());
      }
    });

    it("shrinks a long title within its floor and keeps short ones large", () => {
      assert.deepEqual(fitTitle("Cells", english), { sizePt: 36, lines: [{ text: "Cells", start: 0, end: 5 }], text: "Cells" });
      const medium = fitTitle("How photosynthesis turns light into sugar in leaves", english);
      assert.equal(medium.lines.length, 1);
      assert.ok(medium.sizePt < 36 && medium.sizePt >= 28);
      const long = fitTitle("word ".repeat(40).trim(), english);
      assert.ok(long.sizePt >= 22 && long.lines.length <= 3);
      const huge = fitTitle("word ".repeat(200).trim(), english);
      assert.equal(huge.sizePt, 22);
      assert.equal(huge.lines.length, 3);
      assert.ok(huge.lines[2].text.endsWith("…"));
      assert.ok(huge.text.endsWith(huge.lines[2].text) && huge.text.startsWith(huge.lines[0].text));
      // A word broken across lines stays one word in the text PowerPoint gets.
      const word = "Antidisestablishmentarianism".repeat(3);
      assert.ok(fitTitle(word, english).lines.length > 1);
      assert.equal(fitTitle(word, english).text, word);
      // Every line is the slice of the text its offsets say.
      for (const l of huge.lines) assert.equal(huge.text.slice(l.start, l.end), l.text);
    });

    it("keeps the footer's position when the lecture title is long", () => {
      const [p] = layoutSlide(slide({ lectureTitle: "A very long lecture title ".repeat(10), number: 7, total: 12 }));
      assert.equal(p.footer.lines.length, 1);
      assert.ok(p.footer.text.endsWith("… · 7 / 12"), p.footer.text);
      const [untitled] = layoutSlide(slide({ lectureTitle: "" }));
      assert.equal(untitled.footer.text, "2 / 5");
    });
  });
});
