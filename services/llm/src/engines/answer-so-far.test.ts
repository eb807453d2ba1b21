import { test } from "node:test";
import assert from "node:assert/strict";
import { narrationSoFar, outlineSoFar, slideSoFar } from "./answer-so-far";
import { PartialJsonReader } from "./partial-json";
import { LIMITS, outlineSchema } from "./schemas";

const read = (text: string) => new PartialJsonReader().push(text).root!;

test("the narration so far ends with its last complete sentence: one is complete once the next has started", () => {
  assert.equal(narrationSoFar("The Moon pulls the sea", false, "en"), "");
  assert.equal(narrationSoFar("The Moon pulls the sea.", false, "en"), "", "the sentence may go on (\"sea.\" could be \"sea...\")");
  assert.equal(narrationSoFar("The Moon pulls the sea. Th", false, "en"), "The Moon pulls the sea.");
  assert.equal(narrationSoFar("The Moon pulls the sea! Why twice a day? Bec", false, "en"), "The Moon pulls the sea! Why twice a day?");
  assert.equal(narrationSoFar("The Moon pulls the sea.\n\nA new paragraph", false, "en"), "The Moon pulls the sea.");
  assert.equal(narrationSoFar("The Moon pulls the sea.  \n  And  the", false, "en"), "The Moon pulls the sea.", "white space as the model wrote it");
  assert.equal(narrationSoFar("One. Two  and\nthree. Fo", false, "en"), "One. Two  and\nthree.");
  assert.equal(narrationSoFar("We meet Dr. Smith", false, "en"), "", "an abbreviation does not end a sentence");
  assert.equal(narrationSoFar("We meet Dr. Smith today. He", false, "en"), "We meet Dr. Smith today.");
  assert.equal(narrationSoFar("月が海を引く。潮が", false, "ja"), "月が海を引く。");
  assert.equal(narrationSoFar("चाँद समुद्र को खींचता है। ज्वार", false, "hi"), "चाँद समुद्र को खींचता है।");
  assert.equal(narrationSoFar(" The whole narration, closed ", true, "en"), "The whole narration, closed");
});

test("a narration written piece by piece only grows, by whole sentences", () => {
  const narration = "The Moon pulls the sea. That makes two bulges! Why twice a day? Because the Earth turns, e.g. once a day.\n\nThat is all.";
  let before = "";
  const seen = new Set<string>();
  for (let at = 0; at <= narration.length; at++) {
    const soFar = narrationSoFar(narration.slice(0, at), at === narration.length, "en");
    assert.ok(soFar.startsWith(before), `${JSON.stringify(before)} became ${JSON.stringify(soFar)}`);
    before = soFar;
    seen.add(soFar);
  }
  assert.deepEqual([...seen], [
    "",
    "The Moon pulls the sea.",
    "The Moon pulls the sea. That makes two bulges!",
    "The Moon pulls the sea. That makes two bulges! Why twice a day?",
    "The Moon pulls the sea. That makes two bulges! Why twice a day? Because the Earth turns, e.g. once a day.",
    narration,
  ]);
});

test("a slide so far has each field once it is complete and the schema takes it", () => {
  const empty = { index: 2, title: "", bullets: [], imageQuery: "", narration: "" };
  assert.deepEqual(slideSoFar(read('{"title": "How tides wo'), 2, "en", ""), empty);
  assert.deepEqual(slideSoFar(read('{"title": " How tides work ", "bullets": ["Gravity", "Two bul'), 2, "en", ""), {
    ...empty,
    title: "How tides work",
    bullets: ["Gravity"],
  });
  assert.deepEqual(slideSoFar(read('{"title": "How tides work", "bullets": ["Gravity", ""], "narration": "The Moon pulls. It'), 2, "en", "ocean tide"), {
    ...empty,
    title: "How tides work",
    bullets: ["Gravity"],
    imageQuery: "ocean tide",
    narration: "The Moon pulls.",
  }, "an empty bullet, which the schema refuses, stops the bullets; the image query is the outline's, from the start");
  const tooMany = JSON.stringify(Array.from({ length: LIMITS.maxBullets + 2 }, (_, i) => `Bullet ${i}`));
  assert.equal(slideSoFar(read(`{"bullets": ${tooMany}`), 0, "en", "").bullets.length, LIMITS.maxBullets);
  assert.equal(slideSoFar(read(`{"title": "${"x".repeat(LIMITS.slideTitle + 1)}"`), 0, "en", "").title, "", "a title the schema refuses is not given");
});

test("an outline so far has its title once complete and its complete slides (title and image query), at most the asked number", () => {
  const schema = outlineSchema(3);
  const slide = (title: string, query = title.toLowerCase()) => `{"title": "${title}", "image_query": "${query}"}`;
  assert.deepEqual(outlineSoFar(read('{"title": "Tid'), schema, 3), { title: "", slideTitles: [], imageQueries: [] });
  assert.deepEqual(outlineSoFar(read(`{"title": "Tides", "slides": [${slide("What tides are", " ocean tide ")}, {"title": "Why"`), schema, 3), {
    title: "Tides",
    slideTitles: ["What tides are"],
    imageQueries: ["ocean tide"],
  });
  assert.deepEqual(
    outlineSoFar(read(`{"title": "Tides", "slides": [${slide("One")}, {"title": "Two", "image_query": "two tides"`), schema, 3).slideTitles,
    ["One"],
    "a slide is handed out once its object is closed, its image query with its title",
  );
  assert.deepEqual(outlineSoFar(read(`{"title": "Tides", "slides": [${["One", "Two", "Three", "Four"].map((t) => slide(t)).join(", ")}]}`), schema, 3), {
    title: "Tides",
    slideTitles: ["One", "Two", "Three"],
    imageQueries: ["one", "two", "three"],
  });
  assert.deepEqual(outlineSoFar(read(`{"title": "Tides", "slides": [${slide("One")}, ${slide("X")}, ${slide("Three")}]}`), schema, 3).slideTitles, ["One"], "a title too short stops them");
  assert.deepEqual(outlineSoFar(read(`{"title": "Tides", "slides": [${slide("One")}, {"title": "Two"}, ${slide("Three")}]}`), schema, 3).slideTitles, ["One"], "so does a slide without its image query");
  assert.deepEqual(outlineSoFar(read(`{"title": "Tides", "slides": [${slide("One", "x".repeat(LIMITS.imageQuery + 1))}]}`), schema, 3).slideTitles, [], "and an image query too long");
});
