// Lectures in every shipped writing system: each character laid out in a font
// that has it, frames that show the text in its own script (right to left for
// Arabic), CJK and Thai lines broken where those scripts break, a deck that names
// the same fonts, and a warning, never a box, for a character no font has.
import { after, describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import JSZip from "jszip";
import { solidPng } from "@lectra/testing";
import { DEFAULT_THEME, themeByName } from "@lectra/themes";
import { face, familyNamed, hasGlyph } from "./fonts";
import { FRAME, pageSvg, renderFrame } from "./frame";
import { FramePool } from "./frame-pool";
import { missingWarning } from "./handlers";
import { layoutSlide, SLIDE, type Page, type SlideInput, type TextBlock } from "./layout";
import { assertLinesFit, assertWellPlaced } from "./testing/layout-checks";
import { buildDeck } from "./pptx";
import { pixelsOf } from "./testing/pixels";
import { xmlProblem } from "./testing/strict-xml";

const pool = new FramePool(2);
after(() => pool.close());

interface Lecture {
  language: string;
  title: string;
  bullets: string[];
  /** The family the language's own letters must be set in. */
  family: string;
  /** Its own letters: what must be in `family`. */
  letters: RegExp;
}

const LECTURES: Lecture[] = [
  {
    language: "hi",
    title: "प्रकाश संश्लेषण कैसे काम करता है",
    bullets: ["पौधे सूर्य के प्रकाश से अपना भोजन बनाते हैं।", "क्लोरोफिल हरे रंग का वर्णक है, जो प्रकाश को अवशोषित करता है।", "इस प्रक्रिया में ऑक्सीजन (O₂) निकलती है।"],
    family: "Noto Sans Devanagari",
    letters: /\p{sc=Deva}/u,
  },
  {
    language: "ja",
    title: "光合成のしくみ",
    bullets: ["植物は太陽の光を使って、二酸化炭素と水から糖を作ります。", "葉緑体の中のクロロフィルが「光」を吸収します。", "この過程で酸素が放出されます。"],
    family: "Noto Sans JP",
    letters: /[\p{sc=Hani}\p{sc=Hira}\p{sc=Kana}]/u,
  },
  {
    language: "ar",
    title: "كيف يعمل البناء الضوئي",
    bullets: ["تصنع النباتات غذاءها من ضوء الشمس والماء وثاني أكسيد الكربون.", "يمتص الكلوروفيل (Chlorophyll) الضوء في البلاستيدات الخضراء.", "ينتج عن هذه العملية 6 جزيئات من الأكسجين."],
    family: "Noto Sans Arabic",
    letters: /\p{sc=Arab}/u,
  },
  { language: "el", title: "Φωτοσύνθεση", bullets: ["Τα φυτά παράγουν γλυκόζη από το φως του ήλιου."], family: "DejaVu Sans", letters: /\p{sc=Grek}/u },
  { language: "ru", title: "Фотосинтез", bullets: ["Растения превращают свет в химическую энергию."], family: "DejaVu Sans", letters: /\p{sc=Cyrl}/u },
  { language: "he", title: "פוטוסינתזה", bullets: ["הצמחים מייצרים סוכר מאור השמש, ממים ומפחמן דו־חמצני."], family: "Noto Sans Hebrew", letters: /\p{sc=Hebr}/u },
  { language: "th", title: "การสังเคราะห์ด้วยแสง", bullets: ["พืชใช้แสงแดดเพื่อสร้างอาหารจากน้ำและคาร์บอนไดออกไซด์"], family: "Noto Sans Thai", letters: /\p{sc=Thai}/u },
  { language: "zh", title: "光合作用", bullets: ["植物利用阳光把二氧化碳和水转化为葡萄糖，并释放氧气。"], family: "Noto Sans SC", letters: /\p{sc=Hani}/u },
  { language: "ko", title: "광합성의 원리", bullets: ["식물은 햇빛을 이용해 이산화탄소와 물로 포도당을 만듭니다."], family: "Noto Sans KR", letters: /[\p{sc=Hang}\p{sc=Hani}]/u },
];

const lectureNamed = (language: string) => LECTURES.find((l) => l.language === language)!;

function pagesOf(l: Pick<Lecture, "language" | "title" | "bullets">, overrides: Partial<SlideInput> = {}): Page[] {
  return layoutSlide({ language: l.language, theme: themeByName(DEFAULT_THEME)!, lectureTitle: l.title, title: l.title, bullets: l.bullets, pictureAspect: 4 / 3, number: 1, total: 3, ...overrides });
}

const blocksOf = (page: Page): TextBlock[] => [page.title, ...page.bullets, page.footer];

/** A solid picture in a colour no text is drawn in, to find it in the frame. */
const PICTURE_RGB: [number, number, number] = [40, 160, 90];
const picture = { data: solidPng(400, 300, PICTURE_RGB), mediaType: "image/png" as const };

describe("writing systems", () => {
  it("lays every character of every line out in a font of the chain that has a glyph for it, its own script in its own Noto family", () => {
    for (const l of LECTURES) {
      const pages = pagesOf(l);
      assertWellPlaced(pages);
      for (const page of pages) {
        assert.deepEqual(blocksOf(page).flatMap((b) => b.missing), [], l.language);
        for (const block of blocksOf(page)) {
          const lines = [...block.lines, ...("marker" in block ? [block.marker as TextBlock["lines"][number]] : [])];
          for (const line of lines) {
            // Nothing left out: the runs are the line.
            assert.equal(line.runs.map((r) => r.text).join(""), line.text, `${l.language}: ${line.text}`);
            for (const run of line.runs) {
              const f = face(familyNamed(run.family), block.weight);
              for (const ch of run.text) {
                assert.ok(hasGlyph(f, ch.codePointAt(0)!), `${l.language}: "${ch}" has no glyph in ${run.family}`);
                if (l.letters.test(ch)) assert.equal(run.family, l.family, `${l.language}: "${ch}" is set in ${run.family}`);
              }
            }
          }
        }
      }
    }
  });

  it("sets Han characters in the lecture's own CJK font: Japanese in a Japanese lecture, Chinese in a Chinese one", () => {
    const familyOfHan = (language: string) => pagesOf({ language, title: "光", bullets: [] })[0].title.lines[0].runs[0].family;
    assert.equal(familyOfHan("ja"), "Noto Sans JP");
    assert.equal(familyOfHan("zh"), "Noto Sans SC");
    assert.equal(familyOfHan("ko"), "Noto Sans KR");
  });

  it("breaks CJK lines between characters, never before closing punctuation, and fits them in their box", () => {
    const sentence = "植物は太陽の光を使って、二酸化炭素と水から糖を作ります。葉緑体の中のクロロフィルが「光」を吸収し、酸素を放出します。";
    const [page] = pagesOf({ language: "ja", title: "光合成", bullets: [sentence] });
    const [bullet] = page.bullets;
    assert.ok(bullet.lines.length >= 3, `${bullet.lines.length} lines`);
    assertLinesFit(bullet, "ja bullet");
    assert.equal(bullet.lines.map((line) => line.text).join(""), sentence, "no character lost or added at a break");
    for (const line of bullet.lines) {
      assert.ok(!/^[、。」）！？ー]/.test(line.text), `a line starts with "${line.text[0]}"`);
      assert.ok(!/[「（]$/.test(line.text), `a line ends with "${line.text.at(-1)}"`);
    }
  });

  it("breaks Thai lines between words, which it writes without spaces", () => {
    const sentence = "พืชใช้แสงแดดเพื่อสร้างอาหารจากน้ำและคาร์บอนไดออกไซด์ในใบไม้สีเขียวของมัน".repeat(2);
    const [page] = pagesOf({ language: "th", title: "พืช", bullets: [sentence] });
    const [bullet] = page.bullets;
    assert.ok(bullet.lines.length >= 2);
    assertLinesFit(bullet, "th bullet");
    assert.equal(bullet.lines.map((line) => line.text).join(""), sentence);
    const words = new Set(Array.from(new Intl.Segmenter("th", { granularity: "word" }).segment(sentence), (s) => s.index));
    let at = 0;
    for (const line of bullet.lines.slice(0, -1)) {
      at += line.text.length;
      assert.ok(words.has(at), `a line breaks inside a word: "${line.text}"`);
    }
  });

  it("mirrors a right-to-left page: text starts at the right margin, the picture sits on the left", () => {
    const [rtl] = pagesOf(lectureNamed("ar"));
    const [ltr] = pagesOf(lectureNamed("hi"));
    assert.ok(rtl.picture!.x + rtl.picture!.w < SLIDE.w / 2 && ltr.picture!.x > SLIDE.w / 2);
    for (const b of rtl.bullets) {
      assert.equal(b.direction, "rtl");
      assert.ok(Math.abs(b.marker.x - (b.box.x + b.box.w)) < 1e-9, "the bullet mark is at the right");
      assert.ok(b.lines.every((line) => line.x < b.marker.x), "text starts left of the mark");
      assert.ok(b.box.x > rtl.picture!.x + rtl.picture!.w);
    }
    assert.ok(Math.abs(rtl.title.lines[0].x - (SLIDE.w - ltr.title.lines[0].x)) < 1e-9);
    assert.ok(Math.abs(rtl.footer.lines[0].x - (SLIDE.w - ltr.footer.lines[0].x)) < 1e-9);
  });

  for (const language of ["hi", "ja", "ar"]) {
    it(`renders a ${language} frame whose text is drawn where its lines are`, async () => {
      const l = lectureNamed(language);
      const [page] = pagesOf(l);
      const svg = pageSvg(page, picture);
      assert.equal(xmlProblem(svg), undefined);
      const png = await renderFrame(page, picture, pool);
      fs.writeFileSync(`/tmp/frames-${language}.png`, png);
      const px = pixelsOf(png);
      const toPx = (inches: number) => Math.round(inches * FRAME.pxPerInch);
      // Each bullet line: dark ink in the band from its x-height to its baseline, and its ends where the layout put them.
      for (const b of page.bullets) {
        for (const line of b.lines) {
          const top = toPx(line.baseline - (b.fontSize * 0.5) / 72);
          const bottom = toPx(line.baseline);
          let dark = 0;
          let [minX, maxX] = [Infinity, -Infinity];
          // The line's side of the bullet mark: the text, not the mark.
          const [from, to] = language === "ar" ? [toPx(b.box.x), toPx(line.x) + 20] : [toPx(line.x) - 20, toPx(b.box.x + b.box.w)];
          for (let y = top; y <= bottom; y++) {
            for (let x = from; x < to; x++) {
              if (px.lightness(x, y) < 110) {
                dark++;
                minX = Math.min(minX, x);
                maxX = Math.max(maxX, x);
              }
            }
          }
          assert.ok(dark > 200, `${language}: "${line.text}" drew ${dark} dark pixels`);
          const start = toPx(line.x);
          // Ink starts a side bearing in from the glyph's origin: up to a fifth of an em in CJK, and an opening bracket's sits in the right half of its em.
          const slack = toPx((b.fontSize * (/^[「『（]/.test(line.text) ? 0.75 : 0.2)) / 72);
          if (language === "ar") assert.ok(Math.abs(maxX - start) <= slack, `${language}: the line ends at ${maxX}px, not at its start ${start}px`);
          else assert.ok(minX >= start - 6 && minX <= start + slack, `${language}: the line starts at ${minX}px, not ${start}px`);
        }
      }
      // The picture is where the layout put it: on the left in Arabic.
      const p = page.picture!;
      assert.deepEqual(px.rgb(toPx(p.x + p.w / 2), toPx(p.y + p.h / 2)), PICTURE_RGB);
      if (language === "ar") assert.ok(p.x + p.w < SLIDE.w / 2);
    });
  }

  it("writes a deck whose runs name the fonts that draw them: Arabic right to left in Noto Sans Arabic, Japanese with Noto Sans JP as its East Asian font", async () => {
    const xmlOf = async (l: Lecture) => {
      const pptx = await buildDeck(l.title, [{ pages: pagesOf(l), narration: "n", picture: undefined }], l.language);
      const zip = await JSZip.loadAsync(pptx);
      for (const part of Object.keys(zip.files).filter((f) => /\.(xml|rels)$/.test(f))) assert.equal(xmlProblem(await zip.file(part)!.async("string")), undefined, part);
      return { slide: await zip.file("ppt/slides/slide1.xml")!.async("string"), presentation: await zip.file("ppt/presentation.xml")!.async("string") };
    };
    const arabic = await xmlOf(lectureNamed("ar"));
    const paragraphs = arabic.slide.match(/<a:pPr[^>]*>/g)!;
    assert.ok(paragraphs.length >= 4 && paragraphs.every((p) => /rtl="1"/.test(p) && /algn="r"/.test(p)), paragraphs.join("\n"));
    assert.match(arabic.slide, /<a:cs typeface="Noto Sans Arabic"/);
    assert.match(arabic.slide, /<a:rPr lang="ar-EG"/);
    assert.match(arabic.presentation, /<p:presentation [^>]*rtl="1"/);
    // The Latin word in the Arabic bullet is its own run, in the Latin font, in the same paragraph.
    assert.match(arabic.slide, /<a:cs typeface="Noto Sans Arabic"\/><\/a:rPr><a:t>يمتص الكلوروفيل \(<\/a:t><\/a:r><a:r><a:rPr [^>]*>.*?<a:latin typeface="DejaVu Sans"\/><a:ea typeface="DejaVu Sans"\/><a:cs typeface="DejaVu Sans"\/><\/a:rPr><a:t>Chlorophyll\) <\/a:t>/);
    // A paragraph's properties come once, first (OOXML allows nothing else), however many runs it has.
    for (const p of arabic.slide.match(/<a:p>[\s\S]*?<\/a:p>/g)!) assert.ok((p.match(/<a:pPr\b/g) ?? []).length <= 1 && !/<\/a:r>[\s\S]*<a:pPr\b/.test(p), p);

    const japanese = await xmlOf(lectureNamed("ja"));
    assert.match(japanese.slide, /<a:ea typeface="Noto Sans JP"/);
    assert.match(japanese.slide, /<a:rPr lang="ja-JP"/);
    assert.ok(!/rtl="1"/.test(japanese.slide) && !/rtl="1"/.test(japanese.presentation));
    assert.match(japanese.slide, /<a:t>光合成のしくみ<\/a:t>/);
  });

  it("leaves a character no shipped font has out of the frame, and warns of it once per slide", async () => {
    const hieroglyph = "𓀀";
    const pages = pagesOf({ language: "en", title: `Egypt ${hieroglyph}`, bullets: [`The sign ${hieroglyph} is a man`, `Again: ${hieroglyph}`, "More", "Still more", "And more"] }, { pictureAspect: undefined });
    assert.ok(pages.length > 1, "the title is on every page");
    assert.equal(
      missingWarning(4, pages),
      `slide 4: "${hieroglyph}" (U+13000) is in no shipped font; it is left out of the frames and may show as a box in the deck`,
    );
    for (const page of pages) {
      const svg = pageSvg(page, undefined);
      assert.ok(!svg.includes(hieroglyph));
      assert.ok(svg.includes(`aria-label="Egypt `));
    }
    assert.equal(missingWarning(1, pagesOf(lectureNamed("ja"))), undefined);
    const many = pagesOf({ language: "en", title: "Signs", bullets: [Array.from({ length: 12 }, (_, i) => String.fromCodePoint(0x13000 + i)).join(" ")] });
    assert.match(missingWarning(2, many)!, /^slide 2: "𓀀" \(U\+13000\), .* and 2 more are in no shipped font; they are left out of the frames and may show as boxes in the deck$/);
  });
});
