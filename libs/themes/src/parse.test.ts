import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { BulletStyle, TitleBand } from "@lectra/proto";
import { solidPng } from "@lectra/testing";
import { themeByName } from "./built-in";
import { THEME_JSON_MAX_CHARS, THEME_LIMITS } from "./document";
import { parseThemeJson, ThemeError } from "./parse";

/** The field a refused document names (as a request's theme_json would) and what it says. */
function refusal(json: string): string {
  try {
    parseThemeJson(json);
  } catch (error) {
    assert.ok(error instanceof ThemeError, `not a ThemeError: ${error}`);
    return `${error.field("theme_json")}: ${error.problem}`;
  }
  assert.fail("the theme was accepted");
}

const doc = (value: unknown) => JSON.stringify(value);
const dataUrl = (mediaType: string, bytes: Buffer) => `data:${mediaType};base64,${bytes.toString("base64")}`;
/** The start of a baseline JPEG: SOI, then a frame header saying 32x16 pixels. */
const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xc0, 0x00, 0x11, 0x08, 0x00, 0x10, 0x00, 0x20, 0x03, 0x01, 0x22, 0x00, 0x02, 0x11, 0x01, 0x03, 0x11, 0x01]);

describe("a custom theme from JSON", () => {
  const cases: Array<[string, string, RegExp]> = [
    ["not JSON", "{colors:", /^theme_json: is not JSON \(.+\)$/],
    ["an array", "[]", /^theme_json: must be an object, got an array$/],
    ["a misspelt field", doc({ colours: {} }), /^theme_json\.colours: is not a field; the fields are .*colors/],
    ["an unknown colour", doc({ colors: { purple: "#FFFFFF" } }), /^theme_json\.colors\.purple: is not a field; the fields are background, band, title, accent, body, footer, rule$/],
    ["a colour by name", doc({ colors: { background: "red" } }), /^theme_json\.colors\.background: must be a colour "#RRGGBB", got "red"$/],
    ["a colour of three digits", doc({ colors: { band: "#FFF" } }), /^theme_json\.colors\.band: must be a colour "#RRGGBB", got "#FFF"$/],
    ["a colour as a number", doc({ colors: { body: 255 } }), /^theme_json\.colors\.body: must be a colour "#RRGGBB", got 255$/],
    ["colors as a string", doc({ colors: "dark" }), /^theme_json\.colors: must be an object, got "dark"$/],
    ["a font not shipped", doc({ fonts: { heading: "Comic Sans" } }), /^theme_json\.fonts\.heading: must be one of "DejaVu Sans", "Noto Sans", "Noto Serif", got "Comic Sans"$/],
    ["an unknown base", doc({ base: "neon" }), /^theme_json\.base: must be one of "classic", "chalkboard", "paper", got "neon"$/],
    ["an unknown title band", doc({ titleBand: "banner" }), /^theme_json\.titleBand: must be one of "filled", "rule", "side-bar", got "banner"$/],
    ["an unknown bullet", doc({ bullets: "star" }), /^theme_json\.bullets: must be one of "disc", "square", "dash", "arrow", got "star"$/],
    ["a name with spaces", doc({ name: "My Theme" }), /^theme_json\.name: must be a plain name .*, got "My Theme"$/],
    ["a built-in's name", doc({ name: "paper" }), /^theme_json\.name: "paper" is a built-in theme's name/],
    ["a long footer", doc({ footer: "x".repeat(81) }), /^theme_json\.footer: is 81 characters; the limit is 80$/],
    ["a control character in the footer", doc({ footer: "Physics\u0007 101" }), /^theme_json\.footer: has a control character U\+0007 at character 8, which a deck cannot hold: delete it$/],
    ["a footer of two lines", doc({ footer: "Physics\n101" }), /^theme_json\.footer: is one line: remove the line break$/],
    ["a logo as a file path", doc({ logo: "./logo.png" }), /^theme_json\.logo: must be a data URL "data:image\/png;base64,…" or "data:image\/jpeg;base64,…", got "\.\/logo\.png"$/],
    ["a logo that is a GIF", doc({ logo: "data:image/gif;base64,R0lGODlhAQABAAAAACw=" }), /^theme_json\.logo: must be a data URL/],
    ["a logo that is not a picture", doc({ logo: dataUrl("image/png", Buffer.from("not a picture")) }), /^theme_json\.logo: is neither a PNG nor a JPEG .*; give a PNG or JPEG$/],
    ["a logo over its limit", doc({ logo: dataUrl("image/png", Buffer.concat([solidPng(2, 2, [0, 0, 0]), Buffer.alloc(THEME_LIMITS.logoBytes)])) }), /^theme_json\.logo: is \d+ bytes; the limit is 524288 \(512 KiB\)$/],
    ["a document over its limit", doc({ footer: "", $schema: "x".repeat(THEME_JSON_MAX_CHARS) }), /^theme_json: is \d+ characters; the limit is \d+/],
  ];
  for (const [what, json, message] of cases) {
    it(`${what} is refused, naming the field`, () => assert.match(refusal(json), message));
  }

  it("an empty document is the default theme, named custom", () => {
    const theme = parseThemeJson("{}");
    assert.deepEqual({ ...theme, name: "classic", description: "" }, { ...themeByName("classic")!, description: "" });
    assert.equal(theme.name, "custom");
  });

  it("starts from its base and changes only what it names; colours come out as RRGGBB", () => {
    const paper = themeByName("paper")!;
    const theme = parseThemeJson(
      doc({ $schema: "../docs/theme.schema.json", name: "physics-101", base: "paper", colors: { band: "#0a7b83", accent: "F2A541" }, fonts: { heading: "Noto Serif" }, titleBand: "rule", bullets: "arrow", footer: "Physics 101 · Spring" }),
    );
    assert.equal(theme.name, "physics-101");
    assert.match(theme.description, /paper/);
    assert.deepEqual(theme.colors, { ...paper.colors, band: "0A7B83", accent: "F2A541" });
    assert.equal(theme.headingFont, "Noto Serif");
    assert.equal(theme.bodyFont, paper.bodyFont);
    assert.equal(theme.titleBand, TitleBand.TITLE_BAND_RULE);
    assert.equal(theme.bulletStyle, BulletStyle.BULLET_STYLE_ARROW);
    assert.equal(theme.footerText, "Physics 101 · Spring");
    assert.equal(theme.logo, undefined);
    assert.equal(paper.colors!.band, "2B4C7E", "the built-in is untouched");
  });

  it("a logo's format and size are read from its bytes, not from its data URL", () => {
    const png = solidPng(40, 20, [200, 30, 30]);
    const fromPng = parseThemeJson(doc({ logo: dataUrl("image/png", png) })).logo!;
    assert.deepEqual([fromPng.mediaType, fromPng.width, fromPng.height], ["image/png", 40, 20]);
    assert.deepEqual(Buffer.from(fromPng.data), png);
    // Labelled PNG, but the bytes are a JPEG: the bytes win.
    const fromJpeg = parseThemeJson(doc({ logo: dataUrl("image/png", JPEG) })).logo!;
    assert.deepEqual([fromJpeg.mediaType, fromJpeg.width, fromJpeg.height], ["image/jpeg", 32, 16]);
  });

  it("a logo at its limit is taken", () => {
    const png = solidPng(2, 2, [0, 0, 0]);
    const atLimit = Buffer.concat([png, Buffer.alloc(THEME_LIMITS.logoBytes - png.length)]);
    assert.equal(parseThemeJson(doc({ logo: dataUrl("image/png", atLimit) })).logo!.data.length, THEME_LIMITS.logoBytes);
  });
});
