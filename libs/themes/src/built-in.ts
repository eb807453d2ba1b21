// The built-in themes, declared once: ListThemes lists them, GenerateRequest.theme
// names one, and a custom theme (theme_json) starts from one. Each is a whole
// lecture.v1.Theme, so the slides service draws the deck and the frames from the
// same values. Kept visibly apart: each has its own page colour, title band and
// bullet mark, so choosing one shows.
import { BulletStyle, TitleBand, type Theme } from "@lectra/proto";
import type { ShippedFont } from "./fonts";

interface BuiltInTheme extends Theme {
  headingFont: ShippedFont;
  bodyFont: ShippedFont;
}

const declared = [
  {
    // The look LECTRA had before themes, so a request that names none looks as it did.
    name: "classic",
    description: "White page, navy title band with an amber stripe, disc bullets, DejaVu Sans",
    colors: { background: "FFFFFF", band: "1E3A5F", title: "FFFFFF", accent: "F2A541", body: "1F2937", footer: "6B7280", rule: "D1D5DB" },
    headingFont: "DejaVu Sans",
    bodyFont: "DejaVu Sans",
    titleBand: TitleBand.TITLE_BAND_FILLED,
    bulletStyle: BulletStyle.BULLET_STYLE_DISC,
    footerText: "",
    logo: undefined,
  },
  {
    name: "chalkboard",
    description: "Dark green board, chalk-white text under a ruled serif title, dash bullets",
    colors: { background: "233129", band: "E9E4D4", title: "F4F1E8", accent: "F2D16B", body: "E4E2DA", footer: "A7B3AB", rule: "4A5C52" },
    headingFont: "Noto Serif",
    bodyFont: "Noto Sans",
    titleBand: TitleBand.TITLE_BAND_RULE,
    bulletStyle: BulletStyle.BULLET_STYLE_DASH,
    footerText: "",
    logo: undefined,
  },
  {
    name: "paper",
    description: "Warm off-white page, ink-blue side bar by the title, square red bullets, Noto Sans",
    colors: { background: "FAF7F0", band: "2B4C7E", title: "1B2A41", accent: "B83A2E", body: "2D2A26", footer: "6B6458", rule: "E2DCCF" },
    headingFont: "Noto Sans",
    bodyFont: "Noto Sans",
    titleBand: TitleBand.TITLE_BAND_SIDE_BAR,
    bulletStyle: BulletStyle.BULLET_STYLE_SQUARE,
    footerText: "",
    logo: undefined,
  },
] as const satisfies readonly BuiltInTheme[];

export type BuiltInThemeName = (typeof declared)[number]["name"];

/** Frozen: every request shares these objects, so none may change them for the others. */
export const builtInThemes: readonly Theme[] = declared.map((theme) => Object.freeze({ ...theme, colors: Object.freeze({ ...theme.colors }) }));

export const BUILT_IN_THEME_NAMES = builtInThemes.map((t) => t.name) as [BuiltInThemeName, ...BuiltInThemeName[]];

/** The theme a request that names none gets. */
export const DEFAULT_THEME: BuiltInThemeName = "classic";

/** A built-in theme by name (surrounding spaces and case do not matter); undefined for a name that is not one. */
export function themeByName(name: string): Theme | undefined {
  const wanted = name.trim().toLowerCase();
  return builtInThemes.find((t) => t.name === wanted);
}
