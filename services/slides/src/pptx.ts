// Draws the laid-out pages as a PowerPoint deck: one PowerPoint slide per page,
// every box where the layout put it (the frames use the same boxes), real bullet
// paragraphs so the deck stays editable, and the narration as speaker notes.
// pptxgenjs escapes all text it writes into the XML, but passes on characters
// XML cannot hold (a control character makes the whole part unreadable), so
// every text goes through `xml` here, whatever the request held.
import { writableText as xml } from "@lectra/lecture";
import type { PictureMediaType } from "@lectra/pictures";
import PptxGenJS from "pptxgenjs";
import { FONT_FAMILY, SLIDE, THEME, type Page, type TextBlock } from "./layout";

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

function textOptions(block: TextBlock): PptxGenJS.TextPropsOptions {
  return {
    ...block.box,
    fontFace: FONT_FAMILY,
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

function drawPage(deck: PptxGenJS, page: Page, slide: DeckSlide): void {
  const s = deck.addSlide();
  s.background = { color: THEME.background };
  for (const shape of page.shapes) {
    s.addShape(deck.ShapeType.rect, { ...shape.box, fill: { color: shape.color }, line: { type: "none" } });
  }
  s.addText(xml(page.title.text), textOptions(page.title));
  for (const bullet of page.bullets) {
    s.addText(xml(bullet.text), { ...textOptions(bullet), bullet: { indent: bullet.indent * POINTS_PER_INCH } });
  }
  if (page.picture && slide.picture) {
    const { data, mediaType, title } = slide.picture;
    s.addImage({ ...page.picture, data: `${mediaType};base64,${Buffer.from(data).toString("base64")}`, altText: xml(title) });
  }
  s.addText(xml(page.footer.text), textOptions(page.footer));
  s.addNotes(xml(notesFor(slide, page.page)));
}

/** The deck as .pptx bytes. */
export async function buildDeck(lectureTitle: string, slides: DeckSlide[], signal?: AbortSignal): Promise<Buffer> {
  const deck = new PptxGenJS();
  deck.layout = "LAYOUT_WIDE";
  if (Math.abs(deck.presLayout.width / 914400 - SLIDE.w) > 0.01) throw new Error("pptxgenjs LAYOUT_WIDE is not the layout's page size");
  deck.theme = { headFontFace: FONT_FAMILY, bodyFontFace: FONT_FAMILY };
  deck.title = xml(lectureTitle).trim() || "Lecture";
  deck.subject = xml(lectureTitle).trim();
  deck.author = "LECTRA";
  for (const slide of slides) {
    signal?.throwIfAborted();
    for (const page of slide.pages) drawPage(deck, page, slide);
  }
  signal?.throwIfAborted();
  const bytes = (await deck.write({ outputType: "nodebuffer" })) as Buffer;
  signal?.throwIfAborted();
  return bytes;
}
