import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { collapseSpace, parseScript, type Script } from "./script";
import { scriptForm, writeScript, type LectureText } from "./script-writer";

/** What a script says, without where it says it. */
const said = (script: Script): LectureText => ({
  title: script.title,
  ...(script.language === undefined ? {} : { language: script.language }),
  slides: script.slides.map(({ line: _, ...slide }) => slide),
});

const readBack = (lecture: LectureText) => said(parseScript(writeScript(lecture)));

/** A small deterministic generator (mulberry32), so a failing case can be run again from its seed. */
function random(seed: number) {
  let a = seed;
  const next = () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(items: readonly T[]) => items[int(items.length)];
  return { int, pick };
}

/** Pieces a model may write, many of which a script would otherwise read as something else. */
const PIECES: readonly string[] = [
  "word", "Heart", "beats.", "2 * 3 * 4", "**bold**", "*emphasis*", "_under_", "snake_case", "`code`", "``", "a\\b", "\\*", "\\\\", "\\",
  "- not a bullet", "* star", "+ plus", "#", "# heading", "## slide", "#hashtag", "Image: not a picture", "image:", "Language: en",
  "[pause=500ms]", "[rate=-10%]", "[pitch=+1st]", "[pause=5000ms]", "[rate=abc]", "[pitch=-1e3st]", "[note]", "]", "[",
  "مرحبا بالعالم", "שלום", "光合作用は", "植物", "한국어", "हिन्दी", "😀", "e\u0301", "\u200b", "\u200f", "\t", "  ", "\n", "\u00a0", "—", "…", "?",
];

function text(r: ReturnType<typeof random>, pieces: number): string {
  const parts = Array.from({ length: 1 + r.int(pieces) }, () => r.pick(PIECES));
  // Every piece of text also says something, so that no title or narration is only marks or invisible characters.
  parts.splice(r.int(parts.length + 1), 0, r.pick(["Heart", "光", "قلب", "Blood flows.", "Ω"]));
  return parts.join(r.pick([" ", "", " ", "\n", "  "]));
}

function lecture(seed: number): LectureText {
  const r = random(seed);
  const slides = Array.from({ length: 1 + r.int(4) }, () => ({
    title: text(r, 4),
    bullets: Array.from({ length: r.int(5) }, () => text(r, 4)),
    narration: Array.from({ length: 1 + r.int(3) }, () => text(r, 8)).join(r.pick(["\n\n", "\n \n", "\n\n\n", "\r\n\r\n"])),
    imageQuery: r.int(3) === 0 ? "" : text(r, 3),
  }));
  return { title: text(r, 4), ...(r.int(2) ? { language: r.pick(["en", "ar", "ja", "pt-BR", "zh-Hant-TW"]) } : {}), slides };
}

describe("writing a lecture down as a script", () => {
  it("reads back exactly: title, language, bullets, image query and narration of many generated lectures", () => {
    for (let seed = 1; seed <= 500; seed++) {
      const written = lecture(seed);
      const expected = { ...written, title: collapseSpace(written.title), slides: written.slides.map(scriptForm) };
      assert.deepEqual(readBack(written), expected, `seed ${seed}:\n${writeScript(written)}`);
    }
  });

  it("reads back every script exactly, and writes one in script form as it was written", () => {
    const example = fs.readFileSync(path.join(__dirname, "../../../examples/photosynthesis.md"), "utf8");
    const handWritten = "# The Heart\nLanguage: en\n\n## A pump\n- Four chambers\n- Beats **100,000** times\nImage: heart\n\n[rate=-10%] The heart is a muscle.\nIt pumps.\n\nEvery beat counts.\n";
    for (const source of [example, handWritten]) {
      const script = said(parseScript(source));
      assert.deepEqual(readBack(script), script);
    }
    assert.equal(
      writeScript(said(parseScript(handWritten))),
      "# The Heart\nLanguage: en\n\n## A pump\n- Four chambers\n- Beats 100,000 times\nImage: heart\n\n[rate=-10%] The heart is a muscle. It pumps.\n\nEvery beat counts.\n",
    );
  });

  it("escapes only what would be read otherwise", () => {
    const one = (narration: string, bullets: string[] = []) =>
      writeScript({ title: "T", slides: [{ title: "S", bullets, narration, imageQuery: "" }] }).split("\n").slice(3).join("\n");
    assert.equal(one("Plain words, snake_case and 2 * 3."), "\nPlain words, snake_case and 2 * 3.\n");
    assert.equal(one("- not a bullet"), "\n\\- not a bullet\n");
    assert.equal(one("Image: not a picture"), "\n\\Image: not a picture\n");
    assert.equal(one("*really* [pause=500ms] so"), "\n\\*really\\* [pause=500ms] so\n");
    assert.equal(one("Wait [pause=5000ms]."), "\nWait \\[pause=5000ms].\n");
    assert.equal(one("Words.", ["**bold** point"]), "- \\*\\*bold\\*\\* point\n\nWords.\n");
  });

  it("leaves out the bullets that show nothing and the paragraphs that say nothing", () => {
    const written = writeScript({ title: " T ", slides: [{ title: "S", bullets: ["", " \u200b ", "a  point"], narration: "\n\nOne\nline.\n\n \n\nTwo.", imageQuery: "  " }] });
    assert.equal(written, "# T\n\n## S\n- a point\n\nOne line.\n\nTwo.\n");
  });
});
