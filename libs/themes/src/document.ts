// A custom theme as a JSON document (GenerateRequest.theme_json, `lectra
// generate --theme-file`): what it may say, declared once with zod. The checks
// here are the contract; docs/theme.schema.json is generated from this schema
// (write-schema.ts) and docs/themes.md explains it. Every field is optional: a
// theme starts from a built-in one (`base`) and changes what it names. A key the
// schema does not know is an error, so a misspelt field is not silently ignored.
//
// Each rule carries its own message, phrased to follow the field's name
// ("colors.background: must be a colour ..."), and says what it got.
import { firstUnwritable } from "@lectra/lecture";
import { readPicture } from "@lectra/pictures";
import { BulletStyle, TitleBand, type Picture } from "@lectra/proto";
import { z } from "zod";
import { BUILT_IN_THEME_NAMES, DEFAULT_THEME, themeByName } from "./built-in";
import { SHIPPED_FONTS } from "./fonts";

/** How the document names each title band and bullet mark, and the proto value it means. */
export const TITLE_BANDS = { filled: TitleBand.TITLE_BAND_FILLED, rule: TitleBand.TITLE_BAND_RULE, "side-bar": TitleBand.TITLE_BAND_SIDE_BAR } as const;
export const BULLET_STYLES = {
  disc: BulletStyle.BULLET_STYLE_DISC,
  square: BulletStyle.BULLET_STYLE_SQUARE,
  dash: BulletStyle.BULLET_STYLE_DASH,
  arrow: BulletStyle.BULLET_STYLE_ARROW,
} as const;

export const THEME_LIMITS = {
  /** A logo is drawn small in a corner: half a megabyte is plenty, and keeps a request under the public size limit. */
  logoBytes: 512 * 1024,
  footerChars: 80,
  nameChars: 32,
} as const;

/** The longest document: a logo at its limit in base64, and room for every other field. */
export const THEME_JSON_MAX_CHARS = Math.ceil(THEME_LIMITS.logoBytes / 3) * 4 + 8 * 1024;

/** What a value was, for "got …": short, and never the whole of a long string. */
function shown(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return "an object";
  return value === undefined ? "nothing" : String(value);
}

/** One message for a field's every rule: its type and its checks alike. */
const mustBe = (what: string) => (issue: { input?: unknown }) => `must be ${what}, got ${shown(issue.input)}`;
const oneOf = (values: readonly string[]) => `one of ${values.map((v) => JSON.stringify(v)).join(", ")}`;
const choice = <T extends readonly [string, ...string[]]>(values: T, description: string) =>
  z.enum(values, { error: mustBe(oneOf(values)) }).meta({ description });
/** A JSON object whose keys are all known; an unknown key names itself (the formatter adds it to the path). */
const object = <S extends z.core.$ZodLooseShape>(shape: S, description: string) =>
  z
    .strictObject(shape, {
      error: (issue) => (issue.code === "unrecognized_keys" ? `is not a field; the fields are ${Object.keys(shape).join(", ")}` : mustBe("an object")(issue)),
    })
    .meta({ description });

const COLOUR = /^#?[0-9A-Fa-f]{6}$/;
const colourProblem = mustBe('a colour "#RRGGBB"');
const colour = (description: string) =>
  z
    .string({ error: colourProblem })
    .regex(COLOUR, { error: colourProblem })
    .transform((c) => c.replace("#", "").toUpperCase())
    .meta({ description, examples: ["#1E3A5F"] });

/** A record's keys as z.enum wants them: a non-empty tuple. */
const keysOf = <K extends string>(record: Record<K, unknown>) => Object.keys(record) as [K, ...K[]];

const font = (description: string) => choice(SHIPPED_FONTS, description);

const NAME = new RegExp(`^[a-z][a-z0-9-]{0,${THEME_LIMITS.nameChars - 1}}$`);
const plainName = mustBe(`a plain name (a-z, 0-9 and "-", starting with a letter, at most ${THEME_LIMITS.nameChars} characters)`);
const LINE_BREAK = /[\r\n\u0085\u2028\u2029]/;

/** Text shown on every page: one line, short, and only characters a deck can hold (the rule in @lectra/lecture). */
const footer = z
  .string({ error: mustBe("text") })
  .max(THEME_LIMITS.footerChars, { error: (issue) => `is ${(issue.input as string).length} characters; the limit is ${THEME_LIMITS.footerChars}` })
  .check((ctx) => {
    const unwritable = firstUnwritable(ctx.value);
    const problem = unwritable
      ? `has ${unwritable.description} at character ${unwritable.index + 1}, which a deck cannot hold: delete it`
      : LINE_BREAK.test(ctx.value)
        ? "is one line: remove the line break"
        : undefined;
    if (problem) ctx.issues.push({ code: "custom", input: ctx.value, message: problem });
  })
  .meta({ description: `Text in every page's footer, before the slide number; one line, at most ${THEME_LIMITS.footerChars} characters.` });

const DATA_URL = /^data:image\/(?:png|jpeg);base64,([A-Za-z0-9+/]*={0,2})$/;
const dataUrl = mustBe('a data URL "data:image/png;base64,…" or "data:image/jpeg;base64,…"');

/**
 * The logo as a data URL (the server never reads files). Its format and size
 * come from its bytes (@lectra/pictures), not from the URL's media type.
 */
const logo = z
  .string({ error: dataUrl })
  .regex(DATA_URL, { error: dataUrl })
  .transform((url, ctx): Picture => {
    const data = Buffer.from(DATA_URL.exec(url)![1]!, "base64");
    const format = readPicture(data);
    const problem =
      data.length > THEME_LIMITS.logoBytes
        ? `is ${data.length} bytes; the limit is ${THEME_LIMITS.logoBytes} (${THEME_LIMITS.logoBytes / 1024} KiB)`
        : "problem" in format
          ? `${format.problem}; give a PNG or JPEG`
          : undefined;
    if (problem) {
      ctx.issues.push({ code: "custom", input: url, message: problem });
      return z.NEVER;
    }
    const { mediaType, width, height } = format as Exclude<typeof format, { problem: string }>;
    return { data, mediaType, width, height, title: "logo", sourceUrl: "", author: "", license: "", engine: "" };
  })
  .meta({ description: `A PNG or JPEG drawn in the title area's corner of every page, as a base64 data URL; at most ${THEME_LIMITS.logoBytes / 1024} KiB.` });

export const themeDocument = object(
  {
    $schema: z.string({ error: mustBe("text") }).meta({ description: "Where this document's schema is, for editors; ignored." }).optional(),
    name: z
      .string({ error: plainName })
      .regex(NAME, { error: plainName })
      .refine((name) => !themeByName(name), { error: (issue) => `${shown(issue.input)} is a built-in theme's name; give yours another, and start from it with "base"` })
      .meta({ description: 'The theme\'s name, shown in the job (Job.theme); default "custom".', examples: ["my-course"] })
      .optional(),
    base: choice(BUILT_IN_THEME_NAMES, `The built-in theme to start from; default "${DEFAULT_THEME}".`).optional(),
    colors: object(
      {
        background: colour("The page.").optional(),
        band: colour("The title band, or the title's rule or side bar.").optional(),
        title: colour("The title's text.").optional(),
        accent: colour("The stripe under a filled title band, and the bullet marks.").optional(),
        body: colour("The bullets' text.").optional(),
        footer: colour("The footer's text.").optional(),
        rule: colour("The line above the footer.").optional(),
      },
      'Colours as "#RRGGBB" (or "RRGGBB"); each one left out is the base theme\'s.',
    ).optional(),
    fonts: object(
      { heading: font("Titles.").optional(), body: font("Bullets and the footer.").optional() },
      "Font families from the shipped set; a character a family cannot draw is drawn in the Noto family for its writing system.",
    ).optional(),
    titleBand: choice(keysOf(TITLE_BANDS), "How a page's title is set off: a filled band, a rule below it, or a bar at its start.").optional(),
    bullets: choice(keysOf(BULLET_STYLES), "The mark before each bullet.").optional(),
    footer: footer.optional(),
    logo: logo.optional(),
  },
  "A LECTRA theme: a built-in theme (base) with the fields given here changed. See docs/themes.md.",
).meta({ title: "LECTRA theme" });

export type ThemeDocument = z.input<typeof themeDocument>;
