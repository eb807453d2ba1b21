import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { BulletStyle, TitleBand, type Theme } from "@lectra/proto";
import { builtInThemes, DEFAULT_THEME, themeByName } from "./built-in";
import { SHIPPED_FONTS } from "./fonts";

/** WCAG 2 contrast ratio of two "RRGGBB" colours. */
function contrast(a: string, b: string): number {
  const luminance = (hex: string) => {
    const [r, g, b] = [0, 2, 4].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255).map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
  };
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (light! + 0.05) / (dark! + 0.05);
}

/** What the title is drawn on: the band when it is filled, the page otherwise. */
const titleGround = (t: Theme) => (t.titleBand === TitleBand.TITLE_BAND_FILLED ? t.colors!.band : t.colors!.background);

describe("the built-in themes", () => {
  it("are at least three, named uniquely, and the default is one of them", () => {
    assert.ok(builtInThemes.length >= 3);
    assert.equal(new Set(builtInThemes.map((t) => t.name)).size, builtInThemes.length);
    assert.ok(themeByName(DEFAULT_THEME));
  });

  for (const theme of builtInThemes) {
    it(`${theme.name}: every field set, colours as RRGGBB, fonts from the shipped set`, () => {
      assert.ok(theme.description.length > 0);
      for (const [part, colour] of Object.entries(theme.colors!)) assert.match(colour, /^[0-9A-F]{6}$/, `${theme.name}.colors.${part}`);
      assert.ok((SHIPPED_FONTS as readonly string[]).includes(theme.headingFont), theme.headingFont);
      assert.ok((SHIPPED_FONTS as readonly string[]).includes(theme.bodyFont), theme.bodyFont);
      assert.notEqual(theme.titleBand, TitleBand.TITLE_BAND_UNSPECIFIED);
      assert.notEqual(theme.bulletStyle, BulletStyle.BULLET_STYLE_UNSPECIFIED);
    });

    it(`${theme.name}: its text is readable (WCAG AA, 4.5:1) on what it is drawn on`, () => {
      const c = theme.colors!;
      assert.ok(contrast(c.body, c.background) >= 4.5, `body ${contrast(c.body, c.background).toFixed(2)}`);
      assert.ok(contrast(c.title, titleGround(theme)) >= 4.5, `title ${contrast(c.title, titleGround(theme)).toFixed(2)}`);
      assert.ok(contrast(c.footer, c.background) >= 4.5, `footer ${contrast(c.footer, c.background).toFixed(2)}`);
    });
  }

  it("look different from each other: each has its own page colour, title band and bullet mark", () => {
    for (const key of ["titleBand", "bulletStyle"] as const) {
      assert.equal(new Set(builtInThemes.map((t) => t[key])).size, builtInThemes.length, key);
    }
    assert.equal(new Set(builtInThemes.map((t) => t.colors!.background)).size, builtInThemes.length, "background");
  });

  it("the default is LECTRA's look from before themes", () => {
    const classic = themeByName(DEFAULT_THEME)!;
    assert.equal(classic.name, "classic");
    assert.deepEqual(classic.colors, { background: "FFFFFF", band: "1E3A5F", title: "FFFFFF", accent: "F2A541", body: "1F2937", footer: "6B7280", rule: "D1D5DB" });
    assert.deepEqual([classic.headingFont, classic.bodyFont, classic.titleBand, classic.bulletStyle], ["DejaVu Sans", "DejaVu Sans", TitleBand.TITLE_BAND_FILLED, BulletStyle.BULLET_STYLE_DISC]);
  });

  it("are found by name whatever the case and spaces; another name finds none", () => {
    assert.equal(themeByName(" Chalkboard ")?.name, "chalkboard");
    assert.equal(themeByName("neon"), undefined);
    assert.equal(themeByName(""), undefined);
  });

  it("cannot be changed by one request for the others", () => {
    const classic = themeByName("classic")!;
    assert.throws(() => ((classic as { name: string }).name = "mine"));
    assert.throws(() => (classic.colors!.background = "000000"));
  });
});
