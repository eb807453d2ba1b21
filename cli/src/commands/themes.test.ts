import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { Theme } from "@lectra/proto";
import { formatThemes } from "./themes";

describe("lectra themes", () => {
  it("lists each theme by name with its description, marks the default, and names the fonts", () => {
    const themes = [Theme.fromPartial({ name: "classic", description: "White page" }), Theme.fromPartial({ name: "chalkboard", description: "Dark green board" })];
    const text = formatThemes({ themes, defaultTheme: "chalkboard", fonts: ["DejaVu Sans", "Noto Serif"] });
    assert.deepEqual(text.split("\n").slice(0, 2), ["  classic     White page", "* chalkboard  Dark green board"]);
    assert.match(text, /2 themes; \* is the default\. .*fonts: DejaVu Sans, Noto Serif$/);
  });
});
