import assert from "node:assert/strict";
import { test } from "node:test";
import { clipWords, wordBoundaries } from "./edge-words";

const message = (events: unknown[]) => Buffer.from(JSON.stringify({ Metadata: events }));
const word = (text: string, offset: number, duration: number, boundaryType = "WordBoundary") => ({
  Type: "WordBoundary",
  Data: { Offset: offset, Duration: duration, text: { Text: text, Length: text.length, BoundaryType: boundaryType } },
});

test("word boundaries are read from Edge's metadata messages, in 100-ns ticks", () => {
  const words = wordBoundaries([
    message([word("Hello", 1_000_000, 3_250_000)]),
    message([word("world", 4_875_000, 5_000_000), { Type: "SessionEnd", Data: { Offset: 12_000_000 } }]),
  ]);
  assert.deepEqual(words, [
    { word: "Hello", offsetSeconds: 0.1, durationSeconds: 0.325 },
    { word: "world", offsetSeconds: 0.4875, durationSeconds: 0.5 },
  ]);
});

test("punctuation, sentence boundaries and broken messages are left out", () => {
  const words = wordBoundaries([
    message([word(",", 2_000_000, 10_000, "PunctuationBoundary")]),
    message([{ Type: "SentenceBoundary", Data: { Offset: 0, Duration: 9, text: { Text: "A whole sentence." } } }]),
    message([word("—", 3_000_000, 1)]),
    Buffer.from("{not json"),
    Buffer.from(JSON.stringify({ Metadata: "nope" })),
    message([{ Type: "WordBoundary", Data: { Offset: "1", Duration: 2, text: { Text: "bad" } } }]),
    message([word("kept", 5_000_000, 2_000_000), word("first", 1_000_000, 2_000_000)]),
  ]);
  assert.deepEqual(
    words.map((w) => w.word),
    ["first", "kept"],
  );
});

test("word times move into the clip and stay inside it", () => {
  const words = clipWords(
    [
      { word: "early", offsetSeconds: 0.05, durationSeconds: 0.2 },
      { word: "middle", offsetSeconds: 0.5, durationSeconds: 0.3 },
      { word: "late", offsetSeconds: 1.3, durationSeconds: 0.5 },
      { word: "after", offsetSeconds: 1.7, durationSeconds: 0.1 },
    ],
    -0.1,
    1.5,
  );
  const ms = (s: number) => Math.round(s * 1000);
  assert.deepEqual(
    words.map((w) => [w.word, ms(w.startSeconds), ms(w.endSeconds)]),
    [
      ["early", 0, 150],
      ["middle", 400, 700],
      ["late", 1200, 1500],
      ["after", 1500, 1500],
    ],
  );
});
