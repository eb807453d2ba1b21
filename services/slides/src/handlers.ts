// SlidesService handlers: check the request, lay the slides out once, draw that
// layout as frames or as a deck.
import { SLIDE_LIMITS } from "@lectra/lecture";
import { RenderFramesRequest, RenderFramesResponse, type BuildDeckRequest, type BuildDeckResponse, type SlidesServiceServer } from "@lectra/proto";
import { cached, chunks, ResultCache, serverStream, unary, type Logger } from "@lectra/service-kit";
import { renderFrame } from "./frame";
import { LAYOUT_VERSION, leftOut, missingOn, type Page } from "./layout";
import type { FramePool } from "./frame-pool";
import { pictureCredit } from "./credit";
import { buildDeck, type DeckSlide } from "./pptx";
import { checkBuildDeck, checkRenderFrames, pagesOf, type CheckedSlide, type Lecture } from "./request";

const CHUNK_BYTES = 1 << 20;

/** Missing characters named in one warning before the rest are counted. */
const MISSING_NAMED = 10;

const named = (char: string) =>
  `"${char}" (${Array.from(char, (c) => `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`).join(" ")})`;

/** What to say when a slide holds characters no shipped font has: they are not drawn at all rather than drawn as boxes. */
export function missingWarning(slideNumber: number, pages: Page[]): string | undefined {
  const missing = [...new Set(pages.flatMap(missingOn))];
  if (missing.length === 0) return undefined;
  const names = missing.slice(0, MISSING_NAMED).map(named);
  if (missing.length > MISSING_NAMED) names.push(`and ${missing.length - MISSING_NAMED} more`);
  const one = missing.length === 1;
  return (
    `slide ${slideNumber}: ${names.join(", ")} ${one ? "is" : "are"} in no shipped font; ` +
    `${one ? "it is" : "they are"} left out of the frames and may show as ${one ? "a box" : "boxes"} in the deck`
  );
}

/**
 * A slide's pages, and what to say about them (logged, and returned with the
 * frames and the deck): bullets the page cap left out, characters no font has.
 * A script is refused at the orchestrator's door before it gets here; a model's
 * slide may not be.
 */
function laidOut(log: Logger, lecture: Lecture, slide: CheckedSlide): { pages: Page[]; warnings: string[] } {
  const pages = pagesOf(lecture, slide);
  const warnings: string[] = [];
  const hidden = leftOut(slide.slide.bullets, pages);
  if (hidden > 0) {
    warnings.push(`slide ${slide.number}: ${hidden} characters of its bullets are not shown; a slide is laid out to at most ${SLIDE_LIMITS.pages} pages`);
  }
  const missing = missingWarning(slide.number, pages);
  if (missing) warnings.push(missing);
  for (const warning of warnings) log.warn(warning, { slide: slide.number });
  return { pages, warnings };
}

/** Part of every frame's cache key: change it when a frame's bytes would change for the same layout. */
export const FRAME_FORMAT = "frames/2"; // frames/2: opaque RGB PNGs (opaquePng, @lectra/pictures)

export function slidesHandlers(frames: FramePool, log: Logger, cache?: ResultCache): SlidesServiceServer {
  return {
    renderFrames: unary(log, "RenderFrames", async (req: RenderFramesRequest, call) => {
      const { lecture, slide } = checkRenderFrames(req);
      // Frames depend on the request, on the layout code and on how a frame is encoded: all are in the key.
      const key = ResultCache.key(FRAME_FORMAT, LAYOUT_VERSION, RenderFramesRequest.encode(req).finish());
      return cached(cache, call, key, RenderFramesResponse, async () => {
        const { pages, warnings } = laidOut(log, lecture, slide);
        const pngs = await Promise.all(pages.map((page) => renderFrame(page, slide.picture, frames, call.signal)));
        return { frames: pages.map((page, i) => ({ png: pngs[i], page: page.page, share: page.share })), warnings };
      });
    }),

    buildDeck: serverStream(log, "BuildDeck", async (req: BuildDeckRequest, send, { signal }) => {
      const { lecture, slides } = checkBuildDeck(req);
      const layouts = slides.map((s) => laidOut(log, lecture, s));
      const warnings = layouts.flatMap((l) => l.warnings);
      const deckSlides: DeckSlide[] = slides.map((s, i) => ({
        pages: layouts[i].pages,
        narration: s.slide.narration,
        picture: s.picture && { ...s.picture, title: s.picture.meta.title, credit: pictureCredit(s.picture.meta) },
      }));
      const pageCount = deckSlides.reduce((n, s) => n + s.pages.length, 0);
      const pptx = await buildDeck(lecture.title, deckSlides, lecture.language, signal);
      let first = true;
      for (const chunk of chunks(pptx, CHUNK_BYTES)) {
        const message: BuildDeckResponse = { chunk, pageCount: first ? pageCount : 0, warnings: first ? warnings : [] };
        await send(message);
        first = false;
      }
    }),
  };
}
