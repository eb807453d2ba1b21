// Checks what callers send and turns it into slides ready to lay out. Bad input is
// INVALID_ARGUMENT naming the proto field, so the caller knows what to fix. Text
// is cleaned of what XML cannot hold (text.ts), whoever sent it: the orchestrator
// refuses such text at its door, but a deck must never be unreadable.
//
// The theme is checked here too, field by field, though the orchestrator
// resolves and checks it: it is drawn on every page, and a colour PowerPoint
// cannot read or a font the layout has no file for would break the deck.
import { LECTURE_LIMITS, writableText } from "@lectra/lecture";
import { readPicture, type PictureFormat } from "@lectra/pictures";
import { BulletStyle, TitleBand, type BuildDeckRequest, type IllustratedSlide, type Picture, type RenderFramesRequest, type Slide, type Theme, type ThemeColors } from "@lectra/proto";
import { invalidArgument } from "@lectra/service-kit";
import { DEFAULT_THEME, isShippedFont, SHIPPED_FONTS, THEME_LIMITS, themeByName } from "@lectra/themes";
import { layoutSlide, type Page } from "./layout";
import { languageProblem } from "./script";

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

/** The lecture's language tag, checked (empty stays empty: English). */
function checkLanguage(language: string): string {
  const problem = languageProblem(language);
  if (problem) throw invalidArgument("language", problem);
  return language;
}

const COLOUR = /^[0-9A-Fa-f]{6}$/;
const COLOUR_PARTS = ["background", "band", "title", "accent", "body", "footer", "rule"] as const satisfies readonly (keyof ThemeColors)[];
const TITLE_BANDS = [TitleBand.TITLE_BAND_FILLED, TitleBand.TITLE_BAND_RULE, TitleBand.TITLE_BAND_SIDE_BAR];
const BULLET_STYLES = [BulletStyle.BULLET_STYLE_DISC, BulletStyle.BULLET_STYLE_SQUARE, BulletStyle.BULLET_STYLE_DASH, BulletStyle.BULLET_STYLE_ARROW];

/** One of an enum's values, or INVALID_ARGUMENT naming the field and what it may be. */
function checkChoice<T extends number>(value: T, allowed: readonly T[], names: Record<number, string>, field: string): T {
  if (!allowed.includes(value)) throw invalidArgument(field, `must be one of ${allowed.map((v) => names[v]).join(", ")}, got ${names[value] ?? value}`);
  return value;
}

/** The logo, its format and size read from its bytes (what the message claims is not trusted). */
function checkLogo(logo: Picture): Picture {
  if (logo.data.length > THEME_LIMITS.logoBytes) {
    throw invalidArgument("theme.logo", `is ${logo.data.length} bytes; the limit is ${THEME_LIMITS.logoBytes} (${THEME_LIMITS.logoBytes / 1024} KiB)`);
  }
  const format = readPicture(logo.data);
  if ("problem" in format) throw invalidArgument("theme.logo", `${format.problem}; send a PNG or JPEG, or leave logo unset`);
  return { ...writablePicture(logo), mediaType: format.mediaType, width: format.width, height: format.height };
}

/** The theme every page is drawn in: the default when unset, else every field checked. */
export function checkTheme(theme: Theme | undefined): Theme {
  if (!theme) return themeByName(DEFAULT_THEME)!;
  if (!theme.colors) throw invalidArgument("theme.colors", "is required");
  const colors = { ...theme.colors };
  for (const part of COLOUR_PARTS) {
    if (!COLOUR.test(colors[part])) throw invalidArgument(`theme.colors.${part}`, `must be a colour as six hex digits "RRGGBB", got ${JSON.stringify(colors[part])}`);
    colors[part] = colors[part].toUpperCase();
  }
  for (const [field, family] of [["theme.heading_font", theme.headingFont], ["theme.body_font", theme.bodyFont]] as const) {
    if (!isShippedFont(family)) throw invalidArgument(field, `must be one of ${SHIPPED_FONTS.map((f) => JSON.stringify(f)).join(", ")}, got ${JSON.stringify(family)}`);
  }
  checkChoice(theme.titleBand, TITLE_BANDS, TitleBand, "theme.title_band");
  checkChoice(theme.bulletStyle, BULLET_STYLES, BulletStyle, "theme.bullet_style");
  const footerText = writableText(theme.footerText);
  if ([...footerText].length > THEME_LIMITS.footerChars) {
    throw invalidArgument("theme.footer_text", `is ${[...footerText].length} characters; the limit is ${THEME_LIMITS.footerChars}`);
  }
  return { ...theme, name: writableText(theme.name), description: writableText(theme.description), colors, footerText, logo: theme.logo && checkLogo(theme.logo) };
}

/** What every page of a lecture is laid out with. */
export interface Lecture {
  title: string;
  language: string;
  theme: Theme;
}

export function checkRenderFrames(req: RenderFramesRequest): { lecture: Lecture; slide: CheckedSlide } {
  if (!req.slide) throw invalidArgument("slide", "is required");
  if (!req.slide.slide) throw invalidArgument("slide.slide", "is required");
  const index = req.slide.slide.index;
  if (index < 0) throw invalidArgument("slide.slide.index", `must be 0 or more, got ${index}`);
  if (req.slideTotal < 1 || req.slideTotal < index + 1) {
    throw invalidArgument("slide_total", `must be at least 1 and more than slide.slide.index (${index}), got ${req.slideTotal}`);
  }
  const lecture = { title: writableText(req.lectureTitle), language: checkLanguage(req.language), theme: checkTheme(req.theme) };
  return { lecture, slide: checkSlide(req.slide, "slide", index + 1, req.slideTotal) };
}

/** Deck slides are numbered by their position in the request. */
export function checkBuildDeck(req: BuildDeckRequest): { lecture: Lecture; slides: CheckedSlide[] } {
  if (req.slides.length === 0) throw invalidArgument("slides", "is empty; a deck needs at least one slide");
  // With at most SLIDE_LIMITS.pages pages a slide, this bounds the deck at LECTURE_LIMITS.pages.
  if (req.slides.length > LECTURE_LIMITS.slides) {
    throw invalidArgument("slides", `has ${req.slides.length} slides; a lecture has at most ${LECTURE_LIMITS.slides}`);
  }
  const total = req.slides.length;
  const lecture = { title: writableText(req.lectureTitle), language: checkLanguage(req.language), theme: checkTheme(req.theme) };
  return { lecture, slides: req.slides.map((s, i) => checkSlide(s, `slides[${i}]`, i + 1, total)) };
}

export function pagesOf(lecture: Lecture, s: CheckedSlide): Page[] {
  return layoutSlide({
    language: lecture.language,
    theme: lecture.theme,
    lectureTitle: lecture.title,
    title: s.slide.title,
    bullets: s.slide.bullets,
    pictureAspect: s.picture ? s.picture.width / s.picture.height : undefined,
    number: s.number,
    total: s.total,
  });
}
