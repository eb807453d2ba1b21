import assert from "node:assert/strict";
import { test } from "node:test";
import type { Voice } from "./engines/engine";
import { findVoice, voicesForLanguage } from "./voices";

const voice = (name: string, language: string): Voice => ({ name, language, description: name, engine: "espeak" });
const VOICES = [voice("en-us", "en-US"), voice("en-gb-scotland", "en-GB-scotland"), voice("en", "en"), voice("enm", "enm"), voice("fr-fr", "fr-FR")];

test("voices are found by name whatever the case", () => {
  assert.equal(findVoice(VOICES, "EN-US")?.name, "en-us");
  assert.equal(findVoice(VOICES, " fr-fr ")?.name, "fr-fr");
  assert.equal(findVoice(VOICES, "en-u"), undefined);
});

test("a language prefix matches whole subtags, case-insensitively", () => {
  assert.deepEqual(voicesForLanguage(VOICES, "en").map((v) => v.name), ["en-us", "en-gb-scotland", "en"]);
  assert.deepEqual(voicesForLanguage(VOICES, "EN-gb").map((v) => v.name), ["en-gb-scotland"]);
  assert.deepEqual(voicesForLanguage(VOICES, "e").map((v) => v.name), []);
  assert.equal(voicesForLanguage(VOICES, "").length, VOICES.length);
});
