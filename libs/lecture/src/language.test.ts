import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { detectLanguage, iso639_2, isRightToLeft, isWideScript, languageFit, languageName, likelyLocale, normalizeLanguage, spacesBetweenWords, speaksLanguage, writingSystem } from "./language";

describe("the lecture's language", () => {
  it("normalizes tags to canonical BCP 47, an empty one to English, and refuses what is not a tag", () => {
    const cases: Array<[string, string]> = [["", "en"], ["  ", "en"], ["EN-us", "en-US"], ["iw", "he"], ["zh-hant-tw", "zh-Hant-TW"], [" hi ", "hi"], ["cmn", "zh"]];
    for (const [tag, canonical] of cases) assert.equal(normalizeLanguage(tag), canonical, tag);
    for (const bad of ["en_US", "english please", "x-", "12", "Hindi", "x-private"]) {
      assert.throws(() => normalizeLanguage(bad), new RegExp(`^RangeError: "${bad}" is not a BCP 47 language tag; write one like "en"`), bad);
    }
  });

  it("knows each language's writing system, direction and spacing", () => {
    const cases: Array<[string, string, boolean, boolean, boolean]> = [
      // tag, script, right to left, spaces between words, wide characters
      ["en", "Latn", false, true, false],
      ["hi", "Deva", false, true, false],
      ["ja", "Jpan", false, false, true],
      ["zh", "Hans", false, false, true],
      ["zh-TW", "Hant", false, false, true],
      ["ko", "Kore", false, true, true],
      ["th", "Thai", false, false, false],
      ["ar", "Arab", true, true, false],
      ["he", "Hebr", true, true, false],
      ["fa", "Arab", true, true, false],
      ["sr-Latn", "Latn", false, true, false],
      ["ru", "Cyrl", false, true, false],
    ];
    for (const [tag, script, rtl, spaced, wide] of cases) {
      assert.deepEqual([writingSystem(tag), isRightToLeft(tag), spacesBetweenWords(tag), isWideScript(tag)], [script, rtl, spaced, wide], tag);
    }
    assert.equal(likelyLocale("hi"), "hi-Deva-IN");
    assert.equal(likelyLocale("en"), "en-Latn-US");
  });

  it("names the language in English words, for a prompt", () => {
    assert.deepEqual(["hi", "ja", "ar", "pt-BR", ""].map(languageName), ["Hindi", "Japanese", "Arabic", "Brazilian Portuguese", "English"]);
  });

  it("gives the ISO 639-2/T code an MP4 track carries, und when there is none", () => {
    const cases: Array<[string, string]> = [["hi", "hin"], ["ja", "jpn"], ["ar", "ara"], ["en", "eng"], ["en-GB", "eng"], ["de", "deu"], ["zh-Hant", "zho"], ["fil", "fil"], ["", "eng"], ["qaa", "und"], ["not a tag", "und"]];
    for (const [tag, code] of cases) assert.equal(iso639_2(tag), code, tag);
  });

  it("detects a text's language by its writing system", () => {
    const cases: Array<[string, string]> = [
      ["प्रकाश संश्लेषण वह प्रक्रिया है जिससे पौधे भोजन बनाते हैं।", "hi"],
      ["光合成は、植物が光から栄養を作る働きです。", "ja"],
      ["光合作用是植物利用光能制造养分的过程。", "zh"],
      ["التمثيل الضوئي هو العملية التي تصنع بها النباتات غذاءها.", "ar"],
      ["פוטוסינתזה היא התהליך שבו צמחים מייצרים מזון.", "he"],
      ["การสังเคราะห์ด้วยแสงคือกระบวนการที่พืชสร้างอาหาร", "th"],
      ["광합성은 식물이 빛으로 양분을 만드는 과정입니다.", "ko"],
      ["Η φωτοσύνθεση είναι η διαδικασία με την οποία τα φυτά φτιάχνουν τροφή.", "el"],
      ["Фотосинтез — это процесс, при котором растения создают пищу из света и воды.", "ru"],
      ["Фотосинтез — це процес, за допомогою якого рослини створюють їжу зі світла і води.", "uk"],
      ["Photosynthesis is the process by which plants turn light, water and air into sugar.", "en"],
      ["Die Photosynthese ist der Vorgang, bei dem Pflanzen aus Licht, Wasser und Luft Zucker herstellen.", "de"],
      ["La photosynthèse est le processus par lequel les plantes transforment la lumière en sucre.", "fr"],
      ["A fotossíntese é o processo pelo qual as plantas transformam a luz em açúcar.", "pt"],
    ];
    for (const [text, language] of cases) assert.equal(detectLanguage(text), language, text);
  });

  it("mixed text: Latin names and formulas do not outvote the script of the language around them", () => {
    assert.equal(detectLanguage("DNA (deoxyribonucleic acid) और RNA कोशिका में पाए जाते हैं।"), "hi");
    assert.equal(detectLanguage("CO2 と H2O から glucose を作ります。"), "ja");
    assert.equal(detectLanguage("The word for photosynthesis in Japanese is 光合成, and in Hindi it is प्रकाश संश्लेषण."), "en");
    // A Chinese text that names a Japanese book: a few kana among many Han.
    assert.equal(detectLanguage("光合作用是植物利用光能制造养分的过程，见《ひかり》一书。"), "zh");
  });

  it("too little or no text is English, whatever franc would guess", () => {
    for (const text of ["", "   123 456 !!!", "Hello world", "Photosynthese"]) assert.equal(detectLanguage(text), "en", text);
  });
});

describe("which voice speaks the lecture's language", () => {
  it("fits a voice by language and script, then by region, then without variants", () => {
    const cases: Array<[string, string, number | undefined]> = [
      ["en-US", "en", 5],
      ["en-GB-scotland", "en-GB", 4],
      ["en-US-nyc", "en", undefined], // espeak-ng's, not BCP 47: a variant has 5 to 8 letters
      ["en-029", "en", 1],
      ["en-GB-x-rp", "en-GB", 4],
      ["cmn", "zh", 3],
      ["cmn-Latn-pinyin", "zh", undefined],
      ["yue", "zh", undefined],
      ["pt", "pt", 3],
      ["pt-BR", "pt", 5],
      ["pt-PT", "pt-BR", 1],
      ["hi-IN", "hi", 5],
      ["ar-SA", "ar", 1],
      ["ar-EG", "ar", 5],
      ["sr-Latn", "sr", undefined],
      ["chr-US-Qaaa-x-west", "en", undefined],
      ["en-US", "not a tag", undefined],
    ];
    for (const [spoken, wanted, fit] of cases) assert.equal(languageFit(spoken, wanted), fit, `${spoken} for ${wanted}`);
  });

  it("speaks the lecture's language: the same language and script, and its region when it names one", () => {
    const cases: Array<[string, string, boolean]> = [
      ["en-US", "en", true],
      ["en-GB", "en", true],
      ["en-US", "en-GB", false],
      ["de", "de-DE", true],
      ["cmn", "zh-CN", true],
      ["en-US", "hi", false],
      ["hi", "hi", true],
    ];
    for (const [spoken, wanted, speaks] of cases) assert.equal(speaksLanguage(spoken, wanted), speaks, `${spoken} for ${wanted}`);
  });
});
