import { test } from "node:test";
import assert from "node:assert/strict";
import { bestIcon, indexIcons, keywords, MIN_SCORE, parseQuery, scoreIcon, wordForms } from "./icon-match";
import { loadIconSet } from "./icons";

test("keywords: lowercase words, no punctuation, accents, stopwords or single letters", () => {
  assert.deepEqual(keywords("How do Plants grow? The café's ROLE in x-ray photos of the 1900s"), ["plants", "grow", "cafe", "role", "ray"]);
  assert.deepEqual(keywords("the of and a in how what with for to"), []);
  assert.deepEqual(keywords("  "), []);
});

test("wordForms: light stems for plurals and -ing, keeping the word itself", () => {
  const has = (word: string, form: string) => assert.ok(wordForms(word).includes(form), `${word} → ${form}: ${wordForms(word)}`);
  has("plants", "plant");
  has("leaves", "leaf");
  has("waves", "wave");
  has("batteries", "battery");
  has("boxes", "box");
  has("glasses", "glass");
  has("coding", "code");
  has("running", "run");
  has("buildings", "build");
  assert.deepEqual(wordForms("bus"), ["bus"]);
  assert.deepEqual(wordForms("analysis"), ["analysis"]);
  assert.deepEqual(wordForms("glass"), ["glass"]);
  assert.deepEqual(wordForms("ring"), ["ring"]);
});

const toy = indexIcons({
  heart: ["love", "like"],
  "heart-crack": ["broken", "love"],
  activity: ["pulse", "heart rate monitor"],
  droplet: ["water", "liquid"],
  "plant-pot": ["plant", "leaf", "nature"],
  leaf: ["plant", "nature"],
  monitor: ["screen", "display"],
});

const scoreOf = (name: string, text: string) => scoreIcon(toy.find((i) => i.name === name)!, parseQuery(text)).score;

test("a name word outscores a tag word, and a whole tag phrase outscores both", () => {
  assert.ok(scoreOf("heart", "heart") > scoreOf("droplet", "water"));
  assert.ok(scoreOf("droplet", "water") > scoreOf("activity", "rate"));
  assert.equal(bestIcon(toy, "heart rate monitor")?.name, "activity");
  assert.equal(bestIcon(toy, "the heart")?.name, "heart");
});

test("a stray word from a longer tag is not enough for a picture", () => {
  assert.ok(scoreOf("activity", "rate") < MIN_SCORE);
  assert.equal(bestIcon(toy, "rate"), undefined);
  assert.equal(bestIcon(toy, "xqzv"), undefined);
  assert.equal(bestIcon(toy, "the of and"), undefined);
});

test("repeating a word does not raise its score", () => {
  assert.equal(scoreOf("droplet", "water water water"), scoreOf("droplet", "water"));
});

test("ties go to the plainer icon, then by name, whatever the order of the set", () => {
  assert.equal(bestIcon(toy, "heart")?.name, "heart");
  assert.equal(bestIcon([...toy].reverse(), "heart")?.name, "heart");
  // leaf and plant-pot both score a name word plus a whole tag; leaf has one name word.
  assert.equal(scoreOf("leaf", "plant leaves"), scoreOf("plant-pot", "plant leaves"));
  assert.equal(bestIcon(toy, "plant leaves")?.name, "leaf");
  assert.equal(bestIcon([...toy].reverse(), "plant leaves")?.name, "leaf");
});

const lucide = loadIconSet().icons;

test("lucide: a heart for 'heart'", () => {
  assert.equal(bestIcon(lucide, "heart")?.name, "heart");
});

test("lucide: a leaf or plant for 'photosynthesis in plant leaves'", () => {
  const name = bestIcon(lucide, "photosynthesis in plant leaves")?.name ?? "(none)";
  assert.match(name, /leaf|plant|sprout|tree|flower/);
});

test("lucide: nothing for nonsense or structure-only titles", () => {
  for (const text of ["xqzv", "qwrtp zzkx", "Introduction", "Summary", "the of and"]) {
    assert.equal(bestIcon(lucide, text), undefined, text);
  }
});

test("lucide: deprecated aliases are not indexed twice", () => {
  const names = lucide.map((i) => i.name);
  assert.equal(new Set(names).size, names.length);
  assert.ok(names.includes("circle-alert"));
  assert.ok(!names.includes("alert-circle"));
});
