// docs/theme.schema.json, generated from the zod schema (document.ts) so the
// published schema cannot drift from the one requests are checked with:
// schema-file.test.ts fails when the committed file differs, and
// `npx nx run themes:schema` writes it again.
import * as path from "node:path";
import { z } from "zod";
import { themeDocument } from "./document";

/** Where the schema is published, from the repository's root. */
export const SCHEMA_FILE = "docs/theme.schema.json";

/** The file's path from this module, in src/ or dist/ alike. */
export const schemaFilePath = () => path.resolve(__dirname, "..", "..", "..", SCHEMA_FILE);

/** The document's schema as a theme file is written: its input, before colours are normalised and the logo decoded. */
export function themeJsonSchema(): string {
  return JSON.stringify(z.toJSONSchema(themeDocument, { io: "input" }), null, 2) + "\n";
}
