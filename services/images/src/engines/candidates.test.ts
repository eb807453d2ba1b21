import { test } from "node:test";
import assert from "node:assert/strict";
import { fitsSlide, pickCandidates, type Candidate } from "./candidates";

let next = 0;
const candidate = (title: string, width: number, height: number, rank = next++): Candidate => ({
  rank,
  title,
  url: `https://upload.example/${encodeURIComponent(title)}.jpg`,
  width,
  height,
  sourceUrl: "",
  author: "",
  license: "",
});
const titles = (cs: Candidate[]) => cs.map((c) => c.title);

test("fitsSlide: at least 320 px wide and an aspect from 1:2 to 5:2; unknown sizes wait for the download", () => {
  assert.equal(fitsSlide(1280, 853), true);
  assert.equal(fitsSlide(320, 640), true);
  assert.equal(fitsSlide(319, 200), false);
  assert.equal(fitsSlide(400, 801), false, "too tall");
  assert.equal(fitsSlide(2600, 1000), false, "too wide");
  assert.equal(fitsSlide(0, 0), true);
});

test("pickCandidates leaves out small and strip-shaped pictures", () => {
  const picked = pickCandidates("heart", [
    candidate("Heart icon", 120, 120, 0),
    candidate("Heart banner", 3000, 400, 1),
    candidate("Heart scroll", 500, 2000, 2),
    candidate("Heart diagram", 1280, 960, 3),
  ]);
  assert.deepEqual(titles(picked), ["Heart diagram"]);
});

test("pickCandidates prefers titles with the query's words, even over the API's first result", () => {
  const picked = pickCandidates("human heart valves", [
    candidate("Cardiology ward 1998", 1280, 960, 0),
    candidate("Heart valves of a human heart", 1280, 960, 1),
    candidate("Heart", 1280, 960, 2),
  ]);
  assert.deepEqual(titles(picked), ["Heart valves of a human heart", "Heart", "Cardiology ward 1998"]);
});

test("pickCandidates prefers wide enough pictures, then landscape ones, then the API's order", () => {
  const picked = pickCandidates("heart", [
    candidate("Heart small", 400, 300, 0),
    candidate("Heart portrait", 900, 1400, 1),
    candidate("Heart landscape", 1280, 853, 2),
    candidate("Heart square", 1000, 1000, 3),
  ], 4);
  assert.deepEqual(titles(picked), ["Heart landscape", "Heart square", "Heart portrait", "Heart small"]);
  const tie = pickCandidates("heart", [candidate("Heart one", 1280, 853, 0), candidate("Heart two", 1280, 853, 1)]);
  assert.deepEqual(titles(tie), ["Heart one", "Heart two"]);
});

test("pickCandidates keeps the best three, matching plural and singular forms", () => {
  const picked = pickCandidates("plant cells", [
    candidate("Cell", 1280, 853, 0),
    candidate("Onion", 1280, 853, 1),
    candidate("Plant cell under a microscope", 1280, 853, 2),
    candidate("Animal cells", 1280, 853, 3),
    candidate("Plants", 1280, 853, 4),
  ]);
  assert.equal(picked.length, 3);
  assert.equal(picked[0]!.title, "Plant cell under a microscope");
  assert.ok(!titles(picked).includes("Onion"));
});
