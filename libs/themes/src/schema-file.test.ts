import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { parseThemeJson } from "./parse";
import { SCHEMA_FILE, schemaFilePath, themeJsonSchema } from "./schema-file";

describe("the published theme schema", () => {
  it(`${SCHEMA_FILE} is the one generated from the zod schema (else: npx nx run themes:schema)`, () => {
    assert.equal(fs.readFileSync(schemaFilePath(), "utf8"), themeJsonSchema());
  });

  it("every JSON example in docs/themes.md is a theme the server takes", () => {
    const guide = fs.readFileSync(path.resolve(path.dirname(schemaFilePath()), "themes.md"), "utf8");
    const examples = [...guide.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => m[1]!);
    assert.ok(examples.length > 0, "docs/themes.md has no ```json example");
    for (const example of examples) assert.doesNotThrow(() => parseThemeJson(example), example);
  });
});
