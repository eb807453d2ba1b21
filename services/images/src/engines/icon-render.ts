// Paints a lucide icon in one colour and renders it to a square PNG with a
// transparent background, so it sits on any slide.
import { renderAsync } from "@resvg/resvg-js";
import { ConfigError } from "@lectra/service-kit";

/** Dark slate blue: reads well on a white slide without the harshness of black. */
export const DEFAULT_ICON_COLOR = "#1e3a5f";
export const DEFAULT_ICON_SIZE = 768;
/** Lucide draws at 2 on a 24 grid; at slide size that looks heavy, 1.5 reads cleaner. */
const STROKE_WIDTH = "1.5";

export interface IconStyle {
  /** Width and height of the PNG, in pixels. */
  size: number;
  /** "#rrggbb". */
  color: string;
}

/** The colour from config, checked here because it goes into SVG markup. */
export function iconColor(raw: string, variable = "LECTRA_IMAGES_ICON_COLOR"): string {
  if (!/^#[0-9a-f]{6}$/i.test(raw)) throw new ConfigError(`${variable}=${raw}: expected a colour like #1e3a5f`);
  return raw.toLowerCase();
}

/**
 * Sets the colour and stroke width on the root <svg>. Lucide draws with
 * currentColor, so the root's `color` reaches every stroke and fill.
 */
export function paintIcon(svg: string, color: string): string {
  return svg.replace(/<svg\b([^>]*)>/, (_, attributes: string) => {
    const rest = attributes.replace(/\s(?:color|stroke-width)="[^"]*"/g, "");
    return `<svg${rest} color="${iconColor(color, "color")}" stroke-width="${STROKE_WIDTH}">`;
  });
}

export interface RenderedIcon {
  png: Buffer;
  width: number;
  height: number;
}

/** Renders off the event loop (resvg's async render runs on libuv's thread pool). */
export async function renderIcon(svg: string, style: IconStyle, signal: AbortSignal): Promise<RenderedIcon> {
  signal.throwIfAborted();
  // resvg binds the native task to the signal object it is given and refuses a
  // signal it has seen before, so each render gets its own, tied to the caller's.
  const render = new AbortController();
  const cancel = () => render.abort();
  signal.addEventListener("abort", cancel, { once: true });
  try {
    const image = await renderAsync(
      paintIcon(svg, style.color),
      // No fonts: icons have no text, and loading system fonts is slow and machine-dependent.
      { fitTo: { mode: "width", value: style.size }, font: { loadSystemFonts: false }, logLevel: "off" },
      render.signal,
    );
    signal.throwIfAborted();
    return { png: image.asPng(), width: image.width, height: image.height };
  } finally {
    signal.removeEventListener("abort", cancel);
  }
}
