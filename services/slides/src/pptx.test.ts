import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import JSZip from "jszip";
import { solidPng } from "@lectra/testing";
import { DEFAULT_THEME, themeByName } from "@lectra/themes";
import { layoutSlide, type Box, type SlideInput } from "./layout";
import { buildDeck, CONTINUED_NOTES, type DeckSlide } from "./pptx";
import { xmlProblem } from "./testing/strict-xml";

const EMU_PER_INCH = 914400;

function deckSlide(input: Partial<SlideInput>, narration: string, picture?: DeckSlide["picture"]): DeckSlide {
  const pages = layoutSlide({
    language: "en",
    theme: themeByName(DEFAULT_THEME)!,
    lectureTitle: "Cells",
    title: "A slide",
    bullets: [],
    pictureAspect: picture ? 4 / 3 : undefined,
    number: 1,
    total: 1,
    ...input,
  });
  return { pages, narration, picture };
}

const unescapeXml = (s: string) =>
  s.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&#x([0-9a-f]+);/gi, (_, h) => String.fromCodePoint(parseInt(h, 16))).replace(/&amp;/g, "&");

/** The text runs of a slide or notes XML, unescaped. */
const textsOf = (xml: string) => [...xml.matchAll(/<a:t>([^<]*)<\/a:t>/g)].map((m) => unescapeXml(m[1]));

/** Where the shape holding `text` sits, in inches. */
function boxOf(xml: string, text: string): Box {
  const shape = xml.split("<p:sp>").find((s) => s.includes(`<a:t>${text}</a:t>`));
  assert.ok(shape, `no shape holds ${text}`);
  const [, x, y] = shape.match(/<a:off x="(\d+)" y="(\d+)"\/>/)!;
  const [, w, h] = shape.match(/<a:ext cx="(\d+)" cy="(\d+)"\/>/)!;
  return { x: +x / EMU_PER_INCH, y: +y / EMU_PER_INCH, w: +w / EMU_PER_INCH, h: +h / EMU_PER_INCH };
}

async function open(pptx: Buffer) {
  const zip = await JSZip.loadAsync(pptx);
  const count = Object.keys(zip.files).filter((f) => /^ppt\/slides\/slide\d+\.xml$/.test(f)).length;
  const slide = (n: number) => zip.file(`ppt/slides/slide${n}.xml`)!.async("string");
  const notes = (n: number) => zip.file(`ppt/notesSlides/notesSlide${n}.xml`)!.async("string");
  return { zip, count, slide, notes };
}

/** The speaker notes (the first text run; the slide number follows). pptxgenjs writes line breaks as CRLF. */
async function notesText(deck: Awaited<ReturnType<typeof open>>, n: number): Promise<string> {
  return textsOf(await deck.notes(n))[0].replace(/\r\n/g, "\n");
}

function assertNear(actual: Box, expected: Box) {
  for (const k of ["x", "y", "w", "h"] as const) assert.ok(Math.abs(actual[k] - expected[k]) < 1e-5, `${k}: ${actual[k]} != ${expected[k]}`);
}

describe("pptx", () => {
  it("has one PowerPoint slide per page, with the narration as the first page's notes", async () => {
    const picture = { data: solidPng(40, 30, [30, 90, 160]), mediaType: "image/png" as const, title: "Cell", credit: "Picture: Cell by R. Hooke, CC0, https://example.org/cell" };
    const slides = [
      deckSlide({ title: "Intro", bullets: ["one", "two"] }, "Welcome to the lecture.\n\nToday: cells."),
      deckSlide({ title: "Parts", bullets: ["a", "b", "c", "d", "e", "f"] }, "Cells have parts.", picture),
    ];
    assert.deepEqual(slides.map((s) => s.pages.length), [1, 2]);
    const deck = await open(await buildDeck("Cells", slides, ""));
    assert.equal(deck.count, 3);

    assert.equal(await notesText(deck, 1), "Welcome to the lecture.\n\nToday: cells.");
    assert.equal(await notesText(deck, 2), "Cells have parts.\n\nPicture: Cell by R. Hooke, CC0, https://example.org/cell");
    assert.equal(await notesText(deck, 3), CONTINUED_NOTES);

    const third = textsOf(await deck.slide(3));
    assert.ok(third.includes("Parts (cont.)"));
    assert.ok(third.includes("d") && !third.includes("a"));
    assert.equal(Object.keys(deck.zip.files).filter((f) => f.startsWith("ppt/media/")).length >= 1, true);
    assert.match(await deck.zip.file("docProps/core.xml")!.async("string"), /<dc:title>Cells<\/dc:title>/);
  });

  it("puts every text box where the layout (and so the frame) has it", async () => {
    const s = deckSlide({ title: "Membranes", bullets: ["Lipid bilayer", "Proteins float in it"], lectureTitle: "Cells" }, "n");
    const xml = await (await open(await buildDeck("Cells", [s], ""))).slide(1);
    const [page] = s.pages;
    assertNear(boxOf(xml, "Membranes"), page.title.box);
    assertNear(boxOf(xml, "Lipid bilayer"), page.bullets[0].box);
    assertNear(boxOf(xml, "Proteins float in it"), page.bullets[1].box);
    assertNear(boxOf(xml, "Cells · 1 / 1"), page.footer.box);
    assert.match(xml, /typeface="DejaVu Sans"/);
  });

  it("escapes markup in titles, bullets and notes so it reads back as text", async () => {
    const nasty = `<b>&"'`;
    const s = deckSlide({ title: `Title ${nasty}`, bullets: [`Bullet ${nasty}`], lectureTitle: `Lecture ${nasty}` }, `Notes ${nasty}`);
    const deck = await open(await buildDeck(`Lecture ${nasty}`, [s], ""));
    const slideXml = await deck.slide(1);
    const notesXml = await deck.notes(1);
    for (const xml of [slideXml, notesXml]) assert.ok(!xml.includes("<b>"), "raw markup leaked into the XML");
    assert.ok(textsOf(slideXml).includes(`Title ${nasty}`));
    assert.ok(textsOf(slideXml).includes(`Bullet ${nasty}`));
    assert.ok(textsOf(slideXml).includes(`Lecture ${nasty} · 1 / 1`));
    assert.equal(await notesText(deck, 1), `Notes ${nasty}`);
  });

  it("writes only well-formed XML parts, whatever characters the text held", async () => {
    // Straight to the writer, past the request's cleaning: the deck holds the line itself.
    const dirty = "\u0000\u0001\u0008\u000b\u000c\u001f\uFFFE\uFFFF\uDFFF\uD800";
    const picture = { data: solidPng(40, 30, [30, 90, 160]), mediaType: "image/png" as const, title: `Cell${dirty}`, credit: `Picture: Cell${dirty}` };
    const s = deckSlide({ title: `Title${dirty}`, bullets: [`Bullet${dirty}`], lectureTitle: `Lecture${dirty}` }, `Notes${dirty}`, picture);
    const deck = await open(await buildDeck(`Lecture${dirty}`, [s], ""));
    const parts = Object.keys(deck.zip.files).filter((f) => /\.(xml|rels)$/.test(f));
    assert.ok(parts.length > 10, `${parts.length} XML parts`);
    for (const part of parts) assert.equal(xmlProblem(await deck.zip.file(part)!.async("string")), undefined, part);
    // The layout makes the vertical tab and form feed one space; the rest is gone.
    const texts = textsOf(await deck.slide(1));
    for (const text of ["Title ", "Bullet ", "Lecture  · 1 / 1"]) assert.ok(texts.includes(text), `${JSON.stringify(text)} not in ${JSON.stringify(texts)}`);
    assert.equal(await notesText(deck, 1), "Notes  \n\nPicture: Cell  ");
  });
});
