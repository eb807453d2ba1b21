// Checks what callers send and turns it into slides ready to lay out. Bad input is
// INVALID_ARGUMENT naming the proto field, so the caller knows what to fix.
import { readPicture, type PictureFormat } from "@lectra/pictures";
import type { BuildDeckRequest, IllustratedSlide, Picture, RenderFramesRequest, Slide } from "@lectra/proto";
import { invalidArgument } from "@lectra/service-kit";
import { layoutSlide, type Page } from "./layout";

/** A picture's format and size are read from its bytes; its media_type, width and height are not trusted. */
export interface CheckedPicture extends PictureFormat {
  data: Buffer;
  meta: Picture;
}

export interface CheckedSlide {
  slide: Slide;
  picture: CheckedPicture | undefined;
  /** 1-based position, for the footer. */
  number: number;
  total: number;
}

function checkSlide(s: IllustratedSlide | undefined, field: string, number: number, total: number): CheckedSlide {
  if (!s) throw invalidArgument(field, "is required");
  if (!s.slide) throw invalidArgument(`${field}.slide`, "is required");
  if (!s.slide.title.trim()) throw invalidArgument(`${field}.slide.title`, "is empty; every slide needs a title");
  let picture: CheckedPicture | undefined;
  if (s.picture) {
    const format = readPicture(s.picture.data);
    if ("problem" in format) throw invalidArgument(`${field}.picture.data`, `${format.problem}; send PNG or JPEG bytes, or leave picture unset`);
    picture = { ...format, data: s.picture.data, meta: s.picture };
  }
  return { slide: s.slide, picture, number, total };
}

export function checkRenderFrames(req: RenderFramesRequest): { lectureTitle: string; slide: CheckedSlide } {
  if (!req.slide) throw invalidArgument("slide", "is required");
  if (!req.slide.slide) throw invalidArgument("slide.slide", "is required");
  const index = req.slide.slide.index;
  if (index < 0) throw invalidArgument("slide.slide.index", `must be 0 or more, got ${index}`);
  if (req.slideTotal < 1 || req.slideTotal < index + 1) {
    throw invalidArgument("slide_total", `must be at least 1 and more than slide.slide.index (${index}), got ${req.slideTotal}`);
  }
  return { lectureTitle: req.lectureTitle, slide: checkSlide(req.slide, "slide", index + 1, req.slideTotal) };
}

/** Deck slides are numbered by their position in the request. */
export function checkBuildDeck(req: BuildDeckRequest): { lectureTitle: string; slides: CheckedSlide[] } {
  if (req.slides.length === 0) throw invalidArgument("slides", "is empty; a deck needs at least one slide");
  const total = req.slides.length;
  return { lectureTitle: req.lectureTitle, slides: req.slides.map((s, i) => checkSlide(s, `slides[${i}]`, i + 1, total)) };
}

export function pagesOf(lectureTitle: string, s: CheckedSlide): Page[] {
  return layoutSlide({
    lectureTitle,
    title: s.slide.title,
    bullets: s.slide.bullets,
    pictureAspect: s.picture ? s.picture.width / s.picture.height : undefined,
    number: s.number,
    total: s.total,
  });
}
