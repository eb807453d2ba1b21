import assert from "node:assert/strict";
import { test } from "node:test";
import { EDGE_VOICE_NAME, edgePitch, edgeRate, edgeVoiceLanguage, isPlainName, ssmlText } from "./edge-ssml";

test("narration is escaped as XML text: markup characters become entities", () => {
  assert.equal(ssmlText(`Tom & "Jerry" <speak> isn't </prosody>`), "Tom &amp; &quot;Jerry&quot; &lt;speak&gt; isn&apos;t &lt;/prosody&gt;");
  // An entity the narrator typed is spoken as typed, not resolved.
  assert.equal(ssmlText("&amp; &#60;"), "&amp;amp; &amp;#60;");
  assert.equal(ssmlText("plain words, 100%"), "plain words, 100%");
});

test("characters XML does not allow become spaces; tabs, newlines and emoji stay", () => {
  assert.equal(ssmlText("a\u0000b\u0007c\u000bd\u001fe"), "a b c d e");
  assert.equal(ssmlText("tab\there\nnew\r\nline"), "tab\there\nnew\r\nline");
  assert.equal(ssmlText("smile 😀 now"), "smile 😀 now");
  assert.equal(ssmlText("lone \ud83d surrogate \ude00 and \uffff"), "lone   surrogate   and  ");
});

test("rate percent becomes SSML's signed relative rate, clamped and whole", () => {
  assert.equal(edgeRate(0), "+0%");
  assert.equal(edgeRate(12), "+12%");
  assert.equal(edgeRate(-8.4), "-8%");
  assert.equal(edgeRate(-0.2), "+0%");
  assert.equal(edgeRate(90), "+25%");
  assert.equal(edgeRate(-90), "-30%");
  assert.equal(edgeRate(Number.NaN), "+0%");
});

test("pitch semitones become relative semitones; no change is +0Hz", () => {
  assert.equal(edgePitch(0), "+0Hz");
  assert.equal(edgePitch(2), "+2st");
  assert.equal(edgePitch(-1.5), "-1.5st");
  assert.equal(edgePitch(0.333), "+0.33st");
  assert.equal(edgePitch(7), "+2st");
  assert.equal(edgePitch(-7), "-2st");
  assert.equal(edgePitch(Number.POSITIVE_INFINITY), "+0Hz");
});

test("only plain names reach the SSML", () => {
  assert.ok(isPlainName("en-US-AriaNeural"));
  assert.ok(isPlainName("zh-CN-liaoning-XiaobeiNeural"));
  assert.ok(!isPlainName('en-US-Aria"><evil'));
  assert.ok(!isPlainName("en US"));
  assert.ok(!isPlainName(""));
  assert.ok(!isPlainName("-en"));
});

test("Edge voice names are recognised before the voice list is in", () => {
  for (const name of ["en-US-AriaNeural", "de-DE-KatjaNeural", "zh-CN-liaoning-XiaobeiNeural", "fil-PH-AngeloNeural"]) {
    assert.ok(EDGE_VOICE_NAME.test(name), name);
  }
  for (const name of ["en-us", "en-US-Aria", "EN-US-AriaNeural", "en-us-arianeural", "xx-nope"]) {
    assert.ok(!EDGE_VOICE_NAME.test(name), name);
  }
  assert.equal(edgeVoiceLanguage("zh-CN-liaoning-XiaobeiNeural"), "zh-CN");
  assert.equal(edgeVoiceLanguage("fil-PH-AngeloNeural"), "fil-PH");
});
