// SlidesService handlers: check the request, lay the slides out once, draw that
// layout as frames or as a deck.
import { SLIDE_LIMITS } from "@lectra/lecture";
import { RenderFramesRequest, RenderFramesResponse, type BuildDeckRequest, type BuildDeckResponse, type SlidesServiceServer } from "@lectra/proto";
import { cached, chunks, ResultCache, serverStream, unary, type Logger } from "@lectra/service-kit";
import { renderFrame } from "./frame";
import { LAYOUT_VERSION, leftOut, type Page } from "./layout";
import type { FramePool } from "./frame-pool";
import { pictureCredit } from "./credit";
import { buildDeck, type DeckSlide } from "./pptx";
import { checkBuildDeck, checkRenderFrames, pagesOf, type CheckedSlide } from "./request";

const CHUNK_BYTES = 1 << 20;

/**
 * A slide's pages, and what to say when the page cap left some of its bullets
 * out (logged, and returned with the deck). A script is refused at the
 * orchestrator's door before it gets here; a model's slide may not be.
 */
function laidOut(log: Logger, lectureTitle: string, slide: CheckedSlide): { pages: Page[]; warning?: string } {
  const pages = pagesOf(lectureTitle, slide);
  const hidden = leftOut(slide.slide.bullets, pages);
  if (hidden === 0) return { pages };
  const warning = `slide ${slide.number}: ${hidden} characters of its bullets are not shown; a slide is laid out to at most ${SLIDE_LIMITS.pages} pages`;
  log.warn(warning, { slide: slide.number });
  return { pages, warning };
}

export function slidesHandlers(frames: FramePool, log: Logger, cache?: ResultCache): SlidesServiceServer {
  return {
    renderFrames: unary(log, "RenderFrames", async (req: RenderFramesRequest, call) => {
      const { lectureTitle, slide } = checkRenderFrames(req);
      // Frames depend on the request and on the layout code: both are in the key.
      const key = ResultCache.key("frames", LAYOUT_VERSION, RenderFramesRequest.encode(req).finish());
      return cached(cache, call, key, RenderFramesResponse, async () => {
        const { pages } = laidOut(log, lectureTitle, slide);
        const pngs = await Promise.all(pages.map((page) => renderFrame(page, slide.picture, frames, call.signal)));
        return { frames: pages.map((page, i) => ({ png: pngs[i], page: page.page, share: page.share })) };
      });
    }),

    buildDeck: serverStream(log, "BuildDeck", async (req: BuildDeckRequest, send, { signal }) => {
      const { lectureTitle, slides } = checkBuildDeck(req);
      const layouts = slides.map((s) => laidOut(log, lectureTitle, s));
      const warnings = layouts.flatMap((l) => (l.warning ? [l.warning] : []));
      const deckSlides: DeckSlide[] = slides.map((s, i) => ({
        pages: layouts[i].pages,
        narration: s.slide.narration,
        picture: s.picture && { ...s.picture, title: s.picture.meta.title, credit: pictureCredit(s.picture.meta) },
      }));
      const pageCount = deckSlides.reduce((n, s) => n + s.pages.length, 0);
      const pptx = await buildDeck(lectureTitle, deckSlides, signal);
      let first = true;
      for (const chunk of chunks(pptx, CHUNK_BYTES)) {
        const message: BuildDeckResponse = { chunk, pageCount: first ? pageCount : 0, warnings: first ? warnings : [] };
        await send(message);
        first = false;
      }
    }),
  };
}
