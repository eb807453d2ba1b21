// Faults in a lecture's text, with all six services as processes: text the
// outputs cannot hold, narration the speech service would refuse, more bullets
// than a slide's pages show, and prosody tags that are not tags. Each is refused
// when the job is submitted, naming the line and what to do, and no job is made;
// the slides service, asked directly, caps a slide's pages and stays small.
import { after, before, describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { SLIDE_LIMITS, SPEECH_LIMITS } from "@lectra/lecture";
import { JobState, RenderFramesRequest } from "@lectra/proto";
import { slidesClient, type SlidesClient } from "@lectra/clients";
import { peakMemoryMiB } from "@lectra/testing";
import { isInvalid, run, startStack, type Run, type Stack } from "./stack";

/** A two-slide script; `second` is the second slide, starting on line 7. */
const script = (second: string) => `# The Heart\n\n## A pump\n- Four chambers\n\nThe heart is a muscle.\n${second}`;

describe("faults in a lecture's text", () => {
  let stack: Stack;
  let slides: SlidesClient;
  before(async () => {
    stack = await startStack();
    slides = slidesClient(stack.services.get("slides")!.address);
  });
  after(async () => {
    slides?.downstream.close();
    await stack?.stop();
  });

  const jobCount = async () => (await stack.client.listJobs({ pageSize: 100, pageToken: "" })).jobs.length;

  /** Submits the script; it must be refused as INVALID_ARGUMENT on `script`, quickly, with no job made. Returns the message after "script: ". */
  async function refused(source: string): Promise<string> {
    const before = await jobCount();
    const started = performance.now();
    const r: Run = await run(stack.client, { source: { $case: "script", value: source } });
    const seconds = (performance.now() - started) / 1000;
    assert.ok(isInvalid(r, "script"), `got ${r.error?.code}: ${r.error?.details}; job ${r.job?.state}`);
    assert.equal(r.events.length, 0, "no job events");
    assert.equal(await jobCount(), before, "no job was made");
    assert.ok(seconds < 5, `refused after ${seconds.toFixed(1)} s`);
    return r.error!.details.slice("script: ".length);
  }

  it("a control character in a slide title or a bullet → INVALID_ARGUMENT naming the line and the character", async () => {
    const cases = [
      ["## Two loops\u0001\n\nBlood goes to the lungs first.\n", "line 7: slide 2's title has a control character U+0001, which a deck cannot hold: delete it"],
      ["## Two loops\n- Lungs\u000b and body\n\nBlood goes to the lungs first.\n", "line 8: a bullet on slide 2 has a control character U+000B, which a deck cannot hold: delete it"],
    ];
    for (const [slide, message] of cases) assert.equal(await refused(script(slide)), message);
    // The same with a video to make (it failed at stage.frame) and with skip_video (the deck was unreadable).
    for (const skipVideo of [false, true]) {
      const r = await run(stack.client, { source: { $case: "script", value: script("## Two\u0000\n\nBlood.\n") }, skipVideo });
      assert.ok(isInvalid(r, "script"), `${r.error?.details}`);
      assert.match(r.error!.details, /^script: line 7: slide 2's title has a control character U\+0000/);
    }
    // A title of nothing a reader can see.
    assert.equal(await refused(script("## \u200b\u2060\n\nBlood.\n")), "line 7: slide 2's title is only invisible characters; write one a reader can see");
  });

  it(`a slide with ${SPEECH_LIMITS.segments + 1} sentences, or a 6,000-character sentence → refused at submit naming the slide, not failed at stage.speech`, async () => {
    const sentences = Array.from({ length: SPEECH_LIMITS.segments + 1 }, (_, i) => `Beat ${i + 1} pumps blood.`).join(" ");
    assert.match(
      await refused(script(`## Beats\n\n${sentences}\n`)),
      /^line 7: slide 2 "Beats" has 401 sentences to speak \(a tag inside a sentence starts a new one\); the limit is 400 a slide: move some of them to a new slide$/,
    );
    assert.match(
      await refused(script(`## One breath\n\nThe heart ${"beats and ".repeat(599)}rests.\n`)),
      /^line 7: slide 2 "One breath" has a sentence of 6,\d{3} characters \("The heart beats and.*"\); the limit is 5,000: break it into shorter sentences$/,
    );
  });

  it("a slide with 200 one-character bullets, or a 200,000-character script of bullets → refused at once; the slides service never lays it out", async () => {
    const slidesPid = stack.services.get("slides")!.child.pid!;
    const peakBefore = peakMemoryMiB(slidesPid)!;
    assert.equal(
      await refused(script(`## Points\n${"- a\n".repeat(200)}\nBlood.\n`)),
      `line ${8 + SLIDE_LIMITS.bullets}: slide 2 "Points" has more than 10 bullets, more than its pages show: move the rest to a new slide`,
    );
    const huge = `# Bullets\n\n## All of them\n${"- b\n".repeat(49_990)}\nWords.\n`;
    assert.ok(huge.length <= 200_000);
    assert.match(await refused(huge), /^line 14: slide 1 "All of them" has more than 10 bullets/);
    assert.equal(peakMemoryMiB(slidesPid), peakBefore, "the slides service did no work for them");
  });

  it("the slides service, asked directly, lays 200 bullets out to 10 pages, in the memory 10 pages take", async () => {
    const slidesPid = stack.services.get("slides")!.child.pid!;
    const render = async (bullets: number) => {
      const slide = { index: 0, title: "Points", bullets: Array(bullets).fill("a"), narration: "Blood.", imageQuery: "" };
      return (await slides.renderFrames(RenderFramesRequest.fromPartial({ lectureTitle: "Heart", slideTotal: 1, slide: { slide, picture: undefined } }))).frames;
    };
    // A slide that fills its 10 pages exactly (4 bullets a page without a picture)…
    assert.equal((await render(SLIDE_LIMITS.pages * 4)).length, SLIDE_LIMITS.pages);
    const peakFull = peakMemoryMiB(slidesPid)!;
    // …and one that would have needed 50 (uncapped, it took the service from ~260 to ~600 MiB here, 724 MB in the trial).
    const started = performance.now();
    assert.equal((await render(200)).length, SLIDE_LIMITS.pages);
    const seconds = (performance.now() - started) / 1000;
    const peak = peakMemoryMiB(slidesPid)!;
    assert.ok(peak < peakFull * 1.25 + 20, `slides peaked at ${peak.toFixed(0)} MiB, against ${peakFull.toFixed(0)} MiB for a full slide`);
    assert.ok(seconds < 60, `took ${seconds.toFixed(1)} s`);
  });

  it("a malformed or out-of-range prosody tag → INVALID_ARGUMENT naming the line and the range, not spoken as words", async () => {
    const cases = [
      ["## Rest\n\nThe heart rests.\nThen [pause=1e9ms] it beats.\n", 'line 10: slide 2\'s narration: "[pause=1e9ms]" is not a pause tag: write [pause=Nms] with N from 0 to 1500'],
      ["## Low\n\n[pitch=-1e3st] A low voice.\n", 'line 9: slide 2\'s narration: "[pitch=-1e3st]" is not a pitch tag: write [pitch=±Nst] with N from -2 to +2'],
      ["## Fast\n\n[rate=abc] Quickly now.\n", 'line 9: slide 2\'s narration: "[rate=abc]" is not a rate tag: write [rate=±N%] with N from -30 to +25'],
    ];
    for (const [slide, message] of cases) assert.equal(await refused(script(slide)), message);
    assert.match(await refused(script("## Long rest\n\nWait. [pause=2000ms] Go.\n")), /^line 9: .*"\[pause=2000ms\]" is out of range: write \[pause=Nms\] with N from 0 to 1500$/);
  });

  it("a topic with a control character → INVALID_ARGUMENT naming topic", async () => {
    const r = await run(stack.client, { source: { $case: "topic", value: "How the heart\u0000 works" }, slideCount: 2 });
    assert.ok(isInvalid(r, "topic"), `${r.error?.details}`);
    assert.match(r.error!.details, /has a control character U\+0000 at character 14/);
  });

  it("a script within every limit, tags and all, still makes a lecture", async () => {
    const r = await run(stack.client, {
      source: { $case: "script", value: script("## Two loops\n- Lungs\n- Body\n\n[rate=-10%] Blood goes to the lungs first. [pause=800ms] Then [pitch=+1st] round the body?\n") },
      skipVideo: true,
    });
    assert.equal(r.error, undefined, r.error?.details);
    assert.equal(r.job?.state, JobState.JOB_STATE_SUCCEEDED, r.job?.error?.message);
  });
});
