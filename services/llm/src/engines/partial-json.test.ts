import { test } from "node:test";
import assert from "node:assert/strict";
import { completeStrings, PartialJsonReader, stringField, type PartialValue } from "./partial-json";
import { findJsonObject } from "./structured";

/** The value read so far as plain JSON data (an incomplete string as its text so far). */
function plain(value: PartialValue | undefined): unknown {
  if (!value) return undefined;
  switch (value.type) {
    case "string":
      return value.text;
    case "literal":
      return JSON.parse(value.text);
    case "array":
      return value.items.map(plain);
    case "object":
      return Object.fromEntries([...value.fields].map(([k, v]) => [k, plain(v)]));
  }
}

/** A deep copy with the complete flags, to compare one prefix's reading with the next. */
function snapshot(value: PartialValue | undefined): unknown {
  if (!value) return undefined;
  switch (value.type) {
    case "string":
    case "literal":
      return { ...value };
    case "array":
      return { type: "array", complete: value.complete, items: value.items.map(snapshot) };
    case "object":
      return { type: "object", complete: value.complete, fields: [...value.fields].map(([k, v]) => [k, snapshot(v)]) };
  }
}

type Snap = { type: string; complete: boolean; text?: string; items?: Snap[]; fields?: Array<[string, Snap]> };

/** `after` is `before` grown: nothing complete changed, no string lost text, no item or field went away or moved. */
function assertGrew(before: Snap | undefined, after: Snap | undefined, where = "root"): void {
  if (!before) return;
  // A "{" in the prose before the answer is given up, but it never showed anything.
  if (where === "root" && !after && before.fields?.length === 0) return;
  assert.ok(after, `${where} went away`);
  assert.equal(after.type, before.type, `${where} changed type`);
  if (before.complete) assert.deepEqual(after, before, `${where} changed after it was complete`);
  if (before.type === "string" || before.type === "literal") {
    assert.ok(after.text!.startsWith(before.text!), `${where}: ${JSON.stringify(before.text)} became ${JSON.stringify(after.text)}`);
  } else if (before.type === "array") {
    assert.ok(after.items!.length >= before.items!.length, `${where} lost items`);
    before.items!.forEach((item, i) => assertGrew(item, after.items![i], `${where}[${i}]`));
  } else {
    assert.ok(after.fields!.length >= before.fields!.length, `${where} lost fields`);
    before.fields!.forEach(([key, value], i) => {
      assert.equal(after.fields![i][0], key, `${where}: field ${i} moved`);
      assertGrew(value, after.fields![i][1], `${where}.${key}`);
    });
  }
}

const outline = { title: "Tides: the \"Moon's\" pull \\ and more", slides: ["What tides are", "Why\nthey matter", "Tab\there", "Über Gezeiten 🌊", "月と潮"] };
const slide = {
  title: "How tides work",
  bullets: ["The Moon pulls", "Two bulges 🌍🌕", "Twice a day"],
  image_query: "ocean tide",
  narration: "The Moon pulls the sea. That makes two bulges! Why twice a day? Because the Earth turns.",
  extra: { nested: [1, -2.5e3, true, false, null, { deep: "x" }], empty: [], none: {} },
};

/** Escaped every way JSON allows: \u escapes for everything outside ASCII (surrogate pairs as two escapes), \/ for slashes. */
const asciiOnly = (value: unknown) =>
  JSON.stringify(value, null, 2)
    .replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`)
    .replace(/\//g, "\\/");

const answers = [
  JSON.stringify(outline),
  JSON.stringify(slide, null, 2),
  asciiOnly(slide),
  asciiOnly(outline).replace(/\\u([0-9a-f]{4})/g, (_, hex: string) => `\\u${hex.toUpperCase()}`),
  `Sure! Here is the {outline} you asked for:\n\n\`\`\`json\n${JSON.stringify(outline, null, 2)}\n\`\`\`\n\nAnything else? {"not": "this"}`,
];

test("every prefix of an answer reads as a value that only grows, and the whole answer as JSON.parse reads it", () => {
  for (const answer of answers) {
    const reader = new PartialJsonReader();
    let before: Snap | undefined;
    for (const c of answer) {
      // One UTF-16 unit at a time for BMP text; a whole code point is what `for…of` gives, so split pairs explicitly.
      for (const unit of c.length === 2 ? [c[0], c[1]] : [c]) {
        reader.push(unit);
        const after = snapshot(reader.root) as Snap | undefined;
        assertGrew(before, after);
        before = after;
        assert.equal(reader.problem, undefined);
      }
    }
    assert.ok(reader.done, answer);
    const found = findJsonObject(answer);
    assert.ok(found.ok);
    assert.deepEqual(plain(reader.root), found.value);
  }
});

test("the same answer in pieces of any size reads the same", () => {
  for (const answer of answers) {
    const whole = plain(new PartialJsonReader().push(answer).root);
    for (const size of [1, 2, 3, 5, 7, 16, 64]) {
      const reader = new PartialJsonReader();
      for (let at = 0; at < answer.length; at += size) reader.push(answer.slice(at, at + size));
      assert.deepEqual(plain(reader.root), whole, `pieces of ${size}`);
    }
  }
});

test("complete titles and bullets are only ever ones of the final answer, never a part of one", () => {
  for (const answer of [JSON.stringify(outline), asciiOnly(outline), JSON.stringify(slide, null, 2), asciiOnly(slide)]) {
    const final = JSON.parse(answer) as Record<string, unknown>;
    const reader = new PartialJsonReader();
    let titles = 0;
    for (let at = 0; at < answer.length; at++) {
      reader.push(answer[at]);
      const title = stringField(reader.root, "title");
      if (title?.complete) assert.equal(title.text, final.title);
      else if (title) assert.ok((final.title as string).startsWith(title.text), `title so far ${JSON.stringify(title.text)}`);
      for (const key of ["slides", "bullets"]) {
        const done = completeStrings(reader.root, key);
        if (!final[key]) continue;
        assert.deepEqual(done, (final[key] as string[]).slice(0, done.length));
        titles = Math.max(titles, done.length);
      }
      const narration = stringField(reader.root, "narration");
      if (narration) assert.ok((final.narration as string).startsWith(narration.text));
    }
    assert.equal(titles, ((final.slides ?? final.bullets) as string[]).length);
  }
});

test("an incomplete string gives its text so far, without half an escape or half a surrogate pair", () => {
  const text = (answer: string) => stringField(new PartialJsonReader().push(answer).root, "t");
  assert.deepEqual(text('{"t": "Tid'), { type: "string", text: "Tid", complete: false });
  assert.deepEqual(text('{"t": "a\\'), { type: "string", text: "a", complete: false });
  assert.deepEqual(text('{"t": "a\\"b'), { type: "string", text: 'a"b', complete: false });
  assert.deepEqual(text('{"t": "x\\u00'), { type: "string", text: "x", complete: false });
  assert.deepEqual(text('{"t": "x\\u00e9'), { type: "string", text: "xé", complete: false });
  assert.deepEqual(text('{"t": "x\\ud83c'), { type: "string", text: "x", complete: false });
  assert.deepEqual(text('{"t": "x\\ud83c\\udf0a'), { type: "string", text: "x🌊", complete: false });
  assert.deepEqual(text('{"t": "x\uD83C'), { type: "string", text: "x", complete: false });
  assert.deepEqual(text('{"t": "x\\ud83c"'), { type: "string", text: "x\ud83c", complete: true }, "a lone surrogate is kept, as JSON.parse keeps it");
  assert.equal(JSON.parse('"x\\ud83c"'), "x\ud83c");
  assert.equal(text('{"t"'), undefined, "a field appears once its value starts");
  assert.deepEqual(completeStrings(new PartialJsonReader().push('{"s": ["one", "tw').root, "s"), ["one"]);
  assert.deepEqual(completeStrings(new PartialJsonReader().push('{"s": ["one", 2, "three"]').root, "s"), ["one"], "up to the first item that is not a string");
  assert.deepEqual(completeStrings(new PartialJsonReader().push('{"s": "one"}').root, "s"), []);
});

test("a brace in the prose before the answer is skipped; JSON broken after a field freezes what was read", () => {
  const skipped = new PartialJsonReader().push('I made a {plan}: {oops} and {"title": "Tides", "slides": ["A"]}');
  assert.deepEqual(plain(skipped.root), { title: "Tides", slides: ["A"] });
  assert.ok(skipped.done);

  const broken = new PartialJsonReader().push('{"title": "Tides", "slides": ["A", "B",, "C"]}');
  assert.equal(broken.done, false);
  assert.equal(broken.problem, '"," where a value should be');
  assert.deepEqual(plain(broken.root), { title: "Tides", slides: ["A", "B"] });
  broken.push(', "more": "x"}');
  assert.deepEqual(plain(broken.root), { title: "Tides", slides: ["A", "B"] }, "nothing is read after the break");

  assert.equal(new PartialJsonReader().push('{"t": "a\nb"}').problem, "a control character inside a string");
  assert.equal(new PartialJsonReader().push('{"t": "a", "n": 01x}').problem, '"01x" where a value should be');
  assert.equal(new PartialJsonReader().push('{"t": "a" "n": 1}').problem, '"\\"" after a value');
  assert.equal(new PartialJsonReader().push('{"t": "a\\q"}').problem, "an invalid escape \\q");

  const trailing = new PartialJsonReader().push('{"title": "Tides",}');
  assert.equal(trailing.problem, '"}" where a key should be');

  const nothing = new PartialJsonReader().push("I cannot help with that. {}");
  assert.deepEqual(plain(nothing.root), {});
  assert.equal(new PartialJsonReader().push("no JSON here").root, undefined);
});

test("text after the object is not read", () => {
  const reader = new PartialJsonReader().push('{"a": 1} {"b": 2}');
  assert.ok(reader.done);
  assert.deepEqual(plain(reader.root), { a: 1 });
  assert.equal(reader.text, '{"a": 1} {"b": 2}');
});
