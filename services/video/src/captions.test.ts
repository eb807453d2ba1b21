import { test } from "node:test";
import assert from "node:assert/strict";
import {
  alignWords,
  buildCaptions,
  escapeVtt,
  lineRule,
  MAX_LINE_CHARS,
  MAX_LINES_PER_CUE,
  neutraliseSrt,
  segmentCues,
  toSrt,
  toWebVtt,
  type CaptionSegment,
  WIDE_LINE_CHARS,
} from "./captions";

const segment = (text: string, startSeconds: number, endSeconds: number, words: CaptionSegment["words"] = []): CaptionSegment => ({
  text,
  startSeconds,
  endSeconds,
  words,
});

const LONG =
  "Photosynthesis turns light into chemical energy. Plants, algae and some bacteria do it, " +
  "and almost every food chain on Earth starts with them, which is why we begin the course here.";

test("a short segment is one cue of one line over the whole segment", () => {
  assert.deepEqual(segmentCues(segment("  Hello,\n world!  ", 1, 2.5)), [{ startSeconds: 1, endSeconds: 2.5, lines: ["Hello, world!"] }]);
});

test("a long segment is split into cues of at most two lines of 42 characters, keeping every word in order", () => {
  const cues = segmentCues(segment(LONG, 10, 22));
  assert.ok(cues.length > 1);
  for (const cue of cues) {
    assert.ok(cue.lines.length >= 1 && cue.lines.length <= MAX_LINES_PER_CUE);
    for (const line of cue.lines) assert.ok(line.length <= MAX_LINE_CHARS, `"${line}" is ${line.length} characters`);
  }
  assert.equal(cues.flatMap((c) => c.lines).join(" "), LONG);
  assert.equal(cues[0].startSeconds, 10);
  assert.equal(cues.at(-1)!.endSeconds, 22);
  cues.slice(1).forEach((cue, i) => assert.equal(cue.startSeconds, cues[i].endSeconds));
});

test("without word timings a cue's share of the segment is its share of the characters", () => {
  // 40 + 1 + 40 characters fill the first cue's two lines; the third word starts at character 82 of 122.
  const a = "a".repeat(40);
  const b = "b".repeat(40);
  const c = "c".repeat(40);
  const cues = segmentCues(segment(`${a} ${b} ${c}`, 0, 12.2));
  assert.deepEqual(
    cues.map((q) => q.lines),
    [[a, b], [c]],
  );
  assert.ok(Math.abs(cues[1].startSeconds - (12.2 * 82) / 122) < 1e-9);
});

test("with word timings a cue starts when its first word is spoken", () => {
  const text = `${"one ".repeat(30)}two three four`;
  const tokens = text.trim().split(" ");
  const words = tokens.map((word, i) => ({ word, startSeconds: 5 + i * 0.25 }));
  const cues = segmentCues(segment(text, 5, 11, words));
  assert.ok(cues.length >= 2);
  const firstTokenOfCue2 = cues[0].lines.join(" ").split(" ").length;
  assert.equal(cues[1].startSeconds, words[firstTokenOfCue2].startSeconds);
  assert.equal(cues[0].startSeconds, 5);
  assert.equal(cues.at(-1)!.endSeconds, 11);
});

test("word timings that would give a cue no time fall back to characters", () => {
  const text = `${"x".repeat(40)} ${"y".repeat(40)} ${"z".repeat(40)}`;
  const words = [
    { word: "x".repeat(40), startSeconds: 0 },
    { word: "y".repeat(40), startSeconds: 0 },
    { word: "z".repeat(40), startSeconds: 0 }, // spoken at the very start: a zero-length first cue
  ];
  const cues = segmentCues(segment(text, 0, 12.2, words));
  assert.ok(Math.abs(cues[1].startSeconds - (12.2 * 82) / 122) < 1e-9);
});

test("alignWords matches tokens to spoken words despite case, punctuation, joined and extra words", () => {
  const tokens = ["Hello,", "state-of-the-art", "—", "World!", "again"];
  const words = ["hello", "state", "of", "the", "art", "uh", "world", "again"].map((word, i) => ({ word, startSeconds: i }));
  assert.deepEqual(alignWords(tokens, words), [0, 1, undefined, 6, 7]);
});

test("alignWords leaves a token it cannot find untimed and carries on", () => {
  const words = ["the", "year", "two", "thousand", "ended"].map((word, i) => ({ word, startSeconds: i }));
  assert.deepEqual(alignWords(["The", "year", "2000", "ended"], words), [0, 1, undefined, 4]);
});

test("a word longer than a line is cut across lines, not dropped", () => {
  const word = "x".repeat(100);
  const cues = segmentCues(segment(`see ${word} here`, 0, 3));
  const lines = cues.flatMap((c) => c.lines);
  assert.ok(lines.every((l) => l.length <= MAX_LINE_CHARS));
  assert.equal(lines.join("").replace(/ /g, ""), `see${word}here`);
});

test("cues never overlap, even when rounding to milliseconds makes segments touch", () => {
  const captions = buildCaptions([segment("First part.", 0, 1.0009), segment("Second part.", 0.9996, 2), segment("   ", 2, 3)]);
  assert.equal(captions.length, 2);
  assert.deepEqual(captions[0], { startMs: 0, endMs: 1001, lines: ["First part."] });
  assert.deepEqual(captions[1], { startMs: 1001, endMs: 2000, lines: ["Second part."] });
});

test("WebVTT escapes markup so caption text can't inject tags or end a cue's timing line", () => {
  assert.equal(escapeVtt("a < b && c > d"), "a &lt; b &amp;&amp; c &gt; d");
  const vtt = toWebVtt(buildCaptions([segment("<b>bold</b> --> & more", 0, 2)]));
  assert.equal(vtt, "WEBVTT\n\n1\n00:00:00.000 --> 00:00:02.000\n&lt;b&gt;bold&lt;/b&gt; --&gt; &amp; more\n");
});

test("SRT has numbered cues with HH:MM:SS,mmm times and no tags a player would read", () => {
  const srt = toSrt(buildCaptions([segment("Hi <i>there</i> {\\an8}", 3723.456, 3725), segment(LONG, 3725, 3740)]));
  const blocks = srt.trim().split("\n\n");
  assert.ok(blocks.length >= 3);
  blocks.forEach((block, i) => {
    assert.match(block, new RegExp(`^${i + 1}\\n\\d\\d:\\d\\d:\\d\\d,\\d{3} --> \\d\\d:\\d\\d:\\d\\d,\\d{3}\\n.+`));
  });
  assert.ok(blocks[0].startsWith("1\n01:02:03,456 --> 01:02:05,000\n"));
  const text = srt.split("\n").filter((line) => !line.includes(" --> "));
  assert.ok(!text.some((line) => /[<>{]/.test(line)));
  assert.equal(neutraliseSrt("<i>{x}</i>"), "\u2039i\u203a\uff5bx}\u2039/i\u203a");
});

test("no segments give an empty but valid WebVTT file", () => {
  assert.equal(toWebVtt([]), "WEBVTT\n");
  assert.equal(toSrt([]), "");
});

test("Japanese lines hold 20 characters and break between words, with no space added and none lost", () => {
  const text = "光合成は、植物が光のエネルギーを使って、水と二酸化炭素から糖を作る働きです。この働きは葉の葉緑体で起こります。";
  const cues = segmentCues(segment(text, 0, 10), "ja");
  const lines = cues.flatMap((c) => c.lines);
  assert.ok(lines.length >= 3, lines.join("|"));
  for (const line of lines) {
    assert.ok([...line].length <= WIDE_LINE_CHARS, `"${line}" is ${[...line].length} characters`);
    assert.ok(!line.includes(" "), `"${line}" has a space`);
    assert.ok(!/^[、。）」]/u.test(line), `"${line}" starts with closing punctuation`);
  }
  assert.equal(lines.join(""), text);
  // Between words, not inside them: the segmenter's words are whole on their line.
  assert.ok(lines.some((l) => l.endsWith("、") || l.endsWith("。")), lines.join("|"));
});

test("in Chinese or Japanese, the spaces the text has are kept, and a Latin word stays whole", () => {
  const text = "DNA は デオキシリボ核酸 (deoxyribonucleic acid) の略です。遺伝情報を運ぶ分子です。";
  const lines = segmentCues(segment(text, 0, 6), "ja").flatMap((c) => c.lines);
  assert.equal(lines.join(" ").replace(/ /g, ""), text.replace(/ /g, ""));
  assert.ok(lines.every((l) => [...l].length <= WIDE_LINE_CHARS), lines.join("|"));
  assert.ok(lines.some((l) => /\bdeoxyribonucleic\b/.test(l)), lines.join("|"));
  assert.ok(lines.some((l) => l.includes("DNA は デオキシリボ核酸")), lines.join("|"));
});

test("the line rule follows the writing system: wide and unspaced, wide and spaced, unspaced, spaced", () => {
  assert.deepEqual(
    ["ja", "zh-TW", "ko", "th", "hi", "ar", "en", ""].map((language) => lineRule(language)),
    [
      { maxChars: WIDE_LINE_CHARS, spaced: false },
      { maxChars: WIDE_LINE_CHARS, spaced: false },
      { maxChars: WIDE_LINE_CHARS, spaced: true },
      { maxChars: MAX_LINE_CHARS, spaced: false },
      { maxChars: MAX_LINE_CHARS, spaced: true },
      { maxChars: MAX_LINE_CHARS, spaced: true },
      { maxChars: MAX_LINE_CHARS, spaced: true },
      { maxChars: MAX_LINE_CHARS, spaced: true },
    ],
  );
});

test("Thai breaks between the words the segmenter finds; Hindi and Arabic wrap at their spaces like English", () => {
  const thai = "การสังเคราะห์ด้วยแสงเป็นกระบวนการที่พืชใช้พลังงานจากแสงอาทิตย์เพื่อสร้างน้ำตาลจากน้ำและคาร์บอนไดออกไซด์";
  const thaiLines = segmentCues(segment(thai, 0, 8), "th").flatMap((c) => c.lines);
  assert.ok(thaiLines.length >= 2 && thaiLines.every((l) => [...l].length <= MAX_LINE_CHARS), thaiLines.join("|"));
  assert.equal(thaiLines.join(""), thai);
  assert.ok(thaiLines.some((l) => l.startsWith("พลังงาน") || l.startsWith("เพื่อ") || l.startsWith("แสง") || l.startsWith("จาก") || l.startsWith("ที่") || l.startsWith("ใช้")), thaiLines.join("|"));

  const hindi = "प्रकाश संश्लेषण वह प्रक्रिया है जिसके द्वारा हरे पौधे सूर्य के प्रकाश की उपस्थिति में भोजन बनाते हैं।";
  const hindiLines = segmentCues(segment(hindi, 0, 8), "hi").flatMap((c) => c.lines);
  assert.ok(hindiLines.length >= 2 && hindiLines.every((l) => [...l].length <= MAX_LINE_CHARS), hindiLines.join("|"));
  assert.equal(hindiLines.join(" "), hindi);
});

test("captions in order across segments, whatever the script", () => {
  const segments = [segment("पहला वाक्य।", 0, 1), segment("दूसरा वाक्य।", 1, 2), segment("तीसरा वाक्य।", 2, 3)];
  const captions = buildCaptions(segments, "hi");
  assert.deepEqual(captions.map((c) => c.lines.join(" ")), ["पहला वाक्य।", "दूसरा वाक्य।", "तीसरा वाक्य।"]);
  captions.slice(1).forEach((c, i) => assert.ok(c.startMs >= captions[i].endMs));
});
