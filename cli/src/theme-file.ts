// `lectra generate --theme-file`: a custom theme's JSON document, sent as
// theme_json. The server never reads files, so a "logo" given as a path (to a
// PNG or JPEG, relative to the theme file) is read here and put in as the data
// URL the document's schema asks for; everything else is sent as written, and
// the server checks it (docs/themes.md).
import * as fs from "node:fs";
import * as path from "node:path";
import { readPicture } from "@lectra/pictures";
import { UsageError } from "./usage-error";

const DATA_URL = /^data:/;

/** The document to send as theme_json, with a logo file inlined. */
export function readThemeFile(file: string): string {
  if (!fs.existsSync(file)) throw new UsageError(`no such theme file: ${file}`);
  const text = fs.readFileSync(file, "utf8");
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`the theme file ${file} is not JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  if (!isRecord(document) || typeof document.logo !== "string" || DATA_URL.test(document.logo)) return text;
  return JSON.stringify({ ...document, logo: logoDataUrl(path.resolve(path.dirname(file), document.logo), file) });
}

/** A PNG or JPEG file as a data URL, its media type read from its bytes. */
function logoDataUrl(logo: string, themeFile: string): string {
  if (!fs.existsSync(logo)) throw new UsageError(`the logo in ${themeFile} is not there: no such file ${logo}`);
  const data = fs.readFileSync(logo);
  const picture = readPicture(data);
  if ("problem" in picture) throw new UsageError(`the logo in ${themeFile}, ${logo}, ${picture.problem}; give a PNG or JPEG`);
  return `data:${picture.mediaType};base64,${data.toString("base64")}`;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);
