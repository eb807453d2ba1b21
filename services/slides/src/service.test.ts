// The real service as a process, called through the typed client.
import { after, before, describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import JSZip from "jszip";
import { SLIDE_LIMITS } from "@lectra/lecture";
import type { IllustratedSlide, Picture, RenderFramesRequest } from "@lectra/proto";
import { themeByName } from "@lectra/themes";
import { DependencyError, slidesClient, statusName, type SlidesClient } from "@lectra/clients";
import { pngSize, solidPng, startService, type ServiceProcess } from "@lectra/testing";
import { xmlProblem } from "./testing/strict-xml";

let service: ServiceProcess;
let slides: SlidesClient;

before(async () => {
  service = await startService("slides", { env: { LECTRA_SLIDES_FRAME_WORKERS: "2" } });
  slides = slidesClient(service.address);
});

after(async () => {
  slides?.downstream.close();
  assert.equal(await service?.stop(), 0);
});

function picture(data: Buffer): Picture {
  return { data, mediaType: "image/png", width: 0, height: 0, title: "Leaf", sourceUrl: "", author: "", license: "", engine: "icons" };
}

function illustrated(index: number, bullets: string[], pic?: Picture): IllustratedSlide {
  return {
    slide: { index, title: `Slide ${index + 1}`, bullets, narration: `Narration for slide ${index + 1}, read aloud.`, imageQuery: "" },
    picture: pic,
  };
}

async function rejectsWith(call: Promise<unknown>, field: string) {
  await assert.rejects(call, (error: unknown) => {
    assert.ok(error instanceof DependencyError, String(error));
    assert.equal(statusName(error.code), "INVALID_ARGUMENT");
    assert.ok(error.details.startsWith(`${field}:`), error.details);
    return true;
  });
}

describe("slides service", () => {
  it("builds a 3-slide deck with the narration as speaker notes", async () => {
    const request = { language: "", theme: undefined, lectureTitle: "Plants", slides: [0, 1, 2].map((i) => illustrated(i, [`Point ${i + 1}`], i === 1 ? picture(solidPng(64, 48, [40, 120, 60])) : undefined)) };
    const messages = [];
    for await (const m of slides.buildDeck(request)) messages.push(m);
    assert.equal(messages[0].pageCount, 3);
    const zip = await JSZip.loadAsync(Buffer.concat(messages.map((m) => m.chunk)));
    assert.equal(Object.keys(zip.files).filter((f) => /^ppt\/slides\/slide\d+\.xml$/.test(f)).length, 3);
    for (const i of [1, 2, 3]) {
      assert.ok((await zip.file(`ppt/slides/slide${i}.xml`)!.async("string")).includes(`<a:t>Slide ${i}</a:t>`));
      assert.ok((await zip.file(`ppt/notesSlides/notesSlide${i}.xml`)!.async("string")).includes(`Narration for slide ${i}, read aloud.`));
    }
  });

  it("renders a slide with 6 bullets and a picture as 2 frames whose shares add up to 1", async () => {
    const bullets = ["Roots take up water", "Leaves take in CO2", "Chlorophyll absorbs light", "Water is split", "Sugar is made", "Oxygen is released"];
    const { frames } = await slides.renderFrames({ language: "", theme: undefined, lectureTitle: "Plants", slideTotal: 5, slide: illustrated(2, bullets, picture(solidPng(300, 200, [40, 120, 60]))) });
    assert.deepEqual(frames.map((f) => f.page), [0, 1]);
    assert.ok(Math.abs(frames[0].share + frames[1].share - 1) < 1e-9);
    assert.ok(frames.every((f) => f.share > 0));
    for (const f of frames) assert.deepEqual(pngSize(f.png), { width: 1920, height: 1080 });
    assert.ok(!frames[0].png.equals(frames[1].png));
  });

  it("refuses a picture that is not PNG or JPEG, naming the field", async () => {
    const gif = picture(Buffer.from("GIF89a\x01\x00\x01\x00\x00\x00\x00;"));
    await rejectsWith(slides.renderFrames({ language: "", theme: undefined, lectureTitle: "Plants", slideTotal: 1, slide: illustrated(0, ["a"], gif) }), "slide.picture.data");
    const deck = async () => {
      for await (const _ of slides.buildDeck({ language: "", theme: undefined, lectureTitle: "Plants", slides: [illustrated(0, ["a"]), illustrated(1, ["b"], gif)] }));
    };
    await rejectsWith(deck(), "slides[1].picture.data");
  });

  it("makes a deck whose every XML part is well-formed, and frames, from text with control characters", async () => {
    // (Half a surrogate pair cannot travel: protobuf's UTF-8 makes it U+FFFD on the way.)
    const dirty = (text: string) => `${text}\u0001\u000b\u0000\uFFFE`;
    const slide = (i: number): IllustratedSlide => ({
      slide: { index: i, title: dirty(`Slide ${i + 1}`), bullets: [dirty("Roots"), dirty("Leaves")], narration: dirty("Read aloud."), imageQuery: dirty("leaf") },
      picture: { ...picture(solidPng(64, 48, [40, 120, 60])), title: dirty("Leaf"), author: dirty("A. Botanist"), license: dirty("CC0") },
    });
    const messages = [];
    for await (const m of slides.buildDeck({ language: "", theme: undefined, lectureTitle: dirty("Plants"), slides: [slide(0), slide(1)] })) messages.push(m);
    const zip = await JSZip.loadAsync(Buffer.concat(messages.map((m) => m.chunk)));
    const parts = Object.keys(zip.files).filter((f) => /\.(xml|rels)$/.test(f));
    for (const part of parts) assert.equal(xmlProblem(await zip.file(part)!.async("string")), undefined, part);
    const first = await zip.file("ppt/slides/slide1.xml")!.async("string");
    assert.ok(first.includes("<a:t>Slide 1</a:t>"), first.match(/<a:t>[^<]*<\/a:t>/g)?.join(" "));

    const { frames } = await slides.renderFrames({ language: "", theme: undefined, lectureTitle: dirty("Plants"), slideTotal: 2, slide: slide(1) });
    assert.equal(frames.length, 1);
    assert.deepEqual(pngSize(frames[0].png), { width: 1920, height: 1080 });
  });

  it("lays a slide out to at most SLIDE_LIMITS.pages pages, however many bullets it has, and says so in its log and with the deck", async () => {
    for (const bullets of [Array(200).fill("a"), ["word ".repeat(40_000)]]) {
      const started = performance.now();
      const { frames } = await slides.renderFrames({ language: "", theme: undefined, lectureTitle: "Plants", slideTotal: 1, slide: illustrated(0, bullets) });
      assert.equal(frames.length, SLIDE_LIMITS.pages);
      assert.ok(Math.abs(frames.reduce((s, f) => s + f.share, 0) - 1) < 1e-9);
      assert.ok(performance.now() - started < 30_000, `${(performance.now() - started).toFixed(0)} ms`);
    }
    assert.match(service.logs(), /WARN .*slide 1: 160 characters of its bullets are not shown; a slide is laid out to at most 10 pages/);
    const messages = [];
    for await (const m of slides.buildDeck({ language: "", theme: undefined, lectureTitle: "Plants", slides: [illustrated(0, Array(200).fill("a")), illustrated(1, ["b"])] })) messages.push(m);
    assert.equal(messages[0].pageCount, SLIDE_LIMITS.pages + 1);
    assert.deepEqual(messages[0].warnings, ["slide 1: 160 characters of its bullets are not shown; a slide is laid out to at most 10 pages"], "the deck's answer says so too");
  });

  it("sets a Hindi, a Japanese and an Arabic lecture in its own script's font, in deck and frames", async () => {
    const lectures = [
      { language: "hi", family: "Noto Sans Devanagari", title: "प्रकाश संश्लेषण", bullets: ["पौधे सूर्य के प्रकाश से भोजन बनाते हैं।", "पत्तियाँ कार्बन डाइऑक्साइड लेती हैं।"] },
      { language: "ja", family: "Noto Sans JP", title: "光合成", bullets: ["植物は光を使って糖を作ります。", "葉は二酸化炭素を取り込みます。"] },
      { language: "ar", family: "Noto Sans Arabic", title: "التمثيل الضوئي", bullets: ["تصنع النباتات غذاءها من ضوء الشمس.", "تمتص الأوراق ثاني أكسيد الكربون."] },
    ];
    for (const l of lectures) {
      const slide: IllustratedSlide = { slide: { index: 0, title: l.title, bullets: l.bullets, narration: l.bullets.join(" "), imageQuery: "" }, picture: picture(solidPng(64, 48, [40, 120, 60])) };
      const messages = [];
      for await (const m of slides.buildDeck({ language: l.language, theme: undefined, lectureTitle: l.title, slides: [slide] })) messages.push(m);
      assert.deepEqual(messages[0].warnings, [], l.language);
      const xml = await (await JSZip.loadAsync(Buffer.concat(messages.map((m) => m.chunk)))).file("ppt/slides/slide1.xml")!.async("string");
      assert.ok(xml.includes(`<a:t>${l.title}</a:t>`) && xml.includes(`typeface="${l.family}"`), l.language);
      const { frames, warnings } = await slides.renderFrames({ language: l.language, theme: undefined, lectureTitle: l.title, slideTotal: 1, slide });
      assert.deepEqual(warnings, [], l.language);
      assert.equal(frames.length, 1);
      assert.deepEqual(pngSize(frames[0].png), { width: 1920, height: 1080 });
    }
  });

  it("warns, with the frames and with the deck, of a character no shipped font has", async () => {
    const slide = illustrated(0, ["Hieroglyph 𓀀 here"]);
    const { warnings } = await slides.renderFrames({ language: "en", theme: undefined, lectureTitle: "Egypt", slideTotal: 1, slide });
    const expected = `slide 1: "𓀀" (U+13000) is in no shipped font; it is left out of the frames and may show as a box in the deck`;
    assert.deepEqual(warnings, [expected]);
    const messages = [];
    for await (const m of slides.buildDeck({ language: "en", theme: undefined, lectureTitle: "Egypt", slides: [slide] })) messages.push(m);
    assert.deepEqual(messages[0].warnings, [expected]);
    assert.match(service.logs(), /WARN .*slide 1: "𓀀" \(U\+13000\) is in no shipped font/);
  });

  it("draws each lecture in its theme, and keys the frames' cache on it: another theme is drawn again, the same one is a hit", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lectra-slides-cache-"));
    const cachedService = await startService("slides", { env: { LECTRA_SLIDES_FRAME_WORKERS: "1", LECTRA_CACHE_MAX_MB: "64", LECTRA_CACHE_DIR: dir } });
    const client = slidesClient(cachedService.address);
    try {
      const request = (theme: string): RenderFramesRequest => ({ language: "", theme: themeByName(theme), lectureTitle: "Plants", slideTotal: 1, slide: illustrated(0, ["Roots take up water"]) });
      let hits = 0;
      const onCacheHit = () => hits++;
      const classic = await client.renderFrames(request("classic"), { onCacheHit });
      const chalkboard = await client.renderFrames(request("chalkboard"), { onCacheHit });
      assert.equal(hits, 0, "another theme is another key");
      assert.ok(!classic.frames[0].png.equals(chalkboard.frames[0].png), "two themes drew the same frame");
      const again = await client.renderFrames(request("chalkboard"), { onCacheHit });
      assert.equal(hits, 1, "the same theme again is answered from the cache");
      assert.ok(again.frames[0].png.equals(chalkboard.frames[0].png));
    } finally {
      client.downstream.close();
      await cachedService.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("refuses a theme with a colour that is not RRGGBB or a logo that is not a picture, naming the field", async () => {
    const paper = themeByName("paper")!;
    await rejectsWith(slides.renderFrames({ language: "", theme: { ...paper, colors: { ...paper.colors!, band: "navy" } }, lectureTitle: "Plants", slideTotal: 1, slide: illustrated(0, ["a"]) }), "theme.colors.band");
    const gifLogo = { ...picture(Buffer.from("GIF89a\x01\x00\x01\x00\x00\x00\x00;")), title: "logo" };
    const deck = async () => {
      for await (const _ of slides.buildDeck({ language: "", theme: { ...paper, logo: gifLogo }, lectureTitle: "Plants", slides: [illustrated(0, ["a"])] }));
    };
    await rejectsWith(deck(), "theme.logo");
  });

  it("refuses an empty deck and a slide beyond slide_total", async () => {
    await rejectsWith((async () => { for await (const _ of slides.buildDeck({ language: "", theme: undefined, lectureTitle: "Plants", slides: [] })); })(), "slides");
    await rejectsWith(slides.renderFrames({ language: "", theme: undefined, lectureTitle: "Plants", slideTotal: 2, slide: illustrated(2, ["a"]) }), "slide_total");
  });
});
