import assert from "node:assert/strict";
import { test } from "node:test";
import type { Voice } from "./engines/engine";
import { espeakVoiceFor, findVoice, voiceFor, voicesForLanguage } from "./voices";

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

test("an Edge voice's language finds the espeak-ng voice to stand in for it", () => {
  const fallback = voice("en-us", "en-US");
  const espeak = [fallback, voice("en-gb", "en-GB"), voice("de", "de"), voice("pt", "pt-PT"), voice("fr-fr", "fr-FR")];
  const standIn = (language: string) => espeakVoiceFor(language, espeak, fallback).name;
  assert.equal(standIn("en-GB"), "en-gb");
  assert.equal(standIn("de-DE"), "de");
  assert.equal(standIn("pt-BR"), "pt");
  assert.equal(standIn("fr-CA"), "fr-fr");
  assert.equal(standIn("ja-JP"), "en-us");
});

test("a lecture's language finds the voice that speaks it best: likely region first, a plain voice before a variant", () => {
  const espeak = [voice("en-029", "en-029"), voice("en-gb-x-rp", "en-GB-x-rp"), voice("en-us", "en-US"), voice("cmn-latn-pinyin", "cmn-Latn-pinyin"), voice("cmn", "cmn"), voice("pt", "pt"), voice("pt-br", "pt-BR"), voice("hi", "hi")];
  const cases: Array<[string, string | undefined]> = [["en", "en-us"], ["en-GB", "en-gb-x-rp"], ["zh", "cmn"], ["zh-Latn", "cmn-latn-pinyin"], ["pt", "pt-br"], ["pt-PT", "pt"], ["hi", "hi"], ["ja", undefined]];
  for (const [language, name] of cases) assert.equal(voiceFor(language, espeak)?.name, name, language);
});
