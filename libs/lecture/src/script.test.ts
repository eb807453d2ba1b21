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

  it("drops Markdown emphasis, never words", () => {
    assert.equal(plainText("**Bold** and _italic_ and `code`"), "Bold and italic and code");
    assert.equal(plainText("snake_case_name stays"), "snake_case_name stays");
    assert.equal(plainText("2 * 3 * 4"), "2 * 3 * 4");
  });
});
