import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { paragraphs, sentences } from "./sentences";

describe("sentences", () => {
  it("splits at sentence ends, not at abbreviations or initials", () => {
    assert.deepEqual(sentences("Dr. Smith came, e.g. on Monday. He left! Did he? Yes.", "en"), ["Dr. Smith came, e.g. on Monday.", "He left!", "Did he?", "Yes."]);
    assert.deepEqual(sentences("J. S. Bach wrote it. 3 times.", "en"), ["J. S. Bach wrote it.", "3 times."]);
  });

  it("keeps closing quotes with their sentence and tolerates no final stop", () => {
    assert.deepEqual(sentences('She said "stop." Then it ended', "en"), ['She said "stop."', "Then it ended"]);
  });

  it("in a cased script a sentence starts with a capital, a digit or a quote, and needs a space before it", () => {
    const cases: Array<[string, string[]]> = [
      ["Did he? yes, he did.", ["Did he? yes, he did."]],
      ["Wait… Then it rained.", ["Wait…", "Then it rained."]],
      ["See node.js and Yes?No. Next.", ["See node.js and Yes?No.", "Next."]],
      ["It cost 3.5 dollars. (Then more.) “Quoted.” Done", ["It cost 3.5 dollars.", "(Then more.)", "“Quoted.”", "Done"]],
    ];
    for (const [text, expected] of cases) assert.deepEqual(sentences(text, "en"), expected, text);
  });

  it("ends sentences at each script's own stops: the danda, the CJK full stop (no space after it), the Arabic question mark and full stop", () => {
    const cases: Array<[string, string, string[]]> = [
      ["hi", "प्रकाश संश्लेषण पौधों में होता है। यह ऊर्जा बनाता है॥ क्या यह ज़रूरी है? हाँ", ["प्रकाश संश्लेषण पौधों में होता है।", "यह ऊर्जा बनाता है॥", "क्या यह ज़रूरी है?", "हाँ"]],
      ["ja", "光合成は植物で起こります。エネルギーを作ります！大切ですか？はい", ["光合成は植物で起こります。", "エネルギーを作ります！", "大切ですか？", "はい"]],
      ["zh", "光合作用发生在植物中。它产生能量！", ["光合作用发生在植物中。", "它产生能量！"]],
      ["ar", "يحدث التمثيل الضوئي في النباتات. هل هو مهم؟ نعم۔ انتهى", ["يحدث التمثيل الضوئي في النباتات.", "هل هو مهم؟", "نعم۔", "انتهى"]],
    ];
    for (const [language, text, expected] of cases) assert.deepEqual(sentences(text, language), expected, language);
  });

  it("mixed text: a Latin word after a CJK full stop starts a sentence, a CJK stop inside English ends one", () => {
    assert.deepEqual(sentences("光合成です。iPhoneで見ます。", "ja"), ["光合成です。", "iPhoneで見ます。"]);
    assert.deepEqual(sentences("Photosynthesis is 光合成。 It makes sugar.", "en"), ["Photosynthesis is 光合成。", "It makes sugar."]);
  });

  it("an empty language is English; a tag that is not one is refused", () => {
    assert.deepEqual(sentences("Dr. Who. Yes.", ""), ["Dr. Who.", "Yes."]);
    assert.throws(() => sentences("Hi.", "not a tag"), /"not a tag" is not a BCP 47 language tag/);
    assert.deepEqual(sentences("   ", "en"), []);
  });

  it("paragraphs are separated by blank lines, whitespace tidied", () => {
    assert.deepEqual(paragraphs("One\nline.\n\n  Two.  \n\n\n"), ["One line.", "Two."]);
  });
});
