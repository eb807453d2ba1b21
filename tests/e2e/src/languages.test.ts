// Lectures in Hindi, Japanese and Arabic, each a script with no language and no
// voice named, through all six services as processes: the language is detected,
// the voice speaks it, the deck and the frames draw its own script (Arabic right
// to left), the captions follow the narration in order, and the MP4 carries them
// as a subtitle track tagged with the language.
import { after, before, describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import JSZip from "jszip";
import { parseScript } from "@lectra/lecture";
import { speechClient } from "@lectra/clients";
import { JobState, Stage } from "@lectra/proto";
import { checkCaptions, frameAt, probe } from "@lectra/testing";
import { run, startStack, type Run, type Stack } from "./stack";

interface Lecture {
  language: string;
  /** The MP4 subtitle track's ISO 639-2 tag. */
  track: string;
  /** The Noto family the deck names for the script. */
  font: RegExp;
  rightToLeft: boolean;
  script: string;
}

const LECTURES: Lecture[] = [
  {
    language: "hi",
    track: "hin",
    font: /Noto Sans Devanagari/,
    rightToLeft: false,
    script: `# प्रकाश संश्लेषण

## पौधे भोजन कैसे बनाते हैं
- पत्तियाँ सूरज की रोशनी पकड़ती हैं
- जड़ें पानी लाती हैं
Image: leaf

पौधे सूरज की रोशनी से अपना भोजन बनाते हैं। इस प्रक्रिया को प्रकाश संश्लेषण कहते हैं। पत्तियों में हरा रंग इसी काम में मदद करता है।

## ऑक्सीजन का उपहार
- हवा से कार्बन डाइऑक्साइड
- बदले में ऑक्सीजन

पौधे हवा से कार्बन डाइऑक्साइड लेते हैं। बदले में वे ऑक्सीजन छोड़ते हैं। हम उसी ऑक्सीजन में साँस लेते हैं।
`,
  },
  {
    language: "ja",
    track: "jpn",
    font: /Noto Sans JP/,
    rightToLeft: false,
    script: `# 光合成のしくみ

## 植物はどうやって栄養を作るのか
- 葉は太陽の光を集める
- 根は水を吸い上げる
Image: leaf

植物は太陽の光から栄養を作ります。このはたらきを光合成といいます。葉の緑色の色素が光を受け止めます。

## 酸素のおくりもの
- 空気から二酸化炭素を取り入れる
- かわりに酸素を出す

植物は空気から二酸化炭素を取り入れます。そのかわりに酸素を出します。私たちはその酸素で呼吸しています。
`,
  },
  {
    language: "ar",
    track: "ara",
    font: /Noto Sans Arabic/,
    rightToLeft: true,
    script: `# البناء الضوئي

## كيف تصنع النباتات غذاءها
- الأوراق تلتقط ضوء الشمس
- الجذور تمتص الماء
Image: leaf

تصنع النباتات غذاءها من ضوء الشمس. تسمى هذه العملية البناء الضوئي. يساعد اللون الأخضر في الأوراق على التقاط الضوء.

## هدية الأكسجين
- ثاني أكسيد الكربون من الهواء
- الأكسجين في المقابل

تأخذ النباتات ثاني أكسيد الكربون من الهواء. وفي المقابل تطلق الأكسجين. ونحن نتنفس هذا الأكسجين.
`,
  },
];

/** Where the title's light text sits in the default theme's dark title band: its first and last columns. */
function titleColumns(rgb: Buffer): { left: number; right: number } {
  const [width, top, bottom] = [1920, 20, 200];
  let [left, right] = [width, -1];
  for (let x = 0; x < width; x++) {
    for (let y = top; y < bottom; y += 2) {
      const i = (y * width + x) * 3;
      if (rgb[i] > 200 && rgb[i + 1] > 200 && rgb[i + 2] > 200) {
        left = Math.min(left, x);
        right = Math.max(right, x);
        break;
      }
    }
  }
  return { left, right };
}

describe("lectures in Hindi, Japanese and Arabic", () => {
  let stack: Stack;
  const results = new Map<string, { run: Run; dir: string }>();

  before(async () => {
    stack = await startStack();
    for (const lecture of LECTURES) {
      const result = await run(stack.client, { source: { $case: "script", value: lecture.script } });
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), `lectra-${lecture.language}-`));
      for (const a of result.job?.artifacts ?? []) {
        const chunks: Buffer[] = [];
        for await (const part of stack.client.downloadArtifact({ jobId: result.job!.id, name: a.name })) chunks.push(part.chunk);
        fs.writeFileSync(path.join(dir, a.name), Buffer.concat(chunks));
      }
      results.set(lecture.language, { run: result, dir });
    }
  });

  after(async () => {
    await stack?.stop();
    for (const { dir } of results.values()) fs.rmSync(dir, { recursive: true, force: true });
  });

  for (const lecture of LECTURES) {
    const script = parseScript(lecture.script);

    describe(lecture.language, () => {
      const result = () => results.get(lecture.language)!;

      it("is detected, spoken by a voice of that language, with nothing left undrawn", async () => {
        const { run: r } = result();
        assert.equal(r.job?.state, JobState.JOB_STATE_SUCCEEDED, r.job?.error?.message);
        assert.equal(r.job!.language, lecture.language);
        const speech = speechClient(stack.services.get("speech")!.address);
        const { voices } = await speech.listVoices({ language: "" }).finally(() => speech.downstream.close());
        const voice = voices.find((v) => v.name === r.job!.voice);
        assert.equal(voice?.language.split("-")[0], lecture.language, `voice ${r.job!.voice}`);
        assert.deepEqual(r.job!.warnings, [], "no warnings: every character has a glyph, the voice speaks the language");
        const spoken = r.events.filter((e) => e.kind?.$case === "stage" && e.kind.value.stage === Stage.STAGE_SPEECH && e.kind.value.detail.includes(r.job!.voice));
        assert.equal(spoken.length, script.slides.length, "every slide spoken in that voice");
      });

      it("the deck shows the slides in their script, in the Noto family for it", async () => {
        const zip = await JSZip.loadAsync(fs.readFileSync(path.join(result().dir, "deck.pptx")));
        for (let i = 0; i < script.slides.length; i++) {
          const xml = await zip.file(`ppt/slides/slide${i + 1}.xml`)!.async("string");
          assert.ok(xml.includes(script.slides[i].title), `slide ${i + 1} shows its title`);
          assert.match(xml, lecture.font, `slide ${i + 1} names the font for its script`);
          if (lecture.rightToLeft) assert.match(xml, /rtl="1"/, `slide ${i + 1} is laid out right to left`);
        }
      });

      it("the captions say the narration in order, inside the audio", () => checkCaptions(result().dir, script));

      it("the MP4 carries the captions as a subtitle track tagged with the language", () => {
        const info = probe(path.join(result().dir, "lecture.mp4"));
        const subtitles = info.streams.filter((s) => s.codec_type === "subtitle");
        assert.equal(subtitles.length, 1);
        assert.equal(subtitles[0].codec_name, "mov_text");
        assert.equal(subtitles[0].tags?.language, lecture.track);
        assert.deepEqual(info.chapters.map((c) => c.tags?.title), script.slides.map((s) => s.title));
      });

      it("a frame shows the title, starting from the side its script starts from", () => {
        const { dir } = result();
        const timings = JSON.parse(fs.readFileSync(path.join(dir, "timings.json"), "utf8")) as { slides: Array<{ startSeconds: number; endSeconds: number }> };
        const middle = (timings.slides[0].startSeconds + timings.slides[0].endSeconds) / 2;
        const title = titleColumns(frameAt(path.join(dir, "lecture.mp4"), middle));
        assert.ok(title.right > title.left, "the title is drawn");
        // Left-to-right titles start at the left margin (94 px); right-to-left ones end at the right margin.
        if (lecture.rightToLeft) assert.ok(title.right > 1780 && title.left > 200, `title at columns ${title.left}..${title.right}`);
        else assert.ok(title.left < 140 && title.right < 1780, `title at columns ${title.left}..${title.right}`);
      });
    });
  }
});
