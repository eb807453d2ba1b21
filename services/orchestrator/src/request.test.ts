import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { status } from "@grpc/grpc-js";
import { GenerateRequest } from "@lectra/proto";
import { RpcError } from "@lectra/service-kit";
import { DEFAULT_THEME, themeByName } from "@lectra/themes";
import { TOPIC_SLIDES, validateGenerate } from "./request";

const SCRIPT = "# Tides\n\n## The Moon\n- pulls the sea\n\nThe Moon pulls the sea towards it.\n";

const request = (fields: Partial<GenerateRequest>) => GenerateRequest.fromPartial(fields);

/** The field an INVALID_ARGUMENT names, and its message. */
function refusal(fields: Partial<GenerateRequest>): { field: string; problem: string } {
  try {
    validateGenerate(request(fields));
  } catch (error) {
    assert.ok(error instanceof RpcError, `not an RpcError: ${error}`);
    assert.equal(error.code, status.INVALID_ARGUMENT);
    const [field, ...rest] = error.message.split(": ");
    return { field, problem: rest.join(": ") };
  }
  assert.fail("the request was accepted");
}

describe("GenerateRequest validation", () => {
  const topic = (value: string) => ({ $case: "topic", value }) as const;
  const cases: Array<[string, string, Partial<GenerateRequest>, RegExp]> = [
    ["no source", "source", {}, /set either topic or script/],
    ["an empty topic", "topic", { source: topic("   ") }, /is empty/],
    ["a two-letter topic", "topic", { source: topic("ab") }, /at least 3 characters/],
    ["an over-long topic", "topic", { source: topic("x".repeat(501)) }, /is 501 characters; the limit is 500/],
    ["slide_count above the limit", "slide_count", { source: topic("The water cycle"), slideCount: 31 }, /must be 1\.\.30, got 31/],
    ["a negative slide_count", "slide_count", { source: topic("The water cycle"), slideCount: -1 }, /got -1/],
    ["slide_count with a script", "slide_count", { source: { $case: "script", value: SCRIPT }, slideCount: 3 }, /a script brings its own slides/],
    ["a script with no slides", "script", { source: { $case: "script", value: "# Title only\n\nSome words.\n" } }, /./],
    ["a slide with no narration", "script", { source: { $case: "script", value: "# T\n\n## Empty one\n- a bullet\n" } }, /slide 1 "Empty one" has no narration/],
    ["a control character in a topic", "topic", { source: topic("Tides\u0001 and the Moon") }, /has a control character U\+0001 at character 6, which a deck cannot hold: delete it/],
    ["NUL in a topic", "topic", { source: topic("Tides\u0000") }, /control character U\+0000/],
    ["half a surrogate pair in a topic", "topic", { source: topic("Tides \uDC00") }, /half of a surrogate pair U\+DC00/],
    ["a topic of invisible characters", "topic", { source: topic("\u200b\u200b\u200b\u2060") }, /is only invisible characters/],
    ["a control character in a script's slide title", "script", { source: { $case: "script", value: SCRIPT.replace("The Moon", "The\u000b Moon") } }, /^line 3: slide 1's title has a control character U\+000B/],
    ["a script's slide with 401 sentences", "script", { source: { $case: "script", value: `${SCRIPT}\n${"It rises. ".repeat(401)}\n` } }, /^line 3: slide 1 "The Moon" has 402 sentences to speak .* the limit is 400/],
    ["a script's 6,000-character sentence", "script", { source: { $case: "script", value: `${SCRIPT}\n${"tide ".repeat(1200)}\n` } }, /^line 3: slide 1 "The Moon" has a sentence of 5,999 characters .* the limit is 5,000/],
    ["a script's slide with 200 bullets", "script", { source: { $case: "script", value: SCRIPT.replace("- pulls the sea", "- x\n".repeat(200)) } }, /^line 14: slide 1 "The Moon" has more than 10 bullets/],
    ["a script's malformed pause tag", "script", { source: { $case: "script", value: SCRIPT.replace("towards it.", "towards it [pause=1e9ms].") } }, /^line 6: slide 1's narration: "\[pause=1e9ms\]" is not a pause tag: write \[pause=Nms\] with N from 0 to 1500/],
    ["a voice name with markup", "voice", { source: topic("The water cycle"), voice: "<speak>" }, /is not a voice name/],
    ["a frame rate with no video", "constant_frame_rate", { source: topic("The water cycle"), skipVideo: true, constantFrameRate: true }, /skip_video asks for no video/],
  ];
  for (const [what, field, fields, message] of cases) {
    it(`${what} → INVALID_ARGUMENT naming ${field}`, () => {
      const r = refusal(fields);
      assert.equal(r.field, field);
      assert.match(r.problem, message);
    });
  }

  it("fills in the defaults: a topic's slide count, its spaces collapsed, the voice trimmed", () => {
    const r = validateGenerate(request({ source: topic("  How   tides\nwork "), voice: " en-GB-SoniaNeural " }));
    assert.deepEqual(r.source, { $case: "topic", value: "How tides work" });
    assert.equal(r.slideCount, TOPIC_SLIDES.default);
    assert.equal(r.voice, "en-GB-SoniaNeural");
    assert.equal(r.scriptTitle, "");
  });

  it("a script plans its own slides and title", () => {
    const r = validateGenerate(request({ source: { $case: "script", value: SCRIPT }, skipVideo: true }));
    assert.equal(r.slideCount, 1);
    assert.equal(r.scriptTitle, "Tides");
    assert.equal(r.skipVideo, true);
  });
});

describe("the lecture's language", () => {
  const script = (text: string) => ({ source: { $case: "script", value: text } }) as const;
  const HINDI = "# प्रकाश संश्लेषण\n\n## पौधे\n- पत्तियाँ धूप लेती हैं\n\nपौधे धूप से भोजन बनाते हैं। यह प्रक्रिया पत्तियों में होती है।\n";
  const JAPANESE = "# 光合成\n\n## 植物\n- 葉は光を集める\n\n植物は光から栄養を作ります。この働きは葉で起こります。\n";
  const ARABIC = "# البناء الضوئي\n\n## النباتات\n- الأوراق تجمع الضوء\n\nتصنع النباتات غذاءها من ضوء الشمس. تحدث هذه العملية في الأوراق.\n";

  const cases: Array<[string, Partial<GenerateRequest>, string]> = [
    ["a topic with none asked for is English", { source: { $case: "topic", value: "How tides work" } }, "en"],
    ["a topic in the language asked for, in canonical case", { source: { $case: "topic", value: "How tides work" }, language: "PT-br" }, "pt-BR"],
    ["an English script, detected", script(SCRIPT), "en"],
    ["a Hindi script, detected", script(HINDI), "hi"],
    ["a Japanese script, detected", script(JAPANESE), "ja"],
    ["an Arabic script, detected", script(ARABIC), "ar"],
    ["the language asked for wins over detection", { ...script(HINDI), language: "mr" }, "mr"],
  ];
  for (const [name, fields, language] of cases) {
    it(name, () => assert.equal(validateGenerate(request(fields)).language, language));
  }

  it("a tag that is not BCP 47 is refused, naming the field", () => {
    const { field, problem } = refusal({ source: { $case: "topic", value: "How tides work" }, language: "english please" });
    assert.equal(field, "language");
    assert.match(problem, /BCP 47/);
  });
});

describe("the lecture's theme", () => {
  const topic = { source: { $case: "topic", value: "How tides work" } } as const;

  const refusals: Array<[string, Partial<GenerateRequest>, string, RegExp]> = [
    ["an unknown theme name", { ...topic, theme: "neon" }, "theme", /^"neon" is not a theme; the themes are classic, chalkboard, paper \(ListThemes lists them\)/],
    ["theme_json that is not JSON", { ...topic, themeJson: "colors: red" }, "theme_json", /^is not JSON \(/],
    ["a colour by name", { ...topic, themeJson: '{"colors": {"background": "red"}}' }, "theme_json.colors.background", /^must be a colour "#RRGGBB", got "red"$/],
    ["a font not shipped", { ...topic, themeJson: '{"fonts": {"body": "Arial"}}' }, "theme_json.fonts.body", /^must be one of "DejaVu Sans", "Noto Sans", "Noto Serif", got "Arial"$/],
    ["a misspelt field", { ...topic, themeJson: '{"colour": {}}' }, "theme_json.colour", /^is not a field; the fields are/],
    ["a logo as a path", { ...topic, themeJson: '{"logo": "crest.png"}' }, "theme_json.logo", /^must be a data URL/],
    ["a footer with a control character", { ...topic, themeJson: '{"footer": "Physics\\u0000"}' }, "theme_json.footer", /control character U\+0000/],
  ];
  for (const [what, fields, field, message] of refusals) {
    it(`${what} → INVALID_ARGUMENT naming ${field}`, () => {
      const r = refusal(fields);
      assert.equal(r.field, field);
      assert.match(r.problem, message);
    });
  }

  it("none asked for is the default; a built-in by name, in any case", () => {
    assert.equal(validateGenerate(request(topic)).theme.name, DEFAULT_THEME);
    assert.deepEqual(validateGenerate(request({ ...topic, theme: "Chalkboard" })).theme, themeByName("chalkboard"));
  });

  it("theme_json replaces theme, starting from its base", () => {
    const r = validateGenerate(request({ ...topic, theme: "paper", themeJson: '{"name": "physics", "base": "chalkboard", "colors": {"accent": "#ff0000"}}' }));
    assert.equal(r.theme.name, "physics");
    assert.deepEqual(r.theme.colors, { ...themeByName("chalkboard")!.colors, accent: "FF0000" });
  });
});
