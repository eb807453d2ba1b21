import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { parseScript, plainText, ScriptError } from "./script";

const SCRIPT = `# The Heart

## A pump
- Four chambers
* Beats **100,000** times a day
Image: heart anatomy

The heart is a muscle.
It pumps blood.

Every beat counts.

## Two loops
- Lungs: oxygen
Blood goes to the lungs first.
`;

describe("lecture scripts", () => {
  it("takes title, slides, bullets, image words and narration word for word", () => {
    const script = parseScript(SCRIPT);
    assert.equal(script.title, "The Heart");
    assert.equal(script.slides.length, 2);
    const [pump, loops] = script.slides;
    assert.deepEqual(pump.bullets, ["Four chambers", "Beats 100,000 times a day"]);
    assert.equal(pump.imageQuery, "heart anatomy");
    assert.equal(pump.narration, "The heart is a muscle. It pumps blood.\n\nEvery beat counts.");
    assert.equal(pump.line, 3);
    assert.equal(loops.narration, "Blood goes to the lungs first.");
    assert.equal(loops.imageQuery, "");
  });

  it("says what is wrong and on which line", () => {
    const problem = (source: string) => {
      try {
        parseScript(source);
        return "";
      } catch (error) {
        assert.ok(error instanceof ScriptError);
        return error.message;
      }
    };
    assert.match(problem("## Slide\nText."), /no lecture title/);
    assert.match(problem("# Title only\n"), /no slides/);
    assert.match(problem("# T\n\n## One\n- bullet only\n"), /line 3: slide 1 "One" has no narration/);
    assert.match(problem("# T\nStray words\n## One\nText."), /line 2: text before the first slide heading/);
    assert.match(problem("# T\n## One\nText.\n# Again\n"), /line 4: a second lecture title/);
    assert.match(problem("# T\n##\nText."), /line 2: slide heading has no title/);
    assert.match(problem("x".repeat(200_001)), /the limit is 200000/);
  });

  describe("refuses, naming the line, what the outputs cannot hold or the services would refuse", () => {
    const problem = (source: string) => {
      try {
        parseScript(source);
      } catch (error) {
        assert.ok(error instanceof ScriptError, String(error));
        return error.message;
      }
      assert.fail("the script was accepted");
    };
    const twoSlides = (second: string) => `# Heart\n\n## One\n- a point\n\nIt beats.\n${second}`;

    it("characters a deck cannot hold, saying which and where", () => {
      assert.equal(problem(twoSlides("## Two\u0001\n\nIt pumps.\n")), "line 7: slide 2's title has a control character U+0001, which a deck cannot hold: delete it");
      assert.match(problem(twoSlides("## Two\n- a \u000b point\n\nIt pumps.\n")), /^line 8: a bullet on slide 2 has a control character U\+000B/);
      assert.match(problem(twoSlides("## Two\nImage: heart\u0000\n\nIt pumps.\n")), /^line 8: slide 2's Image: line has a control character U\+0000/);
      assert.match(problem(twoSlides("## Two\n\nIt \uFFFE pumps.\n")), /^line 9: slide 2's narration has the noncharacter U\+FFFE/);
      assert.match(problem("# Heart \uD800\n\n## One\n\nIt beats.\n"), /^line 1: the lecture title has half of a surrogate pair U\+D800/);
      assert.match(problem("\u0007\n# Heart\n"), /^line 1: the line has a control character U\+0007/);
      // Tabs, CRLF line breaks and characters beyond the BMP are fine.
      assert.equal(parseScript("# Heart 😀\r\n\r\n## One\r\n-\tpoint\r\n\r\nIt\tbeats.\r\n").slides[0].bullets[0], "point");
    });

    it("titles that show nothing; invisible bullets are dropped like empty ones", () => {
      assert.equal(problem(twoSlides("## \u200b\u200d\n\nIt pumps.\n")), "line 7: slide 2's title is only invisible characters; write one a reader can see");
      assert.match(problem("# \u2060\u00ad\n\n## One\n\nIt beats.\n"), /^line 1: the lecture title is only invisible characters/);
      assert.match(problem("# Heart\n\n## One\n- a point\n\u200b\n"), /^line 3: slide 1 "One" has no narration/);
      assert.deepEqual(parseScript("# Heart\n\n## One\n- \u200b\n- a point\n\nIt beats.\n").slides[0].bullets, ["a point"]);
    });

    it("more bullets than a slide's pages show, or a bullet longer than a page holds", () => {
      const bullets = (n: number, text = "x") => Array.from({ length: n }, () => `- ${text}`).join("\n");
      assert.equal(parseScript(`# T\n\n## Many\n${bullets(10)}\n\nWords.\n`).slides[0].bullets.length, 10);
      assert.equal(
        problem(`# T\n\n## Many\n${bullets(200)}\n\nWords.\n`),
        'line 14: slide 1 "Many" has more than 10 bullets, more than its pages show: move the rest to a new slide',
      );
      assert.equal(parseScript(`# T\n\n## Long\n${bullets(1, "y".repeat(200))}\n\nWords.\n`).slides[0].bullets[0].length, 200);
      assert.equal(
        problem(twoSlides(`## Long\n${bullets(1, "y".repeat(201))}\n\nWords.\n`)),
        "line 8: a bullet on slide 2 is 201 characters; the limit is 200: split it, or say the rest in the narration",
      );
    });

    it("a tag that is malformed or out of range, with its line and range", () => {
      assert.equal(
        problem(twoSlides("## Two\n\nIt pumps.\nThen it rests [pause=1e9ms] a while.\n")),
        'line 10: slide 2\'s narration: "[pause=1e9ms]" is not a pause tag: write [pause=Nms] with N from 0 to 1500',
      );
      assert.match(problem(twoSlides("## Two\n\n[pitch=-1e3st] Low.\n")), /^line 9: .*"\[pitch=-1e3st\]" is not a pitch tag: write \[pitch=±Nst\] with N from -2 to \+2$/);
      assert.match(problem(twoSlides("## Two\n\n[rate=abc] Fast.\n")), /^line 9: .*N from -30 to \+25$/);
      assert.match(problem(twoSlides("## Two\n\nWait [pause=1501ms].\n")), /^line 9: .* is out of range/);
      assert.equal(parseScript(twoSlides("## Two\n\n[rate=-10%] Slow [pause=800ms] then [pitch=+1st] up.\n")).slides[1].narration, "[rate=-10%] Slow [pause=800ms] then [pitch=+1st] up.");
    });

    it("narration the speech service would refuse, naming the slide", () => {
      const sentences = (n: number) => Array.from({ length: n }, (_, i) => `Sentence ${i + 1} is short.`).join(" ");
      assert.equal(parseScript(`# T\n\n## Talk\n\n${sentences(400)}\n`).slides[0].line, 3);
      assert.match(problem(twoSlides(`## Talk\n\n${sentences(401)}\n`)), /^line 7: slide 2 "Talk" has 401 sentences to speak .*; the limit is 400 a slide/);
      assert.match(problem(twoSlides(`## Talk\n\n${"word ".repeat(1200)}end.\n`)), /^line 7: slide 2 "Talk" has a sentence of 6,004 characters .*; the limit is 5,000/);
    });

    it("refuses a 200,000-character script of bullets at once", () => {
      const source = `# T\n\n## Bullets\n${"- a\n".repeat(49_990)}\nWords.\n`;
      assert.ok(source.length <= 200_000);
      const started = performance.now();
      assert.match(problem(source), /^line 14: slide 1 "Bullets" has more than 10 bullets/);
      assert.ok(performance.now() - started < 500, `took ${performance.now() - started} ms`);
    });
  });

  it("takes what a backslash escapes literally, and a line it starts as narration", () => {
    const narration = (lines: string) => parseScript(`# T\n\n## S\n- shown\n\n${lines}\n`).slides[0].narration;
    assert.equal(narration("\\- not a bullet\n\\# not a title\n\\Image: not a picture"), "- not a bullet # not a title Image: not a picture");
    assert.equal(narration("\\*really\\* \\_so\\_ \\`this\\` \\\\*"), "*really* _so_ `this` \\*");
    assert.equal(narration("Wait \\[pause=5000ms] a \\[rate=abc] moment."), "Wait [pause=5000ms] a [rate=abc] moment.");
    assert.equal(narration("A \\path, C:\\Users and \\n stay."), "A \\path, C:\\Users and \\n stay.");
    assert.equal(narration("``\n\nWords."), "Words.", "a paragraph of marks alone is no paragraph");
  });

  it("reads the lecture's language from a Language: line before the first slide", () => {
    assert.equal(parseScript("# T\nLanguage: pt-br\n\n## S\n\nFala.\n").language, "pt-BR");
    assert.equal(parseScript("# T\n\n## S\n\nFala.\n").language, undefined);
    assert.equal(parseScript("# T\n\n## S\nLanguage: spoken words.\n").slides[0].narration, "Language: spoken words.");
    assert.throws(() => parseScript("# T\nLanguage: English please\n\n## S\n\nWords.\n"), /line 2: Language: "English please" is not a BCP 47 language tag/);
    assert.throws(() => parseScript("# T\nLanguage:\n\n## S\n\nWords.\n"), /line 2: the Language: line names no language/);
    assert.throws(() => parseScript("# T\nLanguage: en\nLanguage: fr\n\n## S\n\nWords.\n"), /line 3: a second Language: line/);
  });

  it("drops Markdown emphasis, never words", () => {
    assert.equal(plainText("**Bold** and _italic_ and `code`"), "Bold and italic and code");
    assert.equal(plainText("snake_case_name stays"), "snake_case_name stays");
    assert.equal(plainText("2 * 3 * 4"), "2 * 3 * 4");
  });
});
