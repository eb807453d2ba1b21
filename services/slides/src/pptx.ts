// Draws the laid-out pages as a PowerPoint deck: one PowerPoint slide per page,
// every box where the layout put it (the frames use the same boxes), real bullet
// paragraphs so the deck stays editable, and the narration as speaker notes.
// pptxgenjs escapes all text it writes into the XML, but passes on characters
// XML cannot hold (a control character makes the whole part unreadable), so
// every text goes through `xml` here, whatever the request held.
//
// Each text is written as the layout's runs, each naming the family the layout
// chose for it as its Latin, East Asian and complex-script typeface alike, so
// PowerPoint and LibreOffice draw every character in the font the frame drew it
// in, whichever of the three classes they put it in. A right-to-left lecture's
// paragraphs are right to left and right aligned.
//
// The theme is drawn as the layout drew it: the page's background colour, its
// shapes, the logo in its box, and each bullet's mark as the paragraph's bullet
// character, in the colour and font the frame draws it in (pptx-runs.ts adds
// those two, which pptxgenjs cannot write).
import { writableText as xml } from "@lectra/lecture";
import type { PictureMediaType } from "@lectra/pictures";
import PptxGenJS from "pptxgenjs";
import { FONT_FAMILY, SLIDE, type BulletBlock, type Page, type TextBlock } from "./layout";
import { mendDeck, type BulletMark } from "./pptx-runs";
import { officeLanguage, writingSystem } from "./script";

export interface DeckPicture {
  data: Uint8Array;
  mediaType: PictureMediaType;
  /** Alt text for the picture in PowerPoint. */
  title: string;
  /** "Picture: ... by ..., license, url", appended to the slide's notes. */
  credit: string | undefined;
}

export interface DeckSlide {
  pages: Page[];
  narration: string;
  picture: DeckPicture | undefined;
}

export const CONTINUED_NOTES = "(continued)";

/** What the presenter reads: the whole narration on a slide's first page, with the picture's credit. */
export function notesFor(slide: DeckSlide, page: number): string {
  if (page > 0) return CONTINUED_NOTES;
  return [slide.narration, slide.picture?.credit].filter(Boolean).join("\n\n");
}

const POINTS_PER_INCH = 72;

/** Which way the block's paragraphs run; pptxgenjs reads these from each run, not from the text box. */
function direction(block: TextBlock): PptxGenJS.TextPropsOptions {
  const rtl = block.direction === "rtl";
  return { align: rtl ? "right" : "left", rtlMode: rtl };
}

/** The block's runs, in the fonts the layout chose, in the lecture's language. */
function runs(block: TextBlock, lang: string): PptxGenJS.TextProps[] {
  return block.runs.map((run) => ({ text: xml(run.text), options: { ...direction(block), fontFace: run.family, lang } }));
}

function textOptions(block: TextBlock, lang: string): PptxGenJS.TextPropsOptions {
  return {
    ...block.box,
    ...direction(block),
    lang,
    fontSize: block.fontSize,
    bold: block.weight === "bold",
    color: block.color,
    // Exact line spacing and no insets, so PowerPoint puts lines where the frames do.
    lineSpacing: block.lineHeight * POINTS_PER_INCH,
    margin: 0,
    valign: "top",
    paraSpaceBefore: 0,
    paraSpaceAfter: 0,
    fit: "none",
    wrap: true,
  };
}

/** The bullet's mark as the hex code pptxgenjs writes as the paragraph's bullet character. */
const markCode = (bullet: BulletBlock) => bullet.marker.text.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0");

/** How the deck's bullet marks look: the same on every page, as the whole lecture has one theme and one language. */
function bulletMark(slides: DeckSlide[]): BulletMark | undefined {
  const bullet = slides.flatMap((s) => s.pages).flatMap((p) => p.bullets)[0];
  const family = bullet?.marker.runs[0]?.family;
  return bullet && family ? { color: bullet.markerColor, typeface: family } : undefined;
}

function drawPage(deck: PptxGenJS, page: Page, slide: DeckSlide, lang: string): void {
  const s = deck.addSlide();
  s.background = { color: page.background };
  for (const shape of page.shapes) {
    s.addShape(deck.ShapeType.rect, { ...shape.box, fill: { color: shape.color }, line: { type: "none" } });
  }
  if (page.logo) {
    const { box, data, mediaType } = page.logo;
    s.addImage({ ...box, data: `${mediaType};base64,${Buffer.from(data).toString("base64")}`, altText: "Logo" });
  }
  s.addText(runs(page.title, lang), textOptions(page.title, lang));
  for (const bullet of page.bullets) {
    s.addText(runs(bullet, lang), { ...textOptions(bullet, lang), bullet: { indent: bullet.indent * POINTS_PER_INCH, characterCode: markCode(bullet) } });
  }
  if (page.picture && slide.picture) {
    const { data, mediaType, title } = slide.picture;
    s.addImage({ ...page.picture, data: `${mediaType};base64,${Buffer.from(data).toString("base64")}`, altText: xml(title) });
  }
  s.addText(runs(page.footer, lang), textOptions(page.footer, lang));
  s.addNotes(xml(notesFor(slide, page.page)));
}

/** The deck as .pptx bytes; `language` is the lecture's (BCP 47, empty for English), as the slides were laid out in. */
export async function buildDeck(lectureTitle: string, slides: DeckSlide[], language: string, signal?: AbortSignal): Promise<Buffer> {
  const deck = new PptxGenJS();
  const lang = officeLanguage(language);
  deck.layout = "LAYOUT_WIDE";
  // The presentation itself reads right to left too: slide thumbnails, new text boxes.
  deck.rtlMode = writingSystem(language).direction === "rtl";
  if (Math.abs(deck.presLayout.width / 914400 - SLIDE.w) > 0.01) throw new Error("pptxgenjs LAYOUT_WIDE is not the layout's page size");
  // New text in PowerPoint comes in the theme's families.
  const families = slides[0]?.pages[0]?.families;
  deck.theme = { headFontFace: families?.heading ?? FONT_FAMILY, bodyFontFace: families?.body ?? FONT_FAMILY };
  deck.title = xml(lectureTitle).trim() || "Lecture";
  deck.subject = xml(lectureTitle).trim();
  deck.author = "LECTRA";
  for (const slide of slides) {
    signal?.throwIfAborted();
    for (const page of slide.pages) drawPage(deck, page, slide, lang);
  }
  signal?.throwIfAborted();
  const bytes = await mendDeck((await deck.write({ outputType: "nodebuffer" })) as Buffer, bulletMark(slides));
  signal?.throwIfAborted();
  return bytes;
}
