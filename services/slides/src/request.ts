// Checks what callers send and turns it into slides ready to lay out. Bad input is
// INVALID_ARGUMENT naming the proto field, so the caller knows what to fix. Text
// is cleaned of what XML cannot hold (text.ts), whoever sent it: the orchestrator
// refuses such text at its door, but a deck must never be unreadable.
import { LECTURE_LIMITS, writableText } from "@lectra/lecture";
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

/** The slide's text, every field of it, as a deck and a frame can hold it. */
function writableSlide(slide: Slide): Slide {
  return { ...slide, title: writableText(slide.title), bullets: slide.bullets.map(writableText), narration: writableText(slide.narration), imageQuery: writableText(slide.imageQuery) };
}

function writablePicture(picture: Picture): Picture {
  const { title, sourceUrl, author, license, engine } = picture;
  return { ...picture, title: writableText(title), sourceUrl: writableText(sourceUrl), author: writableText(author), license: writableText(license), engine: writableText(engine) };
}

function checkSlide(s: IllustratedSlide | undefined, field: string, number: number, total: number): CheckedSlide {
  if (!s) throw invalidArgument(field, "is required");
  if (!s.slide) throw invalidArgument(`${field}.slide`, "is required");
  if (!writableText(s.slide.title).trim()) throw invalidArgument(`${field}.slide.title`, "is empty; every slide needs a title");
  let picture: CheckedPicture | undefined;
  if (s.picture) {
    const format = readPicture(s.picture.data);
    if ("problem" in format) throw invalidArgument(`${field}.picture.data`, `${format.problem}; send PNG or JPEG bytes, or leave picture unset`);
    picture = { ...format, data: s.picture.data, meta: writablePicture(s.picture) };
  }
  return { slide: writableSlide(s.slide), picture, number, total };
}

export function checkRenderFrames(req: RenderFramesRequest): { lectureTitle: string; slide: CheckedSlide } {
  if (!req.slide) throw invalidArgument("slide", "is required");
  if (!req.slide.slide) throw invalidArgument("slide.slide", "is required");
  const index = req.slide.slide.index;
  if (index < 0) throw invalidArgument("slide.slide.index", `must be 0 or more, got ${index}`);
  if (req.slideTotal < 1 || req.slideTotal < index + 1) {
    throw invalidArgument("slide_total", `must be at least 1 and more than slide.slide.index (${index}), got ${req.slideTotal}`);
  }
  return { lectureTitle: writableText(req.lectureTitle), slide: checkSlide(req.slide, "slide", index + 1, req.slideTotal) };
}

/** Deck slides are numbered by their position in the request. */
export function checkBuildDeck(req: BuildDeckRequest): { lectureTitle: string; slides: CheckedSlide[] } {
  if (req.slides.length === 0) throw invalidArgument("slides", "is empty; a deck needs at least one slide");
  // With at most SLIDE_LIMITS.pages pages a slide, this bounds the deck at LECTURE_LIMITS.pages.
  if (req.slides.length > LECTURE_LIMITS.slides) {
    throw invalidArgument("slides", `has ${req.slides.length} slides; a lecture has at most ${LECTURE_LIMITS.slides}`);
  }
  const total = req.slides.length;
  return { lectureTitle: writableText(req.lectureTitle), slides: req.slides.map((s, i) => checkSlide(s, `slides[${i}]`, i + 1, total)) };
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
