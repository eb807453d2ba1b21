// A custom theme from its JSON document (document.ts) to the lecture.v1.Theme
// the slides service draws with: the base theme, with what the document names
// changed. What is wrong is a ThemeError naming the field inside the document,
// so the caller can put its own name in front ("theme_json.colors.band").
import type { Theme } from "@lectra/proto";
import type { z } from "zod";
import { DEFAULT_THEME, themeByName } from "./built-in";
import { BULLET_STYLES, THEME_JSON_MAX_CHARS, THEME_LIMITS, themeDocument, TITLE_BANDS } from "./document";

export class ThemeError extends Error {
  constructor(
    /** Where in the document, e.g. "colors.background"; empty for the document as a whole. */
    readonly path: string,
    /** What is wrong, phrased to follow the field's name. */
    readonly problem: string,
  ) {
    super(path ? `${path}: ${problem}` : problem);
    this.name = "ThemeError";
  }

  /** The field as the caller names it: `field("theme_json")` is "theme_json.colors.background". */
  field(prefix: string): string {
    return this.path ? `${prefix}.${this.path}` : prefix;
  }
}

/** The document's first problem; an unknown key is named as a field of its own. */
function firstProblem(issues: z.core.$ZodIssue[]): ThemeError {
  const issue = issues[0]!;
  const path = issue.path.map(String);
  if (issue.code === "unrecognized_keys") path.push(String(issue.keys[0]).slice(0, 40));
  return new ThemeError(path.join("."), issue.message);
}

export function parseThemeJson(json: string): Theme {
  if (json.length > THEME_JSON_MAX_CHARS) {
    throw new ThemeError("", `is ${json.length} characters; the limit is ${THEME_JSON_MAX_CHARS} (a logo of at most ${THEME_LIMITS.logoBytes / 1024} KiB in base64, and the rest)`);
  }
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    throw new ThemeError("", `is not JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  const parsed = themeDocument.safeParse(value);
  if (!parsed.success) throw firstProblem(parsed.error.issues);
  const doc = parsed.data;
  const base = themeByName(doc.base ?? DEFAULT_THEME)!;
  return {
    name: doc.name ?? "custom",
    description: `Custom, from "${base.name}"`,
    colors: { ...base.colors!, ...doc.colors },
    headingFont: doc.fonts?.heading ?? base.headingFont,
    bodyFont: doc.fonts?.body ?? base.bodyFont,
    titleBand: doc.titleBand ? TITLE_BANDS[doc.titleBand] : base.titleBand,
    bulletStyle: doc.bullets ? BULLET_STYLES[doc.bullets] : base.bulletStyle,
    footerText: doc.footer ?? base.footerText,
    logo: doc.logo ?? base.logo,
  };
}
